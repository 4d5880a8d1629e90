"""ast-grep rules for the part of the rule table ast-grep can express: the plain renames.

A plain rename is a rule of kind ``rename`` with a WIT or language spelling.
Every spelling comes from :mod:`rbmigrate.ruletable` (``spellings()`` for the
WIT-derived renames, the ``rust`` table for Rust-only ones); nothing is typed
twice. ast-grep has no WIT grammar, so only the Rust and Python spellings
become rules:

- a bare name (``emit_batch``, ``SocketReadResult``) renames identifiers,
  field and type identifiers;
- a qualified name (``host.emit_batch``, ``rapidbyte::connector::host``,
  ``CheckpointKind::Dest``) is a pattern with its fix;
- a host string (``"rapidbyte:connector/host@3.0.0"``) renames string literals.

This is the peer's share of the work only: no reshapes, no retyping, no
findings, no manifests and no WIT.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUALIFIED = re.compile(r"^[A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_]\w*)+(?:\(\))?$")
# spelling context (from ruletable.spellings) -> languages it is written in
_CONTEXTS = {
    "Rust": ("rust",),
    "Python": ("python",),
    "Rust and Python": ("rust", "python"),
    "Rust module": ("rust",),
    "Python module": ("python",),
    "host string": ("rust", "python"),
    "Python export class": ("python",),
    "Rust export module": ("rust",),
    "bindgen accessor": ("rust",),
    "Python variant case": ("python",),
}


@dataclass(frozen=True)
class PlainRename:
    rule_id: str
    language: str  # rust | python
    old: str
    new: str

    @property
    def shape(self) -> str:
        if self.old.startswith('"'):
            return "string"
        if _BARE.match(self.old):
            return "name"
        if _QUALIFIED.match(self.old):
            return "pattern"
        return "unsupported"


def plain_renames(table=None) -> list[PlainRename]:
    """Every Rust/Python spelling of every plain rename in the rule table, deduplicated, in rule order."""
    from rbmigrate.ruletable import default_table, spellings

    table = table or default_table()
    out: list[PlainRename] = []
    seen: set[tuple[str, str]] = set()

    def add(rule_id: str, language: str, old: str, new: str) -> None:
        if old != new and (language, old) not in seen:
            seen.add((language, old))
            out.append(PlainRename(rule_id, language, old, new))

    for rule in table:
        if rule.kind != "rename" or not (rule.wit or rule.rust or rule.python):
            continue
        for rename in (r for r in table.renames if r.rule_id == rule.id):
            for context, old, new in spellings(rename, table):
                for language in _CONTEXTS.get(context, ()):
                    add(rule.id, language, old, new)
        for language in ("rust", "python"):
            spec = getattr(rule, language)
            if not spec.get("from"):
                continue
            owner = spec.get("owner", "")
            for old in [spec["from"], *spec.get("also", [])]:
                new = spec["to"]
                if spec.get("item") == "variant" and owner and "|" not in owner:
                    add(rule.id, language, f"{owner}::{old}" if language == "rust" else f"{owner}.{old}",
                        f"{owner}::{new}" if language == "rust" else f"{owner}.{new}")
                else:
                    add(rule.id, language, old, new)
    return [r for r in out if r.shape != "unsupported"]


def _rule(index: int, rename: PlainRename) -> dict:
    body: dict
    if rename.shape == "name":
        regex = f"^{re.escape(rename.old)}$"
        kinds = ["identifier", "field_identifier", "type_identifier"] if rename.language == "rust" else ["identifier"]
        body = {"any": [{"kind": k, "regex": regex} for k in kinds]}
    elif rename.shape == "string":
        body = {"kind": "string_literal" if rename.language == "rust" else "string",
                "regex": f"^{re.escape(rename.old)}$"}
    else:
        body = {"pattern": rename.old}
    return {
        "id": f"{rename.rule_id.lower()}-{rename.language}-{index}",
        "language": rename.language,
        "severity": "hint",
        "message": f"{rename.rule_id}: {rename.old} -> {rename.new}",
        "rule": body,
        "fix": rename.new,
    }


def write_project(folder: Path, table=None) -> tuple[Path, int]:
    """Write ``sgconfig.yml`` and one rule file per rename into ``folder``; returns (config, rule count).

    YAML is written as JSON (a subset of YAML), so no YAML library is needed."""
    folder = Path(folder)
    rules_dir = folder / "rules"
    rules_dir.mkdir(parents=True, exist_ok=True)
    renames = plain_renames(table)
    for index, rename in enumerate(renames):
        rule = _rule(index, rename)
        (rules_dir / f"{rule['id']}.yml").write_text(json.dumps(rule, indent=1) + "\n", encoding="utf-8")
    config = folder / "sgconfig.yml"
    config.write_text(json.dumps({"ruleDirs": ["rules"]}) + "\n", encoding="utf-8")
    return config, len(renames)


def v3_tokens(table=None) -> list[str]:
    """The v3 words the grep floor looks for: every v3 spelling the rule table renames, plus the v3 package."""
    from rbmigrate.ruletable import V3_PACKAGE, default_table

    table = table or default_table()
    return sorted(table.v3_words | {V3_PACKAGE})

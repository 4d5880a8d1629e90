"""Serde wire names of renamed enum variants: v3 data stays readable.

Renaming a variant of a serde-derived enum (``StateScope::Stream`` →
``PerStream``) changes the name it is stored under (``"stream"`` →
``"per_stream"`` under ``rename_all = "snake_case"``), so state, journals and
manifests written by v3 would no longer load. Where a variant is renamed in its
definition, its old wire name is kept readable with ``#[serde(alias = …)]``:

- under a container ``rename_all`` (or with no renaming at all), a new
  ``#[serde(alias = "<old wire name>")]`` line goes before the variant;
- with an explicit ``#[serde(rename = "X")]`` that spells the old name (``"2"``
  for ``V2``: the name without its ``V``, lower case, snake or kebab case), the
  rename follows the variant (``"4"``) and ``alias = "X"`` joins it;
- an explicit rename that does not spell the variant stays as it is (the wire
  name does not change).

Each alias comes with an informational finding on the run that adds it, so the
reviewer sees that the wire name changed (informational findings are not part
of idempotency: a second run, which has nothing to rename, does not repeat it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .syntax import field, line_indent, named, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

RULE = "RB931"


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", name) if w]


CASES = {
    "lowercase": lambda n: n.lower(),
    "UPPERCASE": lambda n: n.upper(),
    "PascalCase": lambda n: n,
    "camelCase": lambda n: n[:1].lower() + n[1:],
    "snake_case": lambda n: "_".join(w.lower() for w in _words(n)),
    "SCREAMING_SNAKE_CASE": lambda n: "_".join(w.upper() for w in _words(n)),
    "kebab-case": lambda n: "-".join(w.lower() for w in _words(n)),
    "SCREAMING-KEBAB-CASE": lambda n: "-".join(w.upper() for w in _words(n)),
}
# how an explicit `rename` may spell a variant (its version number, its name in some case)
SPELLINGS = [lambda n: n.lstrip("Vv") if re.fullmatch(r"[Vv]\d+", n) else None, *CASES.values()]


def _attributes(node: "Node") -> list["Node"]:
    """The attribute items directly before ``node`` (an item, or a variant in its list)."""
    out = []
    prev = node.prev_named_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "attribute_item":
            out.append(prev)
        prev = prev.prev_named_sibling
    return out


def _serde_args(attr: "Node") -> dict[str, "Node"]:
    """``key = "value"`` pairs of a ``#[serde(…)]`` attribute (the string literal nodes)."""
    inner = named(attr)[0] if named(attr) else None
    if inner is None or inner.type != "attribute" or not named(inner) or text(named(inner)[0]) != "serde":
        return {}
    tree = field(inner, "arguments") or next((c for c in named(inner) if c.type == "token_tree"), None)
    out = {}
    children = list(tree.children) if tree is not None else []
    for i, child in enumerate(children[:-2]):
        if child.type == "identifier" and children[i + 1].type == "=" and children[i + 2].type == "string_literal":
            out[text(child)] = children[i + 2]
    return out


def _string(node: "Node") -> str:
    return text(node)[1:-1]


def _derives_serde(enum_item: "Node") -> bool:
    for attr in _attributes(enum_item):
        words = set(re.findall(r"\w+", text(attr)))
        if "derive" in words and ({"Deserialize", "Serialize"} & words):
            return True
    return False


def _rename_all(enum_item: "Node") -> str | None:
    for attr in _attributes(enum_item):
        args = _serde_args(attr)
        if "rename_all" in args:
            return _string(args["rename_all"])
    return None


def plan_variant(plan: "FilePlan", enum_item: "Node", variant: "Node", old: str, new: str) -> None:
    """The variant ``old`` of ``enum_item`` is renamed to ``new``: keep its v3 wire name readable."""
    if not _derives_serde(enum_item):
        return
    for attr in _attributes(variant):
        args = _serde_args(attr)
        if "rename" not in args:
            continue
        node = args["rename"]
        wire = _string(node)
        for spell in SPELLINGS:
            if spell(old) == wire and spell(new) not in (None, wire):
                if "alias" in args and _string(args["alias"]) == wire:
                    return
                plan.edit(node, f'"{spell(new)}", alias = "{wire}"', plan_rule(plan, old))
                _note(plan, variant, wire, spell(new))
                return
        return  # an explicit name that is not the variant's: the wire name does not change
    case = CASES.get(_rename_all(enum_item) or "PascalCase")
    if case is None:
        return
    wire_old, wire_new = case(old), case(new)
    if wire_old == wire_new:
        return
    indent = line_indent(plan.data, variant.start_byte)
    plan.edit((variant.start_byte, variant.start_byte), f'#[serde(alias = "{wire_old}")]{plan.newline}{indent}',
              plan_rule(plan, old))
    _note(plan, variant, wire_old, wire_new)


def plan_rule(plan: "FilePlan", old: str) -> str:
    """The rule that renames the variant (the alias is part of that rename)."""
    for (_owner, variant), (_new, rule) in plan.vocab.variant_renames.items():
        if variant == old:
            return rule
    return RULE


def _note(plan: "FilePlan", variant: "Node", wire_old: str, wire_new: str) -> None:
    plan.finding(
        variant, RULE,
        f'the serde name of this variant changes from "{wire_old}" to "{wire_new}"; '
        f'`alias = "{wire_old}"` keeps data stored by v3 readable',
        "Nothing to do unless v3 readers must read what v4 writes (they cannot); drop the alias once no v3 "
        "data is left.",
        severity="info",
    )

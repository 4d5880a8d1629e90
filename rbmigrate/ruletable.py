"""The v3 → v4 rule table: loads ``rules/*.toml`` and derives every spelling.

A rule is declared once, in WIT spelling when it has a WIT origin. Everything a
language adapter needs (``emit_batch``, ``EmitBatch``, ``EMIT_BATCH``,
``"emit-batch"``, ``"rapidbyte:connector/host@3.0.0"``, binding module paths,
Python variant case classes) is derived here, never typed twice. The shape of
the protocol (which interface owns a type, a function's parameters, an enum's
cases, the fields a record gains) comes from the canonical ``wit/v3`` and
``wit/v4`` packages, parsed once through :mod:`rbmigrate.lang.wit.model` and
reached through :meth:`RuleTable.wit`.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import ruleschema
from .resources import data_root, rules_dir
from .ruleschema import RuleTableError

if TYPE_CHECKING:  # pragma: no cover
    from .lang.wit.model import Package

__all__ = ["RuleTable", "RuleTableError", "Rule", "Rename", "load", "default_table", "spellings"]

V3_PACKAGE = "rapidbyte:connector@3.0.0"
V4_PACKAGE = "rapidbyte:connector@4.0.0"
NAMESPACE = "rapidbyte"
PACKAGE_NAME = "connector"


# ------------------------------------------------------------------ spellings


def per_table(build):
    """Memoise what is derived from a rule table (a vocabulary), once per table object."""
    cache: dict[int, tuple] = {}

    @functools.wraps(build)
    def get(table):
        hit = cache.get(id(table))
        if hit is not None and hit[0] is table:
            return hit[1]
        value = build(table)
        cache[id(table)] = (table, value)
        return value

    return get


def split_params(text: str) -> list[str]:
    """Split a parameter or type-argument list at its top-level commas (`a: list<u8>, b: option<string>`)."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def snake(name: str) -> str:
    """WIT kebab-case to Rust/Python snake_case (``emit-batch`` → ``emit_batch``)."""
    return name.lstrip("%").replace("-", "_")


def pascal(name: str) -> str:
    """WIT kebab-case to PascalCase (``socket-read-result`` → ``SocketReadResult``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.lstrip("%").split("-"))


def screaming(name: str) -> str:
    """WIT kebab-case to SCREAMING_SNAKE (``transient-db`` → ``TRANSIENT_DB``)."""
    return snake(name).upper()


def kebab(name: str) -> str:
    """snake_case or kebab-case to WIT kebab-case."""
    return name.replace("_", "-").lower()


@dataclass(frozen=True, slots=True)
class Spelling:
    """One name in every spelling the adapters need."""

    wit: str

    @property
    def snake(self) -> str:
        return snake(self.wit)

    @property
    def pascal(self) -> str:
        return pascal(self.wit)

    @property
    def screaming(self) -> str:
        return screaming(self.wit)


def package_path(interface: str, version: str) -> str:
    """Host string of an interface: ``rapidbyte:connector/host@3.0.0``."""
    return f"{NAMESPACE}:{PACKAGE_NAME}/{interface}@{version}"


def bindgen_accessor(interface: str) -> str:
    """wasmtime ``bindgen!`` accessor of an exported interface."""
    return f"{NAMESPACE}_{PACKAGE_NAME}_{snake(interface)}"


# ---------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    kind: str
    fix: str
    languages: tuple[str, ...]
    why: str
    what: str = ""
    example: str = ""
    use_instead: str = ""
    example_lang: str = ""
    severity: str = "error"
    wit: dict = field(default_factory=dict)
    rust: dict = field(default_factory=dict)
    python: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    run_phase: dict = field(default_factory=dict)
    context_keys: tuple[dict, ...] = ()
    source: str = ""

    @property
    def is_finding(self) -> bool:
        return self.fix == "manual"

    @property
    def applicability(self) -> str:
        """How an edit of this rule is applied: ``safe`` (always) or ``unsafe`` (with ``--unsafe-fixes``)."""
        return "unsafe" if self.fix == "unsafe" else "safe"


@dataclass(frozen=True, slots=True)
class Rename:
    """A derived rename: one WIT item in its old and new spelling and owner."""

    rule_id: str
    item: str  # interface | function | param | type | field
    old: Spelling
    new: Spelling
    interface: str = ""  # v3 owner (functions, params, types, fields)
    new_interface: str = ""  # v4 owner
    owner: str = ""  # function of a param, record of a field


@dataclass(frozen=True, slots=True)
class IntegerCodes:
    """The v3 integer codes of one parameter (`log` level, state scope, checkpoint kind)."""

    rule_id: str
    param: str  # WIT parameter name
    enum: str  # the v4 enum that replaces the integer
    values: dict  # code -> v4 enum case (WIT spelling)
    other: str = ""  # the case for any other code, if v3 hosts had one

    def case(self, code: int) -> str | None:
        return self.values.get(code, self.other or None)


@dataclass(frozen=True, slots=True)
class Payload:
    """A v3 host function whose JSON payload (or string arguments) become one typed v4 record."""

    rule_id: str
    function: str  # v3 function (WIT spelling)
    record: str  # the v4 record (WIT spelling)
    v3_form: str  # json | arguments
    keys: dict  # v3 payload key -> v4 field
    cursor: tuple[str, ...] = ()
    kind_strings: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunPhaseMove:
    """A v3 role function whose body moves into a helper that ``run`` calls for one phase."""

    rule_id: str
    interface: str  # v3 role interface (WIT spelling)
    role: str  # v4 role interface / connector-role case
    function: str  # v3 function (WIT spelling)
    phase: str  # run-phase case (WIT spelling)
    helper: str  # helper name (WIT spelling: `read-stream`)
    rust_trait: str
    rust_method: str
    takes_stream: bool


@dataclass(frozen=True, slots=True)
class AddedField:
    """A field a v4 record has and its v3 record had not (``validation-report.warnings``)."""

    rule_id: str
    record: str  # v3 record (WIT spelling)
    name: str  # the field (WIT spelling)
    type: str  # its WIT type

    @property
    def empty(self) -> str | None:
        """The field's empty value kind (``list`` / ``option``), or None when it has none."""
        for kind in ("list", "option"):
            if self.type.startswith(kind + "<"):
                return kind
        return None


# ---------------------------------------------------------------------- table


class RuleTable:
    def __init__(self, rules: list[Rule], wit_root: Path | None = None):
        self.rules = sorted(rules, key=lambda r: r.id)
        self._by_id = {r.id: r for r in self.rules}
        self._wit_root = wit_root

    def get(self, rule_id: str) -> Rule:
        try:
            return self._by_id[rule_id.upper()]
        except KeyError:
            raise KeyError(rule_id) from None

    def __contains__(self, rule_id: str) -> bool:
        return rule_id.upper() in self._by_id

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    # --- the canonical packages ------------------------------------------------

    def wit(self, version: str) -> "Package":
        """The canonical package ``v3`` or ``v4``, parsed once (:mod:`rbmigrate.lang.wit.model`)."""
        from .lang.wit.model import load_package

        root = self._wit_root or data_root() / "wit"
        return load_package(root / version)

    # --- derived WIT renames -------------------------------------------------

    @functools.cached_property
    def renames(self) -> tuple[Rename, ...]:
        out: list[Rename] = []
        for rule in self.rules:
            w = rule.wit
            item = w.get("item")
            if item in (None, "package", "world"):
                continue
            names = [w["from"], *w.get("also", [])]
            for old in names:
                new = w["to"] if old == w["from"] else old
                out.append(
                    Rename(
                        rule_id=rule.id,
                        item=item,
                        old=Spelling(old),
                        new=Spelling(new),
                        interface=w.get("interface", ""),
                        new_interface=w.get("to-interface", "") or self.renamed_interface(w.get("interface", "")),
                        owner=w.get("owner", ""),
                    )
                )
        return tuple(out)

    def renamed_interface(self, interface: str) -> str:
        """The v4 name of a v3 interface (itself when it is not renamed)."""
        for rule in self.rules:
            w = rule.wit
            if w.get("item") == "interface" and w.get("from") == interface:
                return w["to"]
        return interface

    @functools.cached_property
    def interface_renames(self) -> dict[str, Rename]:
        """v3 interface name → rename (``host`` → ``host-io``). ``types`` maps to
        ``core-types``, its main heir; use :meth:`type_move` for each type."""
        return {r.old.wit: r for r in self.renames if r.item == "interface"}

    @functools.cached_property
    def type_renames(self) -> dict[str, Rename]:
        """v3 type name → rename, for types whose name changes."""
        return {r.old.wit: r for r in self.renames if r.item == "type"}

    # --- type owners ----------------------------------------------------------

    @functools.cached_property
    def v3_types(self) -> dict[str, str]:
        """v3 type name → owning v3 interface."""
        return dict(self.wit("v3").type_owner)

    @functools.cached_property
    def v4_types(self) -> dict[str, str]:
        """v4 type name → owning v4 interface."""
        return dict(self.wit("v4").type_owner)

    def type_move(self, v3_type: str) -> tuple[str, str, str] | None:
        """Where a v3 type of interface ``types`` goes: (rule id, v4 name, v4 interface)."""
        rename = self.type_renames.get(v3_type)
        new = rename.new.wit if rename else v3_type
        owner = self.v4_types.get(new)
        if owner is None:
            return None
        interface_rule = self.interface_renames.get(self.v3_types.get(v3_type, ""))
        return (rename.rule_id if rename else interface_rule.rule_id if interface_rule else "RB011", new, owner)

    @functools.cached_property
    def split_interfaces(self) -> dict[str, str]:
        """v3 interface → rule id, for interfaces whose types go to several v4 interfaces (``types``)."""
        owners: dict[str, set[str]] = {}
        for name, iface in self.v3_types.items():
            move = self.type_move(name)
            if move is not None:
                owners.setdefault(iface, set()).add(move[2])
        return {
            iface: self.interface_renames[iface].rule_id
            for iface, targets in owners.items()
            if len(targets) > 1 and iface in self.interface_renames
        }

    def variant_cases(self, type_name: str) -> tuple[str, ...]:
        """Case names of a v3 variant (for Python ``Variant_Case`` classes)."""
        t = self.wit("v3").type(type_name)
        return t.members if t is not None and t.kind == "variant" else ()

    def declaration(self, version: str, interface: str, name: str) -> str:
        """The declaration of function ``name`` in ``interface`` of a canonical package, or ``""``."""
        fn = self.wit(version).function(interface, name)
        return fn.declaration if fn is not None else ""

    @functools.cached_property
    def added_fields(self) -> dict[str, tuple[AddedField, ...]]:
        """v3 record → the fields its v4 record adds (derived from the two canonical packages)."""
        v3, v4 = self.wit("v3"), self.wit("v4")
        renamed = {(r.owner, r.old.wit): r.new.wit for r in self.renames if r.item == "field"}
        out: dict[str, tuple[AddedField, ...]] = {}
        for name in v3.type_owner:
            old = v3.type(name)
            move = self.type_move(name)
            if old is None or old.kind != "record" or move is None:
                continue
            new = v4.type(move[1])
            if new is None or new.kind != "record":
                continue
            have = {renamed.get((name, f), f) for f in old.members}
            types = {f.ident: f.type for f in new.node.fields}
            added = tuple(
                AddedField(move[0], name, f, v4.source[types[f].start : types[f].end].decode())
                for f in new.members
                if f not in have
            )
            if added:
                out[name] = added
        return out

    # --- integer codes, payloads and run phases --------------------------------------

    @functools.cached_property
    def integer_codes(self) -> dict[str, IntegerCodes]:
        """v3 host function (WIT name) → the integer codes one of its parameters carried."""
        out: dict[str, IntegerCodes] = {}
        for rule in self.rules:
            c = rule.codes
            if not c:
                continue
            codes = IntegerCodes(
                rule_id=rule.id,
                param=c["param"],
                enum=c["enum"],
                values={int(k): v for k, v in c["values"].items()},
                other=c.get("other", ""),
            )
            for name in (rule.wit["from"], *rule.wit.get("also", [])):
                out[name] = codes
        return out

    @functools.cached_property
    def payloads(self) -> dict[str, Payload]:
        """v3 host function (WIT name) → its payload change (`[rule.payload]`)."""
        out: dict[str, Payload] = {}
        for rule in self.rules:
            p = rule.payload
            if p:
                out[rule.wit["from"]] = Payload(
                    rule_id=rule.id,
                    function=rule.wit["from"],
                    record=p["record"],
                    v3_form=p["v3-form"],
                    keys=dict(p.get("keys", {})),
                    cursor=tuple(p.get("cursor", ())),
                    kind_strings=dict(p.get("kind-strings", {})),
                )
        return out

    @functools.cached_property
    def json_payloads(self) -> dict[str, str]:
        """Every spelling (v3 and v4, kebab and snake) of a host function whose v3 JSON payload is a typed v4
        record -> that record (WIT): what prose about "the JSON of `checkpoint`" is about (RB901)."""
        out: dict[str, str] = {}
        for rename in self.renames:
            payload = self.payloads.get(rename.old.wit) if rename.item == "function" else None
            if payload is not None and payload.v3_form == "json":
                for name in (rename.old.wit, rename.new.wit):
                    out[name] = out[name.replace("-", "_")] = payload.record
        return out

    @functools.cached_property
    def run_phases(self) -> tuple[RunPhaseMove, ...]:
        """Every v3 role function that becomes a phase of `run` (`[rule.run-phase]`), in table order."""
        out = []
        for rule in self.rules:
            p = rule.run_phase
            if p:
                iface = rule.wit["interface"]
                out.append(
                    RunPhaseMove(
                        rule_id=rule.id,
                        interface=iface,
                        role=self.renamed_interface(iface),
                        function=rule.wit["from"],
                        phase=p["phase"],
                        helper=p["helper"],
                        rust_trait=p["rust-trait"],
                        rust_method=p["rust-method"],
                        takes_stream=p["takes-stream"],
                    )
                )
        return tuple(out)

    @functools.cached_property
    def context_keys(self) -> dict[str, dict]:
        """The v3 stream-context key paths and their v4 expressions (`[[rule.context-key]]`), by path."""
        return {k["path"]: k for rule in self.rules for k in rule.context_keys}

    # --- tokens for the cheap prefilter ----------------------------------------

    @functools.cached_property
    def v3_words(self) -> frozenset[str]:
        """Every v3 spelling (kebab, snake, Pascal) that a rule renames."""
        words: set[str] = set()
        for r in self.renames:
            if r.old.wit == r.new.wit and r.item != "interface":
                continue
            words.update({r.old.wit, r.old.snake, r.old.pascal})
        for rule in self.rules:
            for spec in (rule.rust, rule.python):
                if spec.get("from"):
                    words.add(spec["from"])
                    words.update(spec.get("also", []))
        return frozenset(words)


# -------------------------------------------------------------------- loading


def _text(entry: dict, key: str) -> str:
    return str(entry.get(key, "")).strip("\n")


def _load_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleTableError(f"{path}: {exc}") from None
    unknown = set(data) - {"rule"}
    if unknown:
        raise RuleTableError(f"{path.name}: unknown top-level key `{sorted(unknown)[0]}` (only [[rule]] entries)")
    rules = []
    for index, entry in enumerate(data.get("rule", []), 1):
        where = f"{path.name} rule #{index}" + (f" ({entry['id']})" if isinstance(entry.get("id"), str) else "")
        ruleschema.check("rule", entry, where)
        rules.append(
            Rule(
                id=entry["id"],
                name=entry["name"],
                title=entry["title"],
                kind=entry["kind"],
                fix=entry["fix"],
                languages=tuple(entry["languages"]),
                why=_text(entry, "why"),
                what=_text(entry, "what"),
                example=_text(entry, "example"),
                use_instead=_text(entry, "use_instead"),
                example_lang=entry.get("example_lang", ""),
                severity=entry.get("severity", "error" if entry["fix"] == "manual" else "info"),
                wit=entry.get("wit", {}),
                rust=entry.get("rust", {}),
                python=entry.get("python", {}),
                codes=entry.get("codes", {}),
                payload=entry.get("payload", {}),
                run_phase=entry.get("run-phase", {}),
                context_keys=tuple(entry.get("context-key", ())),
                source=path.name,
            )
        )
    return rules


def _check_table(table: RuleTable) -> None:
    """Cross-entry checks: what one entry names must exist in the canonical packages."""
    v3, v4 = table.wit("v3"), table.wit("v4")
    for rule in table:
        where = f"{rule.source} ({rule.id})"
        w = rule.wit
        if w.get("item") == "function":
            if v3.function(w.get("interface", ""), w["from"]) is None:
                raise RuleTableError(f"{where}: wit/v3 has no function `{w['from']}` in `{w.get('interface')}`")
            target = w.get("to-interface") or table.renamed_interface(w.get("interface", ""))
            if target in v4.interfaces and v4.function(target, w["to"]) is None and rule.kind != "reshape":
                raise RuleTableError(f"{where}: wit/v4 has no function `{w['to']}` in `{target}`")
        if rule.codes and v4.type(rule.codes["enum"]) is None:
            raise RuleTableError(f"{where}: wit/v4 has no enum `{rule.codes['enum']}`")
        if rule.payload and v4.type(rule.payload["record"]) is None:
            raise RuleTableError(f"{where}: wit/v4 has no record `{rule.payload['record']}`")
        if rule.run_phase and rule.run_phase["phase"] not in v4.enum_cases("run-phase"):
            raise RuleTableError(f"{where}: `{rule.run_phase['phase']}` is not a case of wit/v4 `run-phase`")


def load(folder: Path | None = None, wit_root: Path | None = None) -> RuleTable:
    """Load ``rules/*.toml`` from ``folder`` (checked against :mod:`.ruleschema` and the canonical WIT)."""
    folder = folder or rules_dir()
    rules: list[Rule] = []
    for path in sorted(folder.glob("*.toml")):
        rules.extend(_load_file(path))
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise RuleTableError(f"{rule.source}: {key} is declared twice (also in {seen[key]})")
            seen[key] = rule.source
    table = RuleTable(rules, wit_root)
    _check_table(table)
    return table


@functools.lru_cache(maxsize=1)
def default_table() -> RuleTable:
    return load()


# ------------------------------------------------------------ derived spellings


def spellings(rename: Rename, table: RuleTable) -> list[tuple[str, str, str]]:
    """Every (context, old, new) spelling of a WIT rename, for adapters and ``explain``."""
    old, new = rename.old, rename.new
    out: list[tuple[str, str, str]] = [("WIT", old.wit, new.wit)]
    if rename.item == "interface":
        out += [
            ("Rust module", f"rapidbyte::connector::{old.snake}", f"rapidbyte::connector::{new.snake}"),
            ("Python module", f"wit_world.imports.{old.snake}", f"wit_world.imports.{new.snake}"),
            ("host string", f'"{package_path(old.wit, "3.0.0")}"', f'"{package_path(new.wit, "4.0.0")}"'),
        ]
        if old.wit.endswith("-connector"):
            out += [
                ("Python export class", old.pascal, new.pascal),
                ("Rust export module", f"exports::rapidbyte::connector::{old.snake}", f"exports::rapidbyte::connector::{new.snake}"),
                ("bindgen accessor", f"{bindgen_accessor(old.wit)}()", f"{bindgen_accessor(new.wit)}()"),
            ]
    elif rename.item == "function":
        iface_old, iface_new = Spelling(rename.interface), Spelling(rename.new_interface or rename.interface)
        out += [
            ("Rust", old.snake, new.snake),
            ("Python", f"{iface_old.snake}.{old.snake}", f"{iface_new.snake}.{new.snake}"),
            ("host string", f'"{old.wit}"', f'"{new.wit}"'),
        ]
    elif rename.item == "type":
        out += [("Rust and Python", old.pascal, new.pascal)]
        cases = table.variant_cases(rename.old.wit)
        out += [("Python variant case", f"{old.pascal}_{pascal(c)}", f"{new.pascal}_{pascal(c)}") for c in cases]
    elif rename.item in ("param", "field"):
        out += [("Rust and Python", old.snake, new.snake)]
    return [row for row in out if row[1] != row[2]]

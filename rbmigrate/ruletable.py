"""The v3 → v4 rule table: loads ``rules/*.toml`` and derives every spelling.

A rule is declared once, in WIT spelling when it has a WIT origin. Everything a
language adapter needs (``emit_batch``, ``EmitBatch``, ``EMIT_BATCH``,
``"emit-batch"``, ``"rapidbyte:connector/host@3.0.0"``, binding module paths,
Python variant case classes) is derived here, never typed twice.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .resources import rules_dir, wit_dir

V3_PACKAGE = "rapidbyte:connector@3.0.0"
V4_PACKAGE = "rapidbyte:connector@4.0.0"
NAMESPACE = "rapidbyte"
PACKAGE_NAME = "connector"

_ID = re.compile(r"^RB\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
KINDS = {"rename", "retype", "move", "reshape", "add", "version", "finding"}
FIXES = {"safe", "unsafe", "manual"}
SEVERITIES = {"error", "warning", "info"}
LANGUAGES = {"wit", "rust", "python", "host-string", "manifest", "markdown"}
WIT_ITEMS = {"package", "interface", "function", "param", "type", "field", "world"}


class RuleTableError(ValueError):
    """The rule table itself is malformed (a bug in rules/, reported with its file)."""


# ------------------------------------------------------------------ spellings


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
class Case:
    """A before/after case kept beside a rule; the after side is a snapshot."""

    lang: str
    before: str
    path: str = ""


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
    cases: tuple[Case, ...] = ()
    source: str = ""

    @property
    def is_finding(self) -> bool:
        return self.fix == "manual"


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


# ---------------------------------------------------------------------- table


class RuleTable:
    def __init__(self, rules: list[Rule]):
        self.rules = sorted(rules, key=lambda r: r.id)
        self._by_id = {r.id: r for r in self.rules}

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
                        new_interface=w.get("to-interface", "") or _renamed_interface(self, w.get("interface", "")),
                        owner=w.get("owner", ""),
                    )
                )
        return tuple(out)

    @functools.cached_property
    def interface_renames(self) -> dict[str, Rename]:
        """v3 interface name → rename (``host`` → ``host-io``). ``types`` maps to
        ``core-types``, its main heir; use :meth:`type_owner` for each type."""
        return {r.old.wit: r for r in self.renames if r.item == "interface"}

    @functools.cached_property
    def type_renames(self) -> dict[str, Rename]:
        """v3 type name → rename, for types whose name changes."""
        return {r.old.wit: r for r in self.renames if r.item == "type"}

    # --- type owners ----------------------------------------------------------

    @functools.cached_property
    def v3_types(self) -> dict[str, str]:
        """v3 type name → owning v3 interface."""
        return _type_owners(wit_dir("v3"))

    @functools.cached_property
    def v4_types(self) -> dict[str, str]:
        """v4 type name → owning v4 interface."""
        return _type_owners(wit_dir("v4"))

    def type_move(self, v3_type: str) -> tuple[str, str, str] | None:
        """Where a v3 type of interface ``types`` goes: (rule id, v4 name, v4 interface)."""
        rename = self.type_renames.get(v3_type)
        new = rename.new.wit if rename else v3_type
        owner = self.v4_types.get(new)
        if owner is None:
            return None
        return (rename.rule_id if rename else "RB011", new, owner)

    # --- integer codes ----------------------------------------------------------------

    @functools.cached_property
    def integer_codes(self) -> dict[str, "IntegerCodes"]:
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


def _renamed_interface(table: RuleTable, interface: str) -> str:
    for rule in table.rules:
        w = rule.wit
        if w.get("item") == "interface" and w.get("from") == interface:
            return w["to"]
    return interface


_IFACE = re.compile(rb"^\s*interface\s+(%?[a-z][a-z0-9-]*)\s*\{", re.M)
_TYPEDEF = re.compile(rb"^\s*(?:record|enum|variant|flags|resource|type)\s+(%?[a-z][a-z0-9-]*)", re.M)


def _type_owners(folder: Path) -> dict[str, str]:
    """Type name → interface for a canonical package (ours, so a line scan is exact)."""
    owners: dict[str, str] = {}
    for path in sorted(folder.glob("*.wit")):
        data = path.read_bytes()
        spans = [(m.start(), m.group(1).decode()) for m in _IFACE.finditer(data)]
        for m in _TYPEDEF.finditer(data):
            owner = ""
            for start, name in spans:
                if start < m.start():
                    owner = name
            owners[m.group(1).decode().lstrip("%")] = owner
    return owners


# -------------------------------------------------------------------- loading


def _text(entry: dict, key: str) -> str:
    return str(entry.get(key, "")).strip("\n")


def _load_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleTableError(f"{path}: {exc}") from None
    rules = []
    for index, entry in enumerate(data.get("rule", []), 1):
        where = f"{path.name} rule #{index}"
        for key in ("id", "name", "title", "kind", "fix", "languages", "why"):
            if key not in entry:
                raise RuleTableError(f"{where}: missing `{key}`")
        if not _ID.match(entry["id"]):
            raise RuleTableError(f"{where}: id {entry['id']!r} is not RB + three digits")
        if not _NAME.match(entry["name"]):
            raise RuleTableError(f"{where}: name {entry['name']!r} is not kebab-case")
        if entry["kind"] not in KINDS:
            raise RuleTableError(f"{where}: kind {entry['kind']!r} not in {sorted(KINDS)}")
        if entry["fix"] not in FIXES:
            raise RuleTableError(f"{where}: fix {entry['fix']!r} not in {sorted(FIXES)}")
        if entry.get("severity", "error") not in SEVERITIES:
            raise RuleTableError(f"{where}: severity {entry['severity']!r} not in {sorted(SEVERITIES)}")
        unknown = set(entry["languages"]) - LANGUAGES
        if unknown:
            raise RuleTableError(f"{where}: unknown languages {sorted(unknown)}")
        wit = entry.get("wit", {})
        if wit and wit.get("item") not in WIT_ITEMS:
            raise RuleTableError(f"{where}: wit.item {wit.get('item')!r} not in {sorted(WIT_ITEMS)}")
        if wit and not {"from", "to"} <= wit.keys():
            raise RuleTableError(f"{where}: wit needs `from` and `to`")
        cases = tuple(
            Case(lang=c["lang"], before=c["before"], path=c.get("path", "")) for c in entry.get("case", [])
        )
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
                wit=wit,
                rust=entry.get("rust", {}),
                python=entry.get("python", {}),
                codes=entry.get("codes", {}),
                cases=cases,
                source=path.name,
            )
        )
    return rules


def load(folder: Path | None = None) -> RuleTable:
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
    return RuleTable(rules)


@functools.lru_cache(maxsize=1)
def default_table() -> RuleTable:
    return load()


# ------------------------------------------------------------ derived spellings


def spellings(rename: Rename, table: RuleTable | None = None) -> list[tuple[str, str, str]]:
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
        cases = variant_cases(rename.old.wit) if table is None else variant_cases(rename.old.wit)
        out += [("Python variant case", f"{old.pascal}_{pascal(c)}", f"{new.pascal}_{pascal(c)}") for c in cases]
    elif rename.item in ("param", "field"):
        out += [("Rust and Python", old.snake, new.snake)]
    return [row for row in out if row[1] != row[2]]


@functools.lru_cache(maxsize=None)
def variant_cases(type_name: str) -> tuple[str, ...]:
    """Case names of a v3 variant (for Python ``Variant_Case`` classes)."""
    data = b"".join(p.read_bytes() for p in sorted(wit_dir("v3").glob("*.wit")))
    m = re.search(rb"variant\s+" + re.escape(type_name.encode()) + rb"\s*\{([^}]*)\}", data)
    if not m:
        return ()
    body = re.sub(rb"//[^\n]*", b"", m.group(1))
    return tuple(
        re.match(rb"\s*(%?[a-z][a-z0-9-]*)", part).group(1).decode()
        for part in body.split(b",")
        if part.strip()
    )


@functools.lru_cache(maxsize=None)
def wit_declaration(version: str, interface: str, name: str) -> str:
    """The declaration line of ``name`` inside ``interface`` of a canonical package, or ``""``."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(wit_dir(version).glob("*.wit")))
    block = re.search(r"interface\s+" + re.escape(interface) + r"\s*\{(.*?)\n\}", text, re.S)
    if not block:
        return ""
    line = re.search(r"^\s*(" + re.escape(name) + r":\s*func\b[^\n]*)$", block.group(1), re.M)
    return line.group(1) if line else ""

"""The v3 spellings, derived once from the rule table and the canonical WIT packages.

This is the one list of what a v3 name looks like in every language. Nothing is
typed here that the rule table already says: renames and their rule ids come
from ``RuleTable.renames`` (WIT origin) and ``[rule.rust]`` / ``[rule.python]``
entries (SDK and guest renames), the host functions, types and variant cases
from ``wit/v3``, and what v4 still spells the same way from ``wit/v4``. Each
spelling knows the rule that would have rewritten it and its v4 spelling, when
there is exactly one. Four rules carry no spelling data and are named by id: the
manifest versions (RB601-RB603) and the ``_impl`` twins (RB411); the Rust role
methods whose bodies move (``read`` → ``read_stream``) are the Rust adapter's
``[rule.run-phase]``, the SDK's shape rather than a rename.

Two kinds of spelling:

- *distinctive* spellings exist only in v3 (``emit_batch``, ``ValidationResult``,
  ``source-connector``, ``call_run_read``, ``emit_batch_impl``): they are v3
  wherever they appear as a whole token in a protocol role (see the scanners);
- *plain* spellings are ordinary words v4 keeps or that mean other things too
  (``checkpoint``, ``metric``, ``host``, ``types``, ``discover``, ``read``,
  ``init``, ``log``, ``Dest``, ``V2``): they are v3 only in a protocol position,
  which each scanner decides (a receiver bound to the v3 host module or typed as
  the SDK context, a binding path, a ``Host`` impl, a WIT name).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..resources import wit_dir
from ..ruletable import RuleTable, bindgen_accessor, pascal, snake

V3_VERSION = "3.0.0"
IMPORTS = "wit_world.imports"
EXPORTS = "wit_world.exports"


@dataclass(frozen=True, slots=True)
class V3Name:
    """One v3 spelling: the rule that would have applied, and its v4 spelling if there is one."""

    text: str
    rule_id: str
    new: str | None = None


@dataclass(eq=False)  # hashed by identity: scanners cache their patterns per instance
class V3Spellings:
    """Every v3 spelling, by the role it plays."""

    # WIT (kebab-case)
    wit_names: dict[str, V3Name] = field(default_factory=dict)  # v3-only WIT identifiers
    wit_v4_ids: frozenset[str] = frozenset()  # every identifier of the v4 package
    wit_interfaces: dict[str, V3Name] = field(default_factory=dict)  # v3 interface → v4
    wit_functions: dict[str, V3Name] = field(default_factory=dict)  # v3 function (any interface) → v4
    wit_types: dict[str, V3Name] = field(default_factory=dict)  # v3 type names that v4 renamed
    # Rust and Python (snake_case / PascalCase)
    interfaces: dict[str, V3Name] = field(default_factory=dict)  # v3 module (snake) → v4 module
    v4_modules: frozenset[str] = frozenset()  # the v4 interfaces, snake (binding modules)
    host_functions: dict[str, V3Name] = field(default_factory=dict)  # every v3 host function (snake)
    types_members: dict[str, V3Name] = field(default_factory=dict)  # every v3 `types` item (Pascal)
    methods: dict[str, V3Name] = field(default_factory=dict)  # distinctive functions and methods
    plain_methods: dict[str, V3Name] = field(default_factory=dict)  # `checkpoint`, `metric`
    always: dict[str, V3Name] = field(default_factory=dict)  # guest calls, accessors, `_impl` twins
    types: dict[str, V3Name] = field(default_factory=dict)  # distinctive PascalCase names (Rust and Python)
    export_classes: dict[str, V3Name] = field(default_factory=dict)  # componentize-py export classes
    variants: dict[tuple[str, str], V3Name] = field(default_factory=dict)  # (Owner, Old) → Owner::New
    fields: dict[str, V3Name] = field(default_factory=dict)  # renamed record fields (`details_json`)
    params: dict[tuple[str, str], V3Name] = field(default_factory=dict)  # (host fn, param) → v4 param
    role_methods: dict[str, V3Name] = field(default_factory=dict)  # Rust role trait methods (`init`, `read`)
    role_traits: tuple[str, ...] = ()
    export_methods: dict[str, V3Name] = field(default_factory=dict)  # v3 export functions (snake)
    # strings
    package: V3Name = V3Name("rapidbyte:connector@3.0.0", "RB001", "rapidbyte:connector@4.0.0")
    protocol_version: V3Name = V3Name('"3"', "RB601", '"4"')
    sdk_requirement: V3Name = V3Name("rapidbyte-sdk", "RB602", '"4"')
    component_target: V3Name = V3Name("3.0.0", "RB603", "4.0.0")
    protocol_enum: str = "ProtocolVersion"

    def python_modules(self) -> dict[str, V3Name]:
        """``wit_world.imports.host`` → its v4 module path (and the same under ``exports``)."""
        out = {}
        for name, v in self.interfaces.items():
            for root in (IMPORTS, EXPORTS):
                out[f"{root}.{name}"] = V3Name(f"{root}.{name}", v.rule_id, f"{root}.{v.new}" if v.new else None)
        return out


@functools.lru_cache(maxsize=4)
def spellings_for(table: RuleTable) -> V3Spellings:
    return _derive(table)


def _wit_ids(version: str) -> frozenset[str]:
    from ..lang.wit.lexer import tokenize

    ids: set[str] = set()
    for path in sorted(wit_dir(version).glob("*.wit")):
        ids |= {t.text.decode().lstrip("%") for t in tokenize(path.read_bytes(), str(path)) if t.kind == "id"}
    return frozenset(ids)


_IFACE = re.compile(r"^\s*interface\s+(%?[a-z][a-z0-9-]*)\s*\{(.*?)^\}", re.M | re.S)
_FUNC = re.compile(r"^\s*(%?[a-z][a-z0-9-]*)\s*:\s*func\b", re.M)
_VARIANT = re.compile(r"^\s*variant\s+(%?[a-z][a-z0-9-]*)\s*\{(.*?)\}", re.M | re.S)
_TYPE = re.compile(r"^\s*(?:record|enum|variant|flags|resource|type)\s+(%?[a-z][a-z0-9-]*)", re.M)


def _surface(version: str) -> dict[str, tuple[list[str], list[str], dict[str, list[str]]]]:
    """interface → (functions, types, variant → cases) of a canonical package (ours: one item a line)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(wit_dir(version).glob("*.wit")))
    text = re.sub(r"//[^\n]*", "", text)
    out = {}
    for m in _IFACE.finditer(text):
        body = m.group(2)
        variants = {}
        for v in _VARIANT.finditer(body):
            cases = [re.match(r"\s*(%?[a-z][a-z0-9-]*)", part).group(1).lstrip("%")
                     for part in v.group(2).split(",") if part.strip()]
            variants[v.group(1).lstrip("%")] = cases
        out[m.group(1).lstrip("%")] = (
            [f.group(1).lstrip("%") for f in _FUNC.finditer(body)],
            [t.group(1).lstrip("%") for t in _TYPE.finditer(body)],
            variants,
        )
    return out


def _derive(table: RuleTable) -> V3Spellings:
    s = V3Spellings()
    v3 = _surface("v3")
    v4 = _surface("v4")
    s.wit_v4_ids = _wit_ids("v4")
    s.v4_modules = frozenset(snake(name) for name in v4)
    v4_functions = {f for fns, _, _ in v4.values() for f in fns}
    v4_snake = {snake(f) for f in v4_functions} | {snake(t) for _, ts, _ in v4.values() for t in ts}
    kinds = {r.id: r.kind for r in table}

    def single(rule_id: str, new: str) -> str | None:
        """The one v4 spelling, or None when the rule splits or reshapes (`types`, `run-read` → `run`)."""
        return None if kinds.get(rule_id) in ("reshape", "move") else new

    # interfaces
    for old, r in table.interface_renames.items():
        new = single(r.rule_id, r.new.wit)
        s.wit_interfaces[old] = V3Name(old, r.rule_id, new)
        s.interfaces[snake(old)] = V3Name(snake(old), r.rule_id, snake(new) if new else None)
    host_rule = table.interface_renames["host"].rule_id
    # functions: host functions (every one of them, for receivers bound to the v3 host module)
    by_function = {(r.interface, r.old.wit): r for r in table.renames if r.item == "function"}
    for name in v3["host"][0]:
        r = by_function.get(("host", name))
        new = r.new.wit if r else name
        rule = r.rule_id if r else host_rule
        s.host_functions[snake(name)] = V3Name(snake(name), rule, snake(new))
        if new != name:
            s.wit_functions[name] = V3Name(name, rule, new)
            target = s.methods if "-" in name else s.plain_methods
            target[snake(name)] = V3Name(snake(name), rule, snake(new))
            s.always[snake(name) + "_impl"] = V3Name(snake(name) + "_impl", "RB411", snake(new) + "_impl")
    # role functions (`run-read` → `run`, `discover` → a phase of `run`)
    for (iface, name), r in by_function.items():
        if iface == "host" or r.old.wit == r.new.wit:
            continue
        s.wit_functions.setdefault(name, V3Name(name, r.rule_id, single(r.rule_id, r.new.wit)))
        s.export_methods[snake(name)] = V3Name(snake(name), r.rule_id, None)
        if "-" in name:
            s.methods.setdefault(snake(name), V3Name(snake(name), r.rule_id, None))
    for rule in table:
        if rule.wit.get("item") == "package":
            s.package = V3Name(rule.wit["from"], rule.id, rule.wit["to"])
    # types, params, fields
    for r in table.renames:
        if r.item == "type":
            s.wit_types[r.old.wit] = V3Name(r.old.wit, r.rule_id, r.new.wit)
            s.types[r.old.pascal] = V3Name(r.old.pascal, r.rule_id, r.new.pascal)
            for case in v3["types"][2].get(r.old.wit, []):
                old = f"{r.old.pascal}_{pascal(case)}"
                s.types[old] = V3Name(old, r.rule_id, f"{r.new.pascal}_{pascal(case)}")
        elif r.item == "param":
            s.params[(snake(r.owner), r.old.snake)] = V3Name(r.old.snake, r.rule_id, r.new.snake)
        elif r.item == "field":
            s.fields[r.old.snake] = V3Name(r.old.snake, r.rule_id, r.new.snake)
    for name in v3["types"][1]:
        move = table.type_move(name)
        if move is None:
            continue
        rule_id, new, owner = move
        s.types_members[pascal(name)] = V3Name(pascal(name), rule_id, f"{snake(owner)}.{pascal(new)}")
        for case in v3["types"][2].get(name, []):
            old = f"{pascal(name)}_{pascal(case)}"
            s.types_members[old] = V3Name(old, rule_id, f"{snake(owner)}.{pascal(new)}_{pascal(case)}")
    # export classes (componentize-py) and bindgen accessors
    for old, r in table.interface_renames.items():
        if old.endswith("-connector"):
            s.export_classes[pascal(old)] = V3Name(pascal(old), r.rule_id, pascal(r.new.wit))
            acc = bindgen_accessor(old)
            s.always[acc] = V3Name(acc, r.rule_id, bindgen_accessor(r.new.wit))  # as the adapter files it
    # guest calls of a wasmtime host that v4 folds into `call_run` (`call_run_read`, `call_discover`)
    from ..lang.rust.guestvocab import GONE, guest_vocab

    for name, g in guest_vocab(table).calls.items():
        if g.gone and name == g.call:
            s.always[name] = V3Name(name, GONE, None)
    # rules with no WIT origin, in their language's spelling
    for rule in table:
        for spec in (rule.rust, rule.python):
            if not spec.get("from"):
                continue
            item = spec.get("item")
            for old in (spec["from"], *spec.get("also", [])):
                new = spec["to"]
                if item == "type":
                    s.types[old] = V3Name(old, rule.id, new)
                elif item == "variant":
                    owner = spec["owner"]
                    s.variants[(owner, old)] = V3Name(f"{owner}::{old}", rule.id, f"{owner}::{new}")
                    if owner.endswith("Version"):
                        s.protocol_enum = owner
                elif item == "trait-method":
                    s.role_methods[old] = V3Name(old, rule.id, new)
                    s.role_traits = tuple(spec.get("owner", "").split("|"))
                elif item == "method" and "HostImports" in spec.get("owner", "").split("|"):
                    s.methods[old] = V3Name(old, rule.id, new)
                elif item == "method":
                    s.always[old] = V3Name(old, rule.id, new)
    # role trait methods whose bodies move into `run` (`[rule.run-phase]` in rules/wit.toml)
    for m in table.run_phases:
        s.role_methods.setdefault(m.rust_method, V3Name(m.rust_method, m.rule_id, None))
    # v4 keeps a name that v3 also had: never distinctive
    for name in list(s.methods):
        if name in v4_snake:
            s.plain_methods[name] = s.methods.pop(name)
    # WIT identifiers that only v3 has
    for name, v in (*s.wit_interfaces.items(), *s.wit_functions.items(), *s.wit_types.items()):
        if name not in s.wit_v4_ids:
            s.wit_names[name] = v
    for r in table.renames:
        if r.item in ("param", "field") and r.old.wit not in s.wit_v4_ids:
            s.wit_names[r.old.wit] = V3Name(r.old.wit, r.rule_id, r.new.wit)
    return s


def manual_step(name: V3Name, table: RuleTable) -> str:
    """What to do by hand about one left-over spelling."""
    rule = table.get(name.rule_id) if name.rule_id in table else None
    how = f"`rbmigrate rules explain {name.rule_id}`"
    if name.new and name.new != name.text:
        return f"Change `{name.text}` to `{name.new}` as {name.rule_id} does ({how}), or fix what kept the rule from applying."
    title = f" ({rule.title})" if rule else ""
    return f"Migrate it by hand as {name.rule_id} describes{title}; see {how}."


def describe(name: V3Name, table: RuleTable, shown: str | None = None) -> str:
    """The finding message for one left-over spelling."""
    rule = table.get(name.rule_id) if name.rule_id in table else None
    what = f"{name.rule_id}: {rule.title}" if rule else name.rule_id
    return f"v3 spelling `{shown or name.text}` left unmigrated ({what})"


__all__ = ["V3Name", "V3Spellings", "spellings_for", "manual_step", "describe"]

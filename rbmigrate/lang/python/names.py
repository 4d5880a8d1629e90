"""Python spellings of the protocol, derived from the rule table and the canonical WIT.

Nothing here is typed by hand: function, type, parameter and class renames come
from ``rules/*.toml`` (through :class:`rbmigrate.ruletable.RuleTable`), owners
and enum members from ``wit/v3`` and ``wit/v4``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ...ruletable import RuleTable, pascal, screaming, snake
from .words import moved_bodies

BINDINGS = "wit_world"
IMPORTS = "wit_world.imports"
EXPORTS = "wit_world.exports"
V3_HOST = "host"
V3_TYPES = "types"


@dataclass(frozen=True)
class HostFunction:
    v3: str  # snake
    v4: str  # snake
    v4_module: str  # snake, e.g. host_io
    params: tuple[str, ...]  # v3 params, snake
    rule_id: str


@dataclass(frozen=True)
class TypeMove:
    v3: str  # Pascal (or Variant_Case class)
    v4: str
    module: str  # v4 module, snake
    rule_id: str
    wit: str = ""  # the v4 type in WIT spelling


@dataclass(frozen=True)
class ExportClass:
    v3: str  # SourceConnector
    v4: str  # Source
    role: str  # WIT role: source | destination | transform
    v3_interface: str  # source-connector
    functions: tuple[str, ...]  # v3 functions (WIT spelling)
    rule_id: str


@dataclass(frozen=True)
class Member:
    module: str  # snake
    enum: str  # Pascal
    case: str  # SCREAMING


class ProtocolNames:
    """Every protocol name the Python adapter needs, in Python spelling."""

    def __init__(self, table: RuleTable):
        self.table = table
        self.v3 = table.wit("v3").interfaces
        self.v4 = table.wit("v4").interfaces
        self._v4_owner = table.wit("v4").type_owner
        iface_renames = table.interface_renames
        self.module_renames: dict[str, tuple[str, str]] = {
            snake(old): (snake(r.new.wit), r.rule_id) for old, r in iface_renames.items()
        }
        self.host_module = self.module_renames[V3_HOST][0]  # the v4 module of the v3 host interface
        self.host_functions = self._host_functions()
        self.types = self._types()
        self.params = {(r.owner and snake(r.owner), r.old.snake): (r.new.snake, r.rule_id) for r in table.renames if r.item == "param"}
        self.fields = {(pascal(r.owner), r.old.snake): (r.new.snake, r.rule_id) for r in table.renames if r.item == "field"}
        self.exports = self._exports()
        self.moved_bodies = moved_bodies(table)  # v3 role function -> (phase, private helper), in phase order
        self.stream_context = _stream_context(table)
        self.payloads = {snake(name): p for name, p in table.payloads.items()}

    # --- host functions -------------------------------------------------------

    def _host_functions(self) -> dict[str, HostFunction]:
        by_name = {}
        for r in self.table.renames:
            if r.item == "function" and r.interface == V3_HOST:
                by_name[r.old.wit] = r
        module, iface_rule = self.module_renames[V3_HOST]
        out = {}
        for name, function in self.v3[V3_HOST].functions.items():
            params = function.param_names
            r = by_name.get(name)
            new = r.new.wit if r else name
            target = r.new_interface if r and r.new_interface else module.replace("_", "-")
            if new not in self.v4[target].functions:
                raise ValueError(f"host function {name!r} has no v4 counterpart in the rule table")
            out[snake(name)] = HostFunction(
                v3=snake(name),
                v4=snake(new),
                v4_module=snake(r.new_interface) if r and r.new_interface else module,
                params=tuple(snake(p) for p in params),
                rule_id=r.rule_id if r else iface_rule,
            )
        return out

    # --- types ------------------------------------------------------------------

    def _types(self) -> dict[str, TypeMove]:
        out: dict[str, TypeMove] = {}
        v3_types = self.v3[V3_TYPES]
        for name in v3_types.types:
            move = self.table.type_move(name)
            if move is None:
                continue
            rule_id, new, owner = move
            out[pascal(name)] = TypeMove(pascal(name), pascal(new), snake(owner), rule_id, new)
            for case in v3_types.variants.get(name, []):
                out[f"{pascal(name)}_{pascal(case)}"] = TypeMove(
                    f"{pascal(name)}_{pascal(case)}", f"{pascal(new)}_{pascal(case)}", snake(owner), rule_id
                )
        return out

    def type_ref(self, wit_type: str) -> tuple[str, str]:
        """(v4 module, Pascal name) of a v4 type given in WIT spelling."""
        owner = self._v4_owner.get(wit_type)
        if owner is None:
            raise KeyError(wit_type)
        return snake(owner), pascal(wit_type)

    def member(self, wit_enum: str, wit_case: str) -> Member:
        owner = self._v4_owner.get(wit_enum)
        if owner is None or wit_case not in self.v4[owner].enums.get(wit_enum, []):
            raise KeyError(f"{wit_enum}.{wit_case}")
        return Member(snake(owner), pascal(wit_enum), screaming(wit_case))

    def enum_cases(self, wit_enum: str) -> list[str]:
        owner = self._v4_owner.get(wit_enum)
        return list(self.v4[owner].enums[wit_enum]) if owner else []

    def record_fields(self, wit_record: str) -> list[str]:
        owner = self._v4_owner.get(wit_record)
        return [snake(f) for f in self.v4[owner].records[wit_record]] if owner else []

    # --- exports ----------------------------------------------------------------

    def _exports(self) -> dict[str, ExportClass]:
        out = {}
        for old, r in self.table.interface_renames.items():
            if old in self.v3 and self.v3[old].functions and old != V3_HOST:
                out[pascal(old)] = ExportClass(
                    v3=pascal(old),
                    v4=pascal(r.new.wit),
                    role=r.new.wit,
                    v3_interface=old,
                    functions=tuple(self.v3[old].functions),
                    rule_id=r.rule_id,
                )
        return out

    def function_rule(self, interface: str, function: str) -> str | None:
        """Rule id of a reshaped role function (``run-read`` → RB303, ``validate`` → RB302).

        The lifecycle rules are declared once, on ``source-connector``; they hold
        for every role interface.
        """
        lifecycle = {}
        for r in self.table.renames:
            if r.item == "function" and r.interface in self.exports_by_interface:
                lifecycle.setdefault((r.interface, r.old.wit), r.rule_id)
        shared = lifecycle.get(("source-connector", function)) if function in ("open", "validate", "close") else None
        return lifecycle.get((interface, function)) or shared

    @functools.cached_property
    def exports_by_interface(self) -> dict[str, ExportClass]:
        return {e.v3_interface: e for e in self.exports.values()}

    # --- star imports -------------------------------------------------------------

    def module_members(self, v3_module: str) -> set[str]:
        """Python names a ``from wit_world.imports.<v3_module> import *`` binds."""
        if v3_module == V3_TYPES:
            return set(self.types)
        if v3_module == V3_HOST:
            return set(self.host_functions)
        return set()

    @functools.cached_property
    def module_order(self) -> tuple[str, ...]:
        """v4 modules as imports list them: what the worlds import first, then the package's declaration order."""
        package = self.table.wit("v4")
        imported = [i for w in package.worlds.values() for i in w.imports]
        names = list(dict.fromkeys([*imported, *package.interfaces]))
        return tuple(snake(n) for n in names if n not in {e for w in package.worlds.values() for e in w.exports})

    @functools.cached_property
    def v4_modules(self) -> set[str]:
        return {snake(name) for name in self.v4}

    @functools.cached_property
    def v3_modules(self) -> set[str]:
        return {snake(name) for name in self.v3}


@functools.lru_cache(maxsize=4)
def names_for(table: RuleTable) -> ProtocolNames:
    return ProtocolNames(table)


def _stream_context(table: RuleTable) -> dict[str, tuple[str | None, str]]:
    """v3 ctx key path (dotted) -> (v4 template, kind), from `[[rule.context-key]]` (rules/python.toml).

    The kind is written as the stream-context transform reads it: ``enum:<wit enum>`` for enums and
    a trailing ``?`` for keys that are none when absent."""
    out = {}
    for path, key in table.context_keys.items():
        kind = key["kind"] + (f":{key['enum']}" if key["kind"] == "enum" else "") + ("?" if key.get("optional") else "")
        out[path] = (key.get("v4"), kind)
    return out

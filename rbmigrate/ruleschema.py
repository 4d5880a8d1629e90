"""The schema of ``rules/*.toml``, checked when the table loads (like ast-grep's rule schema).

Every key a rule may carry is declared here with its type; an unknown key, a
missing required key or a value of the wrong type is a :class:`RuleTableError`
naming the file, the rule and the key, so a typo in the table never turns into
a rule that silently does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class RuleTableError(ValueError):
    """The rule table itself is malformed (a bug in rules/, reported with its file)."""


@dataclass(frozen=True)
class Key:
    type: str  # str | bool | int | list[str] | table | tables | map[str] | map[table]
    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: str = ""
    schema: str = ""  # the section schema of a table / tables / map[table] value


KINDS = ("rename", "retype", "move", "reshape", "add", "version", "finding")
FIXES = ("safe", "unsafe", "manual")
SEVERITIES = ("error", "warning", "info")
LANGUAGES = ("wit", "rust", "python", "host-string", "manifest", "markdown")
WIT_ITEMS = ("package", "interface", "function", "param", "type", "field", "world")
RUST_ITEMS = ("method", "type", "variant", "trait-method", "function")
_KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_WIT_NAME = r"^%?[a-z][a-z0-9]*(-[a-z0-9]+)*$"
CONTEXT_KINDS = ("leaf", "record", "optional", "virtual", "presence", "schema", "columns", "json", "enum", "arrow")

SCHEMAS: dict[str, dict[str, Key]] = {
    "rule": {
        "id": Key("str", True, pattern=r"^RB\d{3}$"),
        "name": Key("str", True, pattern=_KEBAB),
        "title": Key("str", True),
        "kind": Key("str", True, choices=KINDS),
        "fix": Key("str", True, choices=FIXES),
        "severity": Key("str", choices=SEVERITIES),
        "languages": Key("list[str]", True, choices=LANGUAGES),
        "why": Key("str", True),
        "what": Key("str"),
        "example": Key("str"),
        "use_instead": Key("str"),
        "example_lang": Key("str"),
        "wit": Key("table", schema="wit"),
        "rust": Key("table", schema="rust"),
        "python": Key("table", schema="python"),
        "codes": Key("table", schema="codes"),
        "payload": Key("table", schema="payload"),
        "run-phase": Key("table", schema="run-phase"),
        "context-key": Key("tables", schema="context-key"),
    },
    # the WIT spelling of a change with a WIT origin
    "wit": {
        "item": Key("str", True, choices=WIT_ITEMS),
        "from": Key("str", True),
        "to": Key("str", True),
        "interface": Key("str", pattern=_WIT_NAME),  # the v3 owner
        "to-interface": Key("str", pattern=_WIT_NAME),  # the v4 owner, when it is not the renamed v3 owner
        "owner": Key("str", pattern=_WIT_NAME),  # the function of a param, the record of a field
        "also": Key("list[str]"),  # more v3 names the same rule covers
    },
    # a Rust spelling of a change with no WIT origin (SDK and runtime names)
    "rust": {
        "item": Key("str", True, choices=RUST_ITEMS),
        "from": Key("str", True),
        "to": Key("str", True),
        "owner": Key("str"),
        "also": Key("list[str]"),
        "fields": Key("map[str]"),  # literal fields renamed with the type: v3 field -> v4 field
        "fold": Key("table", schema="fold"),  # a v3 field that moves into a nested v4 record
    },
    "fold": {
        "from": Key("str", True),  # v3 field
        "into": Key("str", True),  # v4 field holding the record
        "type": Key("str", True),  # the record's type
        "field": Key("str", True),  # the record's field that takes the value
    },
    "python": {
        "item": Key("str", True),
        "from": Key("str", True),
        "to": Key("str", True),
        "owner": Key("str"),
        "also": Key("list[str]"),
    },
    # v3 integer codes carried by a u32 parameter that v4 types as an enum
    "codes": {
        "param": Key("str", True, pattern=_WIT_NAME),
        "enum": Key("str", True, pattern=_WIT_NAME),
        "values": Key("map[str]", True),
        "other": Key("str", pattern=_WIT_NAME),
    },
    # a v3 host function whose JSON or string arguments become one typed v4 record
    "payload": {
        "record": Key("str", True, pattern=_WIT_NAME),  # the v4 record (WIT spelling)
        "v3-form": Key("str", True, choices=("json", "arguments")),
        "keys": Key("map[str]"),  # v3 payload key -> v4 record field (WIT spelling)
        "cursor": Key("list[str]"),  # v3 keys folded into the JSON-encoded cursor (field, value)
        "kind-strings": Key("map[str]"),  # v3 payload `kind` strings -> v4 enum case
    },
    # a v3 role function whose body moves into a helper that `run` calls for one phase
    "run-phase": {
        "phase": Key("str", True, pattern=_KEBAB),  # run-phase case
        "helper": Key("str", True, pattern=_KEBAB),  # the helper's name (Rust `read_stream`, Python `_read_stream`)
        "rust-trait": Key("str", True),  # the SDK trait serving the phase
        "rust-method": Key("str", True),  # the v3 trait method
        "takes-stream": Key("bool", True),  # does the helper receive the stream context?
    },
    # one key path of the v3 decoded stream context (`ctx_json`) and its v4 expression (recipes §3)
    "context-key": {
        "path": Key("str", True),  # dotted v3 key path ("" is the context itself; `[]` is a list item)
        "v4": Key("str"),  # template: {stream}, {request}, {<path>} for another key's v4 value
        "kind": Key("str", True, choices=CONTEXT_KINDS),
        "enum": Key("str", pattern=_WIT_NAME),  # for kind = "enum": the v4 enum (WIT spelling)
        "optional": Key("bool"),  # none when absent in v3
    },
}


def _check_type(where: str, name: str, key: Key, value: Any) -> None:
    ok = {
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "list[str]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "table": lambda v: isinstance(v, dict),
        "tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
        "map[str]": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    }[key.type](value)
    if not ok:
        raise RuleTableError(f"{where}: `{name}` must be {key.type}, not {type(value).__name__}")
    values = value if isinstance(value, list) else [value]
    if key.choices and key.type in ("str", "list[str]"):
        bad = [v for v in values if v not in key.choices]
        if bad:
            raise RuleTableError(f"{where}: `{name}` {bad[0]!r} is not one of {', '.join(key.choices)}")
    if key.pattern and key.type == "str" and not re.match(key.pattern, value):
        raise RuleTableError(f"{where}: `{name}` {value!r} does not match {key.pattern}")


def check(section: str, entry: dict, where: str) -> None:
    """Check one table against its section schema (recursively); raise :class:`RuleTableError`."""
    schema = SCHEMAS[section]
    for name, key in schema.items():
        if key.required and name not in entry:
            raise RuleTableError(f"{where}: missing `{name}`")
    for name, value in entry.items():
        key = schema.get(name)
        if key is None:
            known = ", ".join(sorted(schema))
            raise RuleTableError(f"{where}: unknown key `{name}` in [{section}] (known: {known})")
        _check_type(where, name, key, value)
        if key.type == "table":
            check(key.schema, value, f"{where} [{section}.{name}]")
        elif key.type == "tables":
            for i, item in enumerate(value, 1):
                check(key.schema, item, f"{where} [{section}.{name}] #{i}")

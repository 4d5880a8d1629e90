"""The reference hosts' own protocol constants (rbmigrate/hosts/protocol.py), cross-checked against the
rule table that drives the migration and against the canonical WIT (wit/v3, wit/v4, resolved by
`wasm-tools`, not by rbmigrate's own WIT code).

The hosts judge migrated connectors, so they keep their own copy of the protocol; this test is what
keeps the copies honest: a wrong entry in the table, in the hosts or in the WIT fails it.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from rbmigrate import ruletable
from rbmigrate.hosts import protocol as P
from rbmigrate.lang.wit.resolve import package_shape, resolved_json
from rbmigrate.resources import rules_dir, wit_dir


@pytest.fixture(scope="module")
def shapes() -> tuple[dict, dict]:
    return package_shape(resolved_json(wit_dir("v3"))), package_shape(resolved_json(wit_dir("v4")))


# ---------------------------------------------------------------- helpers


def _find_type(shape: dict, name: str) -> tuple[str, tuple]:
    """(owning interface, kind) of the type `name` declared (not `use`d) in a package."""
    owners = [(iface, body["types"][name]) for iface, body in shape["interfaces"].items() if name in body["types"]]
    assert len(owners) == 1, f"type {name} is declared in {[o for o, _ in owners]}"
    return owners[0]


def _cases(shape: dict, name: str) -> list[str]:
    _, kind = _find_type(shape, name)
    assert kind[0] in ("enum", "variant"), f"{name} is a {kind[0]}"
    return [c if isinstance(c, str) else c[0] for c in kind[1]]


def _fields(shape: dict, name: str) -> list[str]:
    _, kind = _find_type(shape, name)
    assert kind[0] == "record", f"{name} is a {kind[0]}"
    return [f for f, _ in kind[1]]


def _functions(shape: dict, iface: str) -> dict:
    return shape["interfaces"][iface]["functions"]


def _snake(name: str) -> str:
    return name.replace("-", "_")


# ---------------------------------------------------------------- the cross-checks


def against_wit(v3: dict, v4: dict) -> list[str]:
    """Where the hosts' constants disagree with the canonical WIT."""
    out: list[str] = []

    def check(what: str, ours, wit) -> None:
        if ours != wit:
            out.append(f"{what}: hosts say {ours!r}, the canonical WIT says {wit!r}")

    # interfaces and host functions
    check("v3 interfaces", sorted({P.V3_HOST, *P.V3_TYPE_INTERFACES, *(i for i, _, _ in P.V3_ROLES.values())}),
          sorted(v3["interfaces"]))
    check("v4 interfaces", sorted({P.V4_HOST, *P.V4_TYPE_INTERFACES, *(i for i, _ in P.V4_ROLES.values())}),
          sorted(v4["interfaces"]))
    check("v3 host functions", sorted(P.HOST_FUNCTIONS), sorted(_functions(v3, P.V3_HOST)))
    check("v4 host-io functions", sorted(P.HOST_FUNCTIONS.values()), sorted(_functions(v4, P.V4_HOST)))
    # roles: the interface each role world exports, and the v3 run function
    for version, shape, roles in ((P.V3_VERSION, v3, P.V3_ROLES), (P.V4_VERSION, v4, P.V4_ROLES)):
        for role, (iface, *_rest) in roles.items():
            exports = shape["worlds"][f"rapidbyte-{role}"]["exports"]
            check(f"v{version[0]} rapidbyte-{role} exports", [f"{P.PKG}@{version}/{iface}"], exports)
    for role, (iface, run, phase) in P.V3_ROLES.items():
        if run not in _functions(v3, iface):
            out.append(f"v3 {iface} has no function {run} (the hosts' run function of a {role})")
    run_phases = _cases(v4, "run-phase")
    for role, (_iface, phase) in P.V4_ROLES.items():
        if phase not in run_phases:
            out.append(f"v4 run-phase has no case {phase} (the hosts' phase of a {role})")
    check("v4 run-summary fields beside role", list(P.SUMMARY_FIELDS),
          [f for f in _fields(v4, "run-summary") if f != "role"])
    # v3 integer parameters: u32 in v3, the named v4 enum in v4 (on the function or on its event record)
    for fn, (param, enum, codes) in P.V3_INTEGER_CODES.items():
        params = dict(_functions(v3, P.V3_HOST).get(fn, ((), None))[0])
        check(f"v3 {fn}({param}) type", "u32", params.get(param))
        cases = _cases(v4, enum)
        stray = sorted(set(codes.values()) - set(cases))
        if stray:
            out.append(f"v3 {fn} codes {stray} are not cases of the v4 enum {enum} {cases}")
        v4_params = _functions(v4, P.V4_HOST).get(P.HOST_FUNCTIONS.get(fn, ""), ((), None))[0]
        types = [t for _, t in v4_params]
        records = [t for t in types if isinstance(t, tuple) and t[0] == "named"]
        carried = any(t[2] == enum for t in records) or any(
            enum in _record_field_types(v4, t[2]) for t in records if _find_type(v4, t[2])[1][0] == "record")
        if not carried:
            out.append(f"v4 {P.HOST_FUNCTIONS.get(fn)} does not carry a {enum}")
    check("v3 log levels beside the catch-all", [*P.V3_LOG_LEVELS.values(), P.V3_LOG_LEVEL_OTHER], _cases(v4, "log-level"))
    # v4 enums
    check("log-level", list(P.LOG_LEVELS), _cases(v4, "log-level"))
    check("checkpoint-kind", list(P.CHECKPOINT_KINDS), _cases(v4, "checkpoint-kind"))
    check("state-scope", list(P.STATE_SCOPES), _cases(v4, "state-scope"))
    check("v3 error-category", list(P.ERROR_CATEGORIES), _cases(v3, "error-category"))
    check("v4 error-category", list(P.ERROR_CATEGORIES), _cases(v4, "error-category"))
    check("sync-mode", list(P.SYNC_MODES), [_snake(c) for c in _cases(v4, "sync-mode")])
    check("write-mode", list(P.WRITE_MODES), _cases(v4, "write-mode"))
    check("data-error-policy", list(P.DATA_ERROR_POLICIES), _cases(v4, "data-error-policy"))
    # records
    for version, shape in (("v3", v3), ("v4", v4)):
        check(f"{version} stream-limits", list(P.DEFAULT_LIMITS), [_snake(f) for f in _fields(shape, "stream-limits")])
    check("v3 connector-error details field", True, P.V3_DETAILS in map(_snake, _fields(v3, "connector-error")))
    check("v4 connector-error details field", True, P.V4_DETAILS in map(_snake, _fields(v4, "connector-error")))
    return out


def _record_field_types(shape: dict, record: str) -> set[str]:
    _, kind = _find_type(shape, record)
    return {t[2] for _, t in kind[1] if isinstance(t, tuple) and t[0] == "named"}


def against_table(table: ruletable.RuleTable) -> list[str]:
    """Where the hosts' constants disagree with the rule table."""
    out: list[str] = []
    # integer codes
    codes = table.integer_codes
    if sorted(codes) != sorted(P.V3_INTEGER_CODES):
        out.append(f"functions with integer codes: hosts {sorted(P.V3_INTEGER_CODES)}, table {sorted(codes)}")
    for fn, (param, enum, values) in P.V3_INTEGER_CODES.items():
        entry = codes.get(fn)
        if entry is None:
            continue
        where = f"{fn} ({entry.rule_id})"
        if entry.param != param:
            out.append(f"{where}: integer parameter: hosts {param!r}, table {entry.param!r}")
        if entry.enum != enum:
            out.append(f"{where}: enum: hosts {enum!r}, table {entry.enum!r}")
        if entry.values != values:
            out.append(f"{where}: codes: hosts {values}, table {entry.values}")
        other = P.V3_LOG_LEVEL_OTHER if fn == "log" else ""
        if entry.other != other:
            out.append(f"{where}: any other code: hosts {other!r}, table {entry.other!r}")
    # renames: interfaces, host functions, role run functions, the details field
    renames = table.renames
    ifaces = {r.old.wit: r.new.wit for r in renames if r.item == "interface"}
    expected_ifaces = {P.V3_HOST: P.V4_HOST}
    for role, (iface, _run, _phase) in P.V3_ROLES.items():
        expected_ifaces[iface] = P.V4_ROLES[role][0]
    for old, new in expected_ifaces.items():
        if ifaces.get(old, old) != new:
            out.append(f"interface {old}: hosts rename it to {new}, table to {ifaces.get(old, old)}")
    host_renames = {r.old.wit: r for r in renames if r.item == "function" and r.interface == P.V3_HOST}
    for old, r in sorted(host_renames.items()):
        if old not in P.HOST_FUNCTIONS:
            out.append(f"{r.rule_id}: renames {old}, which the hosts do not have in {P.V3_HOST}")
        elif (r.new.wit, r.new_interface) != (P.HOST_FUNCTIONS[old], P.V4_HOST):
            out.append(f"{r.rule_id}: {old} -> {r.new_interface}.{r.new.wit}, "
                       f"hosts: {P.V4_HOST}.{P.HOST_FUNCTIONS[old]}")
    for old, new in P.HOST_FUNCTIONS.items():
        if old != new and old not in host_renames:
            out.append(f"no rule renames {P.V3_HOST}.{old} (hosts: -> {new})")
    for role, (iface, run, _phase) in P.V3_ROLES.items():
        got = {(r.new_interface, r.new.wit) for r in renames
               if r.item == "function" and r.interface == iface and r.old.wit == run}
        if got != {(P.V4_ROLES[role][0], "run")}:
            out.append(f"{iface}.{run}: table {sorted(got)}, hosts {P.V4_ROLES[role][0]}.run")
    details = {(r.old.snake, r.new.snake) for r in renames if r.item == "field" and r.owner == "connector-error"}
    if (P.V3_DETAILS, P.V4_DETAILS) not in details:
        out.append(f"connector-error {P.V3_DETAILS} -> {P.V4_DETAILS}: table has {sorted(details)}")
    return out


# ---------------------------------------------------------------- tests


def test_host_constants_match_the_canonical_wit(shapes):
    assert against_wit(*shapes) == []


def test_host_constants_match_the_rule_table():
    assert against_table(ruletable.default_table()) == []


def test_the_hosts_use_no_rule_table():
    """The hosts and the verify guests never read the rule table (they would copy its mistakes)."""
    root = Path(ruletable.__file__).parent
    readers = [
        str(path.relative_to(root))
        for folder in (root / "hosts", root / "verify" / "guests")
        for path in sorted(folder.rglob("*.py"))
        if "ruletable" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


# ---- the cross-check catches a wrong entry on either side


def _table_with(tmp_path: Path, old: str, new: str) -> ruletable.RuleTable:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder, ignore=shutil.ignore_patterns("cases"))
    hits = [p for p in sorted(folder.glob("*.toml")) if old in p.read_text(encoding="utf-8")]
    assert len(hits) == 1, (old, hits)
    hits[0].write_text(hits[0].read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return ruletable.load(folder)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('values = { 0 = "error", 1 = "warn"', 'values = { 0 = "warn", 1 = "error"', "log (RB103): codes"),
        ('values = { 0 = "pipeline", 1 = "per-stream"', 'values = { 0 = "per-stream", 1 = "pipeline"',
         "state-get (RB107): codes"),
        ('other = "trace"', 'other = "debug"', "any other code"),
        ('to = "tcp-read"', 'to = "tcp-write"', "socket-read -> host-io.tcp-write"),
    ],
)
def test_a_wrong_table_entry_fails_the_cross_check(tmp_path, old, new, expected):
    problems = against_table(_table_with(tmp_path, old, new))
    assert any(expected in p for p in problems), problems


def test_a_wrong_host_code_fails_the_cross_check(monkeypatch):
    swapped = {0: "source", 1: "transform", 2: "destination"}
    monkeypatch.setitem(P.V3_INTEGER_CODES, "checkpoint", ("kind", "checkpoint-kind", swapped))
    problems = against_table(ruletable.default_table())
    assert any("checkpoint (RB104): codes" in p for p in problems), problems


def test_a_wrong_host_function_fails_the_cross_check(monkeypatch, shapes):
    monkeypatch.setitem(P.HOST_FUNCTIONS, "socket-close", "tcp-shutdown")
    assert any("hosts: host-io.tcp-shutdown" in p for p in against_table(ruletable.default_table()))
    assert any(p.startswith("v4 host-io functions:") for p in against_wit(*shapes))


def test_a_wrong_wit_entry_fails_the_cross_check(shapes):
    v3, v4 = shapes
    v4 = copy.deepcopy(v4)
    iface, _kind = _find_type(v4, "state-scope")
    v4["interfaces"][iface]["types"]["state-scope"] = ("enum", ("pipeline", "stream", "connector-instance"))
    problems = against_wit(v3, v4)
    assert any(p.startswith("state-scope:") for p in problems), problems

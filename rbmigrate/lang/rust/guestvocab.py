"""The guest calls of a wasmtime ``bindgen!`` host, derived once from the rule table (no typed names).

Every export of a v3 role interface (``wit/v3`` worlds) is a guest call
``call_<export>``; the rule that renames or reshapes it (``rules/wit.toml``,
RB301–RB306) says what it becomes in v4, ``[rule.run-phase]`` its phase, and
comparing the two canonical declarations whether v4 adds a session parameter
or returns one. The v4 signature is rendered as wasmtime's host bindings spell
it, from ``wit/v4`` (``RuleTable.wit("v4")``). :mod:`.guestcalls` plans with it;
:mod:`.vocab` takes the renamed call names from it (doc spans, strings, the
prefilters).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...ruletable import RuleTable, pascal, per_table, snake
from .wittypes import first_arg, rust_type

CALL = "call_"  # wasmtime bindgen: export `run-read` is called through `call_run_read`
GONE = "RB410"  # the finding on a guest call v4 folds into `call_run` (rules/rust.toml)


@dataclass(frozen=True)
class GuestFn:
    """One v3 guest export as the host calls it, and its v4 counterpart (from wit/v3, wit/v4 and rules/)."""

    call: str  # v3 method: call_run_read
    v4_call: str  # call_run
    rule_id: str  # the WIT rule of the change (RB303)
    phase: str  # run-phase case the call becomes ("read"), "" for open/validate/close
    takes_stream: bool  # does the phase serve a stream (discover does not: a placeholder stream)
    v3_arity: int  # arguments after the store
    v4_arity: int
    takes_session: bool  # v4 adds a leading session parameter
    returns_session: bool  # v4 returns the session
    signature: str  # the v4 host call: `call_run(store, session: Session, request: &RunRequest) -> …`
    declaration: str  # the v4 WIT declaration
    summary: str  # where the phase's result is: "`RunSummary.read` (`Option<ReadSummary>`)", ""
    request: str = ""  # the v4 request record of the phase call: "RunRequest { stream, phase: RunPhase::Read, … }"
    phase_case: str = ""  # "RunPhase::Read"

    @property
    def gone(self) -> bool:
        return self.call != self.v4_call


@dataclass(frozen=True)
class GuestVocab:
    calls: dict[str, GuestFn]  # v3 and v4 call names → GuestFn (v4 names map to the v4 function itself)
    guests: frozenset[str]  # export interface modules, v3 and v4 (`source_connector`, `source`)

    def renames(self) -> dict[str, tuple[str, str]]:
        """v3 call → (v4 call, rule) for the calls whose name changes (for doc spans and strings)."""
        return {name: (g.v4_call, g.rule_id) for name, g in self.calls.items() if g.gone and name == g.call}


@per_table
def guest_vocab(table: RuleTable) -> GuestVocab:
    return _build(table)


def _build(table: RuleTable) -> GuestVocab:
    v3, v4 = table.wit("v3"), table.wit("v4")
    roles = sorted({e for w in v3.worlds.values() for e in w.exports})
    by_name = {r.old.wit: r for r in table.renames if r.item == "function" and r.interface in roles}
    phases = {m.function: m for m in table.run_phases}
    calls: dict[str, GuestFn] = {}
    guests: set[str] = set()
    for iface in roles:
        new_iface = table.renamed_interface(iface)
        guests |= {snake(iface), snake(new_iface)}
        for fn in v3.interfaces[iface].functions.values():
            rename = by_name.get(fn.name)
            new = v4.function(new_iface, rename.new.wit if rename else fn.name)
            if rename is None or new is None:
                continue
            move = phases.get(fn.name)
            phase = move.phase if move is not None else ""
            request, case = _request(v4, new, phase)
            entry = GuestFn(
                call=CALL + snake(fn.name),
                v4_call=CALL + snake(new.name),
                rule_id=rename.rule_id,
                phase=phase,
                takes_stream=move.takes_stream if move is not None else False,
                v3_arity=len(fn.params),
                v4_arity=len(new.params),
                takes_session=_has_session(new.params) and not _has_session(fn.params),
                returns_session="session" in _words(new.result) and "session" not in _words(fn.result),
                signature=_signature(v4, new),
                declaration=new.declaration,
                summary=_summary_field(v4, new, phase),
                request=request,
                phase_case=case,
            )
            calls.setdefault(entry.call, entry)
            v4_entry = GuestFn(entry.v4_call, entry.v4_call, entry.rule_id, "", False, len(new.params),
                               len(new.params), False, False, entry.signature, entry.declaration, "")
            calls.setdefault(entry.v4_call, v4_entry)
    return GuestVocab(
        calls=calls,
        guests=frozenset(guests),
    )


def _fields(pkg, record) -> dict[str, str]:
    """A record's fields and their WIT types (``%stream`` as ``stream``)."""
    return {f.ident: pkg.source[f.type.start : f.type.end].decode() for f in record.node.fields}


def _summary_field(pkg, fn, phase: str) -> str:
    """Where a phase's result is in what the v4 function returns: ``RunSummary.read`` (`Option<ReadSummary>`), and
    the one field of that record when it has one (``discover``: ``catalog_json``); "" when there is no such field."""
    ok = first_arg(fn.result)
    summary = pkg.type(ok)
    if not phase or summary is None or summary.kind != "record" or phase not in summary.members:
        return ""
    types = _fields(pkg, summary)
    out = f"`{pascal(summary.name)}.{snake(phase)}` (`{_rust(pkg, types[phase])}`)"
    inner = types[phase].removeprefix("option<").removesuffix(">")
    record = pkg.type(inner)
    if record is not None and record.kind == "record" and len(record.members) == 1:
        out += f", its `{snake(record.members[0])}`"
    return out


def _request(pkg, fn, phase: str) -> tuple[str, str]:
    """The request record a v4 call takes for ``phase`` and the phase's enum case:
    (``RunRequest { stream, phase: RunPhase::Read, … }``, ``RunPhase::Read``), from the record parameter of
    ``fn`` whose enum field has the phase as a case."""
    for param in fn.params:
        record = pkg.type(param.type.lstrip("%"))
        if not phase or record is None or record.kind != "record":
            continue
        parts, case = [], ""
        for name, wit_type in _fields(pkg, record).items():
            enum = pkg.type(wit_type)
            if enum is not None and enum.kind == "enum" and phase in enum.members:
                case = f"{pascal(enum.name)}::{pascal(phase)}"
                parts.append(f"{snake(name)}: {case}")
            else:
                parts.append(snake(name))
        if case:
            return f"{pascal(record.name)} {{ {', '.join(parts)} }}", case
    return "", ""


def _has_session(params) -> bool:
    return bool(params) and params[0].type == "session"


def _words(wit_type: str) -> set[str]:
    return set(wit_type.replace("<", " ").replace(">", " ").replace(",", " ").split())


def _signature(pkg, fn) -> str:
    """The wasmtime host call of a WIT export: `call_validate(store, session: Session) -> wasmtime::Result<…>`."""
    params = ", ".join(["store"] + [f"{snake(p.name)}: {_rust(pkg, p.type, arg=True)}" for p in fn.params])
    result = _rust(pkg, fn.result) if fn.result else "()"
    return f"{CALL}{snake(fn.name)}({params}) -> wasmtime::Result<{result}>"


def _rust(pkg, wit: str, arg: bool = False) -> str:
    """A WIT type as wasmtime's host bindings spell it (strings, lists and records by reference as arguments)."""
    def by_ref(name: str) -> bool:
        t = pkg.type(name)
        return t is not None and t.kind in ("record", "variant", "resource")
    return rust_type(wit, borrowed=by_ref if arg else None)

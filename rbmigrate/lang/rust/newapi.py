"""What the v4 SDK adds that no v3 code can be renamed into: reported where it goes.

protocol-v4.md ("Rust SDK v4") gives the SDK records and constructors that v4
code relies on: ``RunRequest``, ``RunSummary`` (with ``read``/``write``/
``transform``/``discover`` constructors) and ``RunPhase`` beside the summaries,
and ``ConnectorError::unsupported_phase``. They are new API, written by the
SDK's own team; the migrated connectors and the reshaped traits use them. In a
protocol crate (the SDK, or a types crate it builds on) that does not define
them yet, each place they belong gets a finding:

- the last v3 summary record (``TransformSummary``): define them next to it;
- a ``pub use`` that re-exports the summaries: re-export them too;
- the last method of ``impl ConnectorError``: add ``unsupported_phase``;
- the last conversion of a summary into the bindings' record (``impl From<ReadSummary> for
  wit::ReadSummary``), when no impl of the file converts the records v4's exports add
  (``OpenInfo`` out of ``open``, ``RunRequest`` into ``run``, ``RunSummary`` out of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .syntax import field, named, text
from .vocab import NEW_RECORDS as RECORDS
from .vocab import SUMMARIES

if TYPE_CHECKING:  # pragma: no cover
    from .plan import FilePlan

RULE = "RB307"
PHASE_RULE = "RB308"
STEP = 'protocol-v4.md "Rust SDK v4": `RunRequest { phase, stream, dry_run, max_records }`, `RunPhase` (the WIT ' \
       '`run-phase` cases) and `RunSummary` with `RunSummary::read/write/transform/discover`.'


def _missing(plan: "FilePlan", names: tuple[str, ...]) -> list[str]:
    from .workspace import home, load

    roots = [plan.facts.crate_root] if plan.facts.crate_root is not None else []
    ws = load(plan.facts.crate_root, frozenset()) if roots else None
    if ws is not None:
        roots += [c.root for c in ws.crates.values() if c.ident in plan.facts.protocol_crates]
    return [n for n in names if not any(home(r, n) is not None for r in roots)]


def plan_new_api(plan: "FilePlan") -> None:
    if not plan.facts.is_sdk:
        return
    data = plan.data
    if any(s.encode() in data for s in SUMMARIES):
        missing = _missing(plan, RECORDS)
        if missing:
            _summaries(plan, missing)
    if b"From<" in data and any(s.encode() in data for s in SUMMARIES):
        _conversions(plan)
    if b"ConnectorError" in data and b"impl" in data:
        if _missing(plan, ("unsupported_phase",)):
            _error_impl(plan)


def _summaries(plan: "FilePlan", missing: list[str]) -> None:
    names = ", ".join(f"`{n}`" for n in missing)
    last = None
    for item in plan.captures.get("struct", ()):
        name = field(item, "name")
        if name is not None and text(name) in SUMMARIES and item.parent is not None and item.parent.type == "source_file":
            last = item
    if last is not None:
        plan.finding(field(last, "name"), RULE, f"the v4 SDK defines {names} beside the summaries", STEP)
    for decl in plan.captures.get("use", ()):
        if not named(decl) or named(decl)[0].type != "visibility_modifier":
            continue
        body = text(decl)
        if any(s in body for s in SUMMARIES):
            plan.finding(decl, RULE, f"this re-export of the summaries lacks {names} (new in v4)",
                         f"Re-export {names} with the summaries once they are defined.")


def _error_impl(plan: "FilePlan") -> None:
    for impl in plan.captures.get("impl", ()):
        if field(impl, "trait") is not None or text(field(impl, "type")) != "ConnectorError":
            continue
        body = field(impl, "body")
        fns = [f for f in named(body) if f.type == "function_item"] if body is not None else []
        if fns:
            plan.finding(field(fns[-1], "name"), PHASE_RULE,
                         "the v4 SDK's `ConnectorError::unsupported_phase(phase)` is not defined yet",
                         "Add `pub fn unsupported_phase(phase: RunPhase) -> ConnectorError`: category `config`, "
                         "code `UNSUPPORTED_PHASE`, message `<role> does not serve phase <phase>`, not retryable "
                         "(protocol-v4.md, role interfaces).")


EXPORTED = ("OpenInfo", "RunRequest", "RunSummary")  # the records v4's exports add (open, run)


def _conversions(plan: "FilePlan") -> None:
    last, have = None, set()
    for impl in plan.captures.get("impl", ()):
        ty, trait = field(impl, "type"), field(impl, "trait")
        header = (text(trait) if trait is not None else "") + " " + (text(ty) if ty is not None else "")
        have.update(n for n in EXPORTED if n in header)
        if trait is None or ty is None or not text(trait).startswith("From<") or "::" not in text(ty):
            continue
        source = text(trait)[len("From<"):].rstrip(">").rsplit("::", 1)[-1]
        if source in SUMMARIES and text(ty).rsplit("::", 1)[-1] == source:  # the SDK's summary into the binding's
            if last is None or impl.start_byte > last.start_byte:
                last = impl
    missing = [n for n in EXPORTED if n not in have]
    if last is None or not missing:
        return
    names = ", ".join(f"`{n}`" for n in missing)
    plan.finding(field(last, "type") or last, RULE, f"these conversions into the bindings' records lack {names}: v4's exports return "
                 "`open-info` from `open`, take a `run-request` and return a `run-summary` from `run`",
                 f"Add conversions for {names} beside these (between the SDK's records and the WIT `open-info`, "
                 "`run-request` and `run-summary`).")

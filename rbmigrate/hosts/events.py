"""Typed records of everything a guest did during a pipeline run (the observable effects).

Every event keeps the version-specific raw form (`raw`) next to fields that are already decoded
into the vocabulary of equivalence.md (kind names, kebab-case categories, parsed JSON), so the
verifier can normalise without knowing the protocol version. Plain, picklable data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

@dataclass
class BatchEvent:
    """A frame passed to `emit-batch` / `batch-emit`, decoded per docs/batch-format.md."""

    stage: str
    context_stream: str
    index: int  # emission order within the stage and stream
    size: int  # bytes in the frame
    rows: list[list[Any]] | None  # None when the frame is not a valid batch (see `decode_error`)
    schema: list[dict] | None
    stream: str | None  # the batch document's own `stream`
    decode_error: str | None
    raw: bytes


@dataclass
class CheckpointEvent:
    stage: str
    context_stream: str
    kind: str  # source | destination | transform
    stream: str
    id: int
    cursor: Any  # None, or {"field": .., "value": ..} (parsed JSON)
    records: int
    bytes: int
    raw: dict  # v3: {"kind": int, "payload_json": str, "envelope": bool}; v4: the checkpoint-event fields


@dataclass
class MetricEvent:
    stage: str
    context_stream: str
    name: str
    value: float
    labels: list[tuple[str, str]]
    metric_type: str | None  # v3 only: counter | gauge | histogram
    raw: dict


@dataclass
class DlqEvent:
    stage: str
    context_stream: str
    stream: str
    record: Any  # parsed record JSON (the raw string when it is not JSON)
    error_message: str
    category: str  # kebab-case
    raw: dict


@dataclass
class LogEvent:
    stage: str
    context_stream: str
    level: str  # error | warn | info | debug | trace
    msg: str
    raw_level: Any  # v3: the u32; v4: the enum case name


@dataclass
class StateWrite:
    stage: str
    op: str  # put | cas
    scope: str  # pipeline | per-stream | connector-instance
    key: str
    value: str
    expected: str | None = None  # cas only
    ok: bool = True  # cas: whether the swap happened


@dataclass
class CasOutcome:
    stage: str
    scope: str
    key: str
    expected: str | None
    new_value: str
    ok: bool


@dataclass
class StateReport:
    final: dict[tuple[str, str], str] = field(default_factory=dict)  # {(scope name, key): value}
    cas: list[CasOutcome] = field(default_factory=list)  # this run, in order
    writes: list[StateWrite] = field(default_factory=list)  # puts and cas attempts of this run, in order


@dataclass
class SummaryEvent:
    stage: str
    context_stream: str
    role: str  # source | destination | transform
    phase: str  # read | write | transform | discover
    fields: dict | None  # the inner summary of the phase (snake_case keys); None if v4 left it unset
    set_fields: list[str]  # v4: which of read/write/transform/discover were set; v3: [phase field]
    raw: dict


@dataclass
class ValidationEvent:
    stage: str
    status: str  # success | failed | warning
    message: str
    warnings: list[str] | None  # v4 only
    raw: dict


@dataclass
class ErrorEvent:
    """A step that did not complete.

    kind: `connector-error` (the guest returned err), `deadline` (epoch deadline hit),
    `memory` (the memory limit was hit), `trap` (any other trap, including uncaught guest exceptions),
    `host` (a host function raised and trapped the guest, see `message`), `instantiate`, `load`,
    `protocol` (the component lacks the export the stage needs, or returned a malformed value).
    """

    stage: str
    call: str  # open | discover | validate | run-read | run-write | run-transform | run | close | instantiate | load
    context_stream: str
    kind: str
    message: str
    error: dict | None = None  # connector-error fields, snake_case; `details` parsed as JSON when it is JSON
    raw: dict | None = None  # the connector-error as the guest returned it (v3 `details_json`, v4 `details`)
    stderr_tail: str = ""


@dataclass
class ConnectEvent:
    """A `tcp-connect` / `connect-tcp` attempt: `outcome` is `connected`, `failed` or the error
    category that refused it (`permission` for an address outside the allowlist)."""

    stage: str
    host: str
    port: int
    outcome: str


@dataclass
class PipelineResult:
    version: int
    batches: list[BatchEvent] = field(default_factory=list)
    checkpoints: list[CheckpointEvent] = field(default_factory=list)
    metrics: list[MetricEvent] = field(default_factory=list)
    dlq: list[DlqEvent] = field(default_factory=list)
    logs: list[LogEvent] = field(default_factory=list)
    summaries: list[SummaryEvent] = field(default_factory=list)
    validations: list[ValidationEvent] = field(default_factory=list)
    state: StateReport = field(default_factory=StateReport)
    catalog: Any = None  # parsed discover JSON (None when discover did not run)
    catalog_raw: str | None = None
    discover_summary: SummaryEvent | None = None  # v4: the run-summary of run(phase: discover)
    open_info: dict[str, dict] = field(default_factory=dict)  # v4: stage -> open-info fields
    errors: list[ErrorEvent] = field(default_factory=list)
    calls: list[tuple[str, str, str]] = field(default_factory=list)  # (stage, call, context stream), in order
    connects: list[ConnectEvent] = field(default_factory=list)  # every tcp connection attempt, in order
    stdout: dict[str, str] = field(default_factory=dict)  # stage -> captured guest stdout
    stderr: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def of(self, kind: str, stage: str | None = None) -> list:
        """Events of one list (`"logs"`, `"batches"`, ...) optionally filtered by stage."""
        items = getattr(self, kind)
        return [e for e in items if stage is None or e.stage == stage]

    def rows(self, stage: str, stream: str | None = None) -> list[list[Any]]:
        """All decoded rows a stage emitted, in emission order."""
        out: list[list[Any]] = []
        for b in self.batches:
            if b.stage == stage and (stream is None or b.context_stream == stream) and b.rows:
                out.extend(b.rows)
        return out

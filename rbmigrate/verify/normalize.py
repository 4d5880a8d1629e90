"""The normal form of a run (shared/spec/equivalence.md): what a pipeline operator could observe,
with only the representation changes of v3 -> v4 removed. Two runs are equivalent when their normal
forms are equal (compare.py).

One normal form per scenario run and pipeline stage:

    {"lifecycle":   [[call, stream]]                 v3 run-read/run-write/run-transform and v4 run -> "run",
                                                      v3 discover and v4 run(phase=discover) -> "discover"
     "validation":  [{"status", "message"}]
     "catalog":     parsed discover JSON               (source only)
     "batches":     [{"stream", "batch_stream", "schema", "rows"}]      in emission order
     "checkpoints": [[kind, stream, id, cursor, records, bytes]]
     "metrics":     [[name, float value | "<masked>", [[label, value], ...]]]
     "dlq":         [[stream, parsed record, message, kebab-case category]]
     "state":       {"final": [[scope, key, value]] (keys this stage wrote in this run), "cas": [[scope, key, expected, new, ok]]}
     "logs":        [[level name, message]]
     "summaries":   [{"stream", "role", "phase", "fields", "set"}]   `set`: which run-summary fields were set
     "errors":      [{"call", "kind", "error" | "exception"}]
     "protocol":    [v4 rule violations: summary fields, validation warnings]   (always [] for v3)
     "tables":      {table: {"columns", "rows" (sorted)}}          (destination only: its database effect)
    }
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from .scenario import Mask

MASKED = "<masked>"
TIMING_SUFFIXES = ("_secs", "_ms", "_nanos")
EFFECTS = ("lifecycle", "validation", "catalog", "batches", "checkpoints", "metrics", "dlq", "state", "logs",
           "summaries", "errors", "protocol", "tables")


@functools.lru_cache(maxsize=1)
def _calls() -> dict[str, str]:
    """Lifecycle labels that mean the same call: the v3 role functions `run-*` of wit/v3 are v4's `run`;
    the v4 host labels `run(phase=discover)` `run-discover`, which is v3's `discover`."""
    from ..lang.wit.model import load_package
    from ..resources import wit_dir

    v3 = load_package(wit_dir("v3"))
    roles = {e for w in v3.worlds.values() for e in w.exports}
    calls = {f: "run" for r in roles for f in v3.interfaces[r].functions if f.startswith("run-")}
    calls["run-discover"] = "discover"
    return calls


def canon(value: Any) -> str:
    """A canonical JSON text: equal texts mean equal values (NaN equals NaN, key order ignored)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, tuple):
        return list(value)
    return repr(value)


def call_name(call: str) -> str:
    return _calls().get(call, call)


class Masker:
    def __init__(self, mask: Mask) -> None:
        self.metrics = [re.compile(p) for p in mask.metrics]
        self.logs = [re.compile(p) for p in mask.logs]
        self.messages = [re.compile(p) for p in mask.messages]
        self.columns = set(mask.columns)

    def metric_masked(self, name: str) -> bool:
        return name.endswith(TIMING_SUFFIXES) or any(p.fullmatch(name) for p in self.metrics)

    @staticmethod
    def _sub(patterns: list[re.Pattern], text: str) -> str:
        for p in patterns:
            text = p.sub(MASKED, text)
        return text

    def log(self, text: str) -> str:
        return self._sub(self.logs, text)

    def message(self, text: str) -> str:
        return self._sub(self.messages, text) if isinstance(text, str) else text

    def column(self, name: str, table: str | None = None) -> bool:
        return name in self.columns or (table is not None and f"{table}.{name}" in self.columns)


def _rows(rows: list | None, names: list[str], masker: Masker, table: str | None = None) -> list | None:
    if rows is None:
        return None
    hide = [i for i, n in enumerate(names) if masker.column(n, table)]
    if not hide:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in hide:
            if i < len(row):
                row[i] = MASKED
        out.append(row)
    return out


def _batch(b: Any, masker: Masker) -> dict:
    if b.rows is None:
        import hashlib

        return {"stream": b.context_stream, "decode_error": b.decode_error,
                "sha256": hashlib.sha256(b.raw).hexdigest(), "size": b.size}
    names = [c.get("name") for c in (b.schema or []) if isinstance(c, dict)]
    return {"stream": b.context_stream, "batch_stream": b.stream, "schema": b.schema,
            "rows": _rows(b.rows, names, masker)}


def _error(e: Any, masker: Masker) -> dict:
    from ..hosts.runtime import guest_exception

    out: dict[str, Any] = {"call": call_name(e.call), "kind": e.kind, "stream": e.context_stream}
    if e.kind == "connector-error" and e.error is not None:
        err = dict(e.error)
        err["message"] = masker.message(err.get("message", ""))
        out["error"] = err
    else:
        out["exception"] = guest_exception(e.stderr_tail or "")
    return out


def _summary(s: Any, version: int, protocol: list[str]) -> dict:
    want = s.phase  # the run-summary field of a phase has the phase's name
    if version >= 4 and list(s.set_fields) != [want]:
        protocol.append(f"run-summary of phase {s.phase} (stream {s.context_stream!r}) sets "
                        f"{', '.join(s.set_fields) or 'no field'}; it must set exactly `{want}`")
    if version >= 4 and s.role != s.stage:
        protocol.append(f"run-summary role is {s.role}, the stage is {s.stage}")
    return {"stream": s.context_stream, "role": s.role, "phase": s.phase, "fields": s.fields,
            "set": list(s.set_fields)}


def table_snapshot_form(tables: dict[str, dict], masker: Masker) -> dict:
    out = {}
    for name, snap in tables.items():
        if not snap.get("exists"):
            out[name] = {"exists": False}
            continue
        cols = [c[0] for c in snap["columns"]]
        rows = _rows(snap["rows"], cols, masker, name)
        out[name] = {"columns": snap["columns"], "rows": sorted(rows, key=canon)}
    return out


def stage_form(result: Any, stage: str, version: int, masker: Masker, tables: dict | None = None) -> dict:
    """The normal form of what `stage` did in one PipelineResult (see the module docstring)."""
    mine = lambda items: [x for x in items if x.stage == stage]  # noqa: E731
    protocol: list[str] = []
    form: dict[str, Any] = {
        "lifecycle": [[call_name(c), stream] for st, c, stream in result.calls if st == stage],
        "validation": [],
    }
    for v in mine(result.validations):
        form["validation"].append({"status": v.status, "message": masker.message(v.message)})
        if version >= 4 and v.warnings:
            protocol.append(f"validation-report warnings must be [] for a migrated connector, got {v.warnings!r}")
    if stage == "source":
        form["catalog"] = result.catalog
        ds = getattr(result, "discover_summary", None)
        if version >= 4 and ds is not None and list(ds.set_fields) != ["discover"]:
            protocol.append(f"run-summary of phase discover sets {', '.join(ds.set_fields) or 'no field'}; "
                            "it must set exactly `discover`")
    form["batches"] = [_batch(b, masker) for b in mine(result.batches)]
    form["checkpoints"] = [[c.kind, c.stream, c.id, c.cursor, c.records, c.bytes] for c in mine(result.checkpoints)]
    form["metrics"] = [[m.name, MASKED if masker.metric_masked(m.name) else float(m.value),
                        [list(p) for p in m.labels]] for m in mine(result.metrics)]
    form["dlq"] = [[d.stream, d.record, masker.message(d.error_message), d.category.replace("_", "-").lower()]
                   for d in mine(result.dlq)]
    written = {(w.scope, w.key) for w in result.state.writes if w.stage == stage}
    form["state"] = {
        "final": [[scope, key, value] for (scope, key), value in sorted(result.state.final.items())
                  if (scope, key) in written],
        "cas": [[c.scope, c.key, c.expected, c.new_value, c.ok] for c in mine(result.state.cas)],
    }
    form["logs"] = [[lg.level, masker.log(lg.msg)] for lg in mine(result.logs)]
    form["summaries"] = [_summary(s, version, protocol) for s in mine(result.summaries)]
    form["errors"] = [_error(e, masker) for e in mine(result.errors)]
    form["protocol"] = protocol
    if tables is not None:
        form["tables"] = table_snapshot_form(tables, masker)
    return form


def _environment(value: Any, names: dict[str, str]) -> Any:
    """Write the values verify itself chose per version (the database name) as their placeholders: the
    two versions run side by side in databases of different names, which is not the connector's doing."""
    if isinstance(value, str):
        for actual, placeholder in names.items():
            value = value.replace(actual, placeholder)
        return value
    if isinstance(value, list):
        return [_environment(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _environment(v, names) for k, v in value.items()}
    return value


def run_forms(outcome: Any, stages: list[str], masker: Masker) -> list[dict]:
    """[{"run": name, "stages": {stage: form}}] for every run of a VersionOutcome."""
    names = {outcome.dbname: "${pg.database}"} if getattr(outcome, "dbname", "") else {}
    forms = []
    for run in outcome.runs:
        stages_form = {}
        for stage in stages:
            if run.result is None:
                stages_form[stage] = {"lifecycle": [], "errors": [{"call": "setup", "kind": "environment"}]}
                continue
            tables = run.tables if stage == "destination" else None
            stages_form[stage] = _environment(stage_form(run.result, stage, outcome.version, masker, tables), names)
        forms.append({"run": run.name, "stages": stages_form})
    return forms

"""The reference host of protocol v4 (`rapidbyte:connector@4.0.0`): host-io functions and lifecycle."""

from __future__ import annotations

import json
from typing import Any

from .errors import HostError
from .events import SummaryEvent, ValidationEvent
from .protocol import (
    CHECKPOINT_KINDS, DEFAULT_LIMITS, ERROR_CATEGORIES, LOG_LEVELS, STATE_SCOPES, SUMMARY_FIELDS, V4_DETAILS, V4_ROLES,
    V4_VERSION, qualified,
)
from .runtime import HostIO, Stage, install_host
from .spec import DEFAULT_SCHEMA_EVOLUTION, StreamSpec
from .values import from_wit, to_wit

ROLES = {  # stage role -> (exported interface, phase of its run)
    role: (qualified(iface, V4_VERSION), phase) for role, (iface, phase) in V4_ROLES.items()
}


class Host(HostIO):
    version = 4
    details = V4_DETAILS

    def log(self, level: str, msg: str) -> None:
        self.stage.log(level if level in LOG_LEVELS else "trace", level, msg)

    def checkpoint(self, event: Any) -> None:
        ev = from_wit(event)
        cursor = ev["cursor"]
        if cursor is not None:
            try:
                cursor = json.loads(cursor)
            except ValueError as exc:
                raise HostError("internal", "BAD_PAYLOAD", f"checkpoint cursor is not JSON: {exc}") from None
        if ev["kind"] not in CHECKPOINT_KINDS:  # pragma: no cover - the enum is checked by wasmtime
            raise HostError("internal", "BAD_CHECKPOINT_KIND", f"unknown checkpoint kind {ev['kind']!r}")
        self.stage.checkpoint(ev["kind"], ev["stream"], ev["id"], cursor, ev["records"], ev["bytes"], ev)

    def metric(self, event: Any) -> None:
        ev = from_wit(event)
        self.stage.metric(ev["name"], float(ev["value"]), [tuple(p) for p in ev["labels"]], None, ev)

    def dlq(self, entry: Any) -> None:
        ev = from_wit(entry)
        if ev["error_category"] not in ERROR_CATEGORIES:  # pragma: no cover - the enum is checked by wasmtime
            raise HostError("internal", "BAD_DLQ_CATEGORY", f"unknown error category {ev['error_category']!r}")
        self.stage.dlq(ev["stream"], ev["record_json"], ev["error_message"], ev["error_category"], ev)

    def scope(self, raw: Any) -> str:
        return _scope(raw)


def _scope(scope: str) -> str:
    if scope not in STATE_SCOPES:  # pragma: no cover - the enum is checked by wasmtime
        raise HostError("config", "BAD_STATE_SCOPE", f"unknown state scope {scope!r}")
    return scope


def install(linker: Any, stage: Stage) -> None:
    install_host(linker, Host(stage))


# ---- lifecycle ----------------------------------------------------------------------------------

def stream_context(s: StreamSpec) -> dict:
    """The typed `stream-context` (snake_case dict; `to_wit` makes the record)."""
    extensions = {"schema_evolution": s.extensions.get("schema_evolution", DEFAULT_SCHEMA_EVOLUTION)}
    extensions.update({k: v for k, v in s.extensions.items() if k != "schema_evolution"})
    return {
        "stream_name": s.name,
        "source_stream_name": s.source_stream_name,
        "schema": [{"name": c["name"], "data_type": c["data_type"], "nullable": bool(c.get("nullable", True))}
                   for c in s.schema],
        "sync_mode": s.sync_mode.replace("_", "-"),
        "cursor_info": None if s.cursor_field is None else {
            "cursor_field": s.cursor_field,
            "cursor_type": s.cursor_type or "",
            "last_value": None if s.cursor_last_value is None else json.dumps(s.cursor_last_value),
        },
        "limits": s.full_limits(),
        "on_data_error": s.on_data_error,
        "write_mode": s.write_mode,
        "primary_key": list(s.primary_key),
        "selected_columns": None if s.selected_columns is None else list(s.selected_columns),
        "partition": None if s.partition is None else {"index": s.partition[0], "count": s.partition[1]},
        "extensions_json": json.dumps(extensions, sort_keys=True),
    }


def discover_context(default_limits: dict | None) -> dict:
    """The placeholder stream context of `run(phase: discover)` (protocol-v4 "role interfaces")."""
    return {
        "stream_name": "", "source_stream_name": None, "schema": [], "sync_mode": "full-refresh",
        "cursor_info": None, "limits": dict(default_limits or DEFAULT_LIMITS), "on_data_error": "fail",
        "write_mode": None, "primary_key": [], "selected_columns": None, "partition": None, "extensions_json": None,
    }


class Driver:
    version = 4
    install = staticmethod(install)

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.iface, self.phase = ROLES[stage.name]
        self.session: int | None = None
        self.open_info: dict | None = None

    def open(self, config_json: str) -> None:
        got = self.stage.call(self.iface, "open", config_json)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise TypeError(f"open returned {got!r}")
        self.session = got[0]
        self.open_info = from_wit(got[1])
        self.stage.result.open_info[self.stage.name] = self.open_info

    def _run(self, request: dict, phase: str, stream: str) -> dict:
        label = "run-discover" if phase == "discover" else "run"
        rec = from_wit(self.stage.call(self.iface, "run", self.session, to_wit(request), label=label))
        set_fields = [k for k in SUMMARY_FIELDS if rec.get(k) is not None]
        event = SummaryEvent(self.stage.name, stream, rec["role"], phase, rec.get(phase), set_fields, rec)
        if phase == "discover":
            self.stage.result.discover_summary = event
        else:
            self.stage.result.summaries.append(event)
        return rec

    def discover(self) -> str:
        limits = (self.open_info or {}).get("default_limits")
        req = {"stream": discover_context(limits), "phase": "discover", "dry_run": False, "max_records": None}
        rec = self._run(req, "discover", "")
        if rec.get("discover") is None:
            raise TypeError("run(discover) returned a run-summary without `discover`")
        return rec["discover"]["catalog_json"]

    def validate(self) -> None:
        rec = from_wit(self.stage.call(self.iface, "validate", self.session))
        self.stage.result.validations.append(
            ValidationEvent(self.stage.name, rec["status"], rec["message"], list(rec["warnings"]), rec))

    def run(self, stream: StreamSpec) -> None:
        req = {"stream": stream_context(stream), "phase": self.phase, "dry_run": False,
               "max_records": stream.max_records}
        self._run(req, self.phase, stream.name)

    def close(self) -> None:
        self.stage.call(self.iface, "close", self.session)

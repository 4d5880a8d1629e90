"""The reference host of protocol v3 (`rapidbyte:connector@3.0.0`): host functions and lifecycle."""

from __future__ import annotations

import json
from typing import Any

from .errors import HostError
from .events import SummaryEvent, ValidationEvent
from .protocol import (
    ERROR_CATEGORIES, V3_CHECKPOINT_KINDS, V3_DETAILS, V3_LOG_LEVEL_OTHER, V3_LOG_LEVELS, V3_ROLES, V3_STATE_SCOPES,
    V3_VERSION, qualified,
)
from .runtime import HostIO, Stage, install_host
from .spec import DEFAULT_SCHEMA_EVOLUTION, StreamSpec
from .values import from_wit

ROLES = {  # stage role -> (exported interface, run function, summary phase)
    role: (qualified(iface, V3_VERSION), run, phase) for role, (iface, run, phase) in V3_ROLES.items()
}


def scope_name(scope: int) -> str:
    if scope not in V3_STATE_SCOPES:
        raise HostError("config", "BAD_STATE_SCOPE", f"state scope {scope} is not one of {sorted(V3_STATE_SCOPES)}")
    return V3_STATE_SCOPES[scope]


def _unwrap_envelope(doc: Any) -> tuple[dict, bool, dict]:
    """(payload, had_envelope, envelope) of a v3 checkpoint/metric JSON document."""
    if not isinstance(doc, dict):
        raise HostError("internal", "BAD_PAYLOAD", "the payload JSON must be an object")
    if isinstance(doc.get("payload"), dict) and ("protocol_version" in doc or "connector_id" in doc or "stream_name" in doc):
        return doc["payload"], True, doc
    return doc, False, {}


def _parse(payload_json: str) -> Any:
    try:
        return json.loads(payload_json)
    except ValueError as exc:
        raise HostError("internal", "BAD_PAYLOAD", f"payload is not JSON: {exc}") from None


def _uint(doc: dict, key: str, default: int | None = None) -> int:
    value = doc.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise HostError("internal", "BAD_PAYLOAD", f"`{key}` must be an unsigned integer, got {value!r}")
    return value


class Host(HostIO):
    """Host functions bound to one stage."""

    version = 3
    details = V3_DETAILS

    def log(self, level: int, msg: str) -> None:
        self.stage.log(V3_LOG_LEVELS.get(level, V3_LOG_LEVEL_OTHER), level, msg)

    def checkpoint(self, kind: int, payload_json: str) -> None:
        if kind not in V3_CHECKPOINT_KINDS:
            raise HostError("internal", "BAD_CHECKPOINT_KIND", f"checkpoint kind {kind} is not 0, 1 or 2")
        payload, envelope, env = _unwrap_envelope(_parse(payload_json))
        stream = payload.get("stream", env.get("stream_name"))
        if not isinstance(stream, str):
            raise HostError("internal", "BAD_PAYLOAD", "checkpoint `stream` must be a string")
        field = payload.get("cursor_field")
        cursor = None if field is None else {"field": field, "value": payload.get("cursor_value")}
        self.stage.checkpoint(
            V3_CHECKPOINT_KINDS[kind], stream, _uint(payload, "id"), cursor,
            _uint(payload, "records_processed", 0), _uint(payload, "bytes_processed", 0),
            {"kind": kind, "payload_json": payload_json, "envelope": envelope, "payload_kind": payload.get("kind")},
        )

    def metric(self, payload_json: str) -> None:
        payload, envelope, _ = _unwrap_envelope(_parse(payload_json))
        name = payload.get("name")
        if not isinstance(name, str):
            raise HostError("internal", "BAD_PAYLOAD", "metric `name` must be a string")
        value = payload.get("value")
        mtype = None
        if isinstance(value, dict):
            mtype, value = value.get("type"), value.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise HostError("internal", "BAD_PAYLOAD", f"metric value must be a number, got {value!r}")
        labels = payload.get("labels") or []
        if isinstance(labels, dict):
            labels = list(labels.items())
        try:
            pairs = [(str(k), str(v)) for k, v in labels]
        except (TypeError, ValueError):
            raise HostError("internal", "BAD_PAYLOAD", "metric labels must be [key, value] pairs") from None
        self.stage.metric(name, float(value), pairs, mtype, {"payload_json": payload_json, "envelope": envelope})

    def dlq(self, stream: str, record_json: str, message: str, category: str) -> None:
        kebab = category.replace("_", "-").lower()
        if kebab not in ERROR_CATEGORIES:
            raise HostError("internal", "BAD_DLQ_CATEGORY", f"unknown error category {category!r}")
        self.stage.dlq(stream, record_json, message, kebab,
                       {"stream_name": stream, "record_json": record_json, "error_message": message,
                        "error_category": category})

    def scope(self, raw: Any) -> str:
        return scope_name(raw)


def install(linker: Any, stage: Stage) -> None:
    install_host(linker, Host(stage))


# ---- lifecycle ----------------------------------------------------------------------------------

def ctx_json(s: StreamSpec) -> str:
    """The stream context serialised per protocol-v3 §3."""
    limits: dict[str, Any] = s.full_limits()
    limits["max_records"] = s.max_records
    if s.write_mode is None:
        write_mode = None
    elif s.write_mode == "upsert":
        write_mode = {"mode": "upsert", "primary_key": list(s.primary_key)}
    else:
        write_mode = {"mode": s.write_mode}
    ctx = {
        "stream_name": s.name,
        "source_stream_name": s.source_stream_name,
        "schema": {"format": "columns", "data": [
            {"name": c["name"], "data_type": c["data_type"], "nullable": bool(c.get("nullable", True))} for c in s.schema
        ]},
        "sync_mode": s.sync_mode,
        "cursor_info": None if s.cursor_field is None else {
            "cursor_field": s.cursor_field, "cursor_type": s.cursor_type or "", "last_value": s.cursor_last_value,
        },
        "limits": limits,
        "policies": {
            "on_data_error": s.on_data_error,
            "schema_evolution": s.extensions.get("schema_evolution", DEFAULT_SCHEMA_EVOLUTION),
        },
        "write_mode": write_mode,
        "selected_columns": s.selected_columns,
        "partition_count": s.partition[1] if s.partition else None,
        "partition_index": s.partition[0] if s.partition else None,
        "effective_parallelism": s.extensions.get("effective_parallelism"),
        "partition_strategy": s.extensions.get("partition_strategy"),
        "copy_flush_bytes_override": s.extensions.get("copy_flush_bytes_override"),
    }
    return json.dumps(ctx, sort_keys=True)


class Driver:
    version = 3
    install = staticmethod(install)

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.iface, self.run_name, self.phase = ROLES[stage.name]

    def open(self, config_json: str) -> None:
        self.stage.call(self.iface, "open", config_json)

    def discover(self) -> str:
        catalog = self.stage.call(self.iface, "discover")
        if not isinstance(catalog, str):
            raise TypeError(f"discover returned {catalog!r}")
        return catalog

    def validate(self) -> None:
        rec = from_wit(self.stage.call(self.iface, "validate"))
        self.stage.result.validations.append(
            ValidationEvent(self.stage.name, rec["status"], rec["message"], None, rec))

    def run(self, stream: StreamSpec) -> None:
        rec = from_wit(self.stage.call(self.iface, self.run_name, ctx_json(stream)))
        self.stage.result.summaries.append(SummaryEvent(
            self.stage.name, stream.name, self.stage.name, self.phase, rec, [self.phase], rec))

    def close(self) -> None:
        self.stage.call(self.iface, "close")

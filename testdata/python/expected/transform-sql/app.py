"""rapidbyte/transform-sql: runs a SQL query over each batch (protocol v3, componentize-py).

Every incoming batch is loaded into an in-memory SQLite table named `input`;
the configured query runs against it and its result is emitted as one batch.

Style of this connector (it is a fixture of the Python codemod): the one star
import of the fixtures (`from wit_world.imports.types import *`), a from-import
with an alias (`emit_batch as emit`), a module alias (`import ... host as h`),
checkpoint payloads as dict literals (with the v3 envelope) directly inside
`json.dumps`, metric payloads through a local variable, and bindings checked
in under `wit_world/` (generated with `componentize-py bindings`).

Build (from this directory): componentize-py -d ../../../../wit/v3 -w rapidbyte-transform componentize app -o transform-sql.wasm
"""

import json
import sqlite3
import time

from componentize_py_types import Err
from wit_world import exports
import wit_world.imports.host_io as h
from wit_world.imports.host_io import batch_emit as emit
from wit_world.imports.core_types import (
    BackoffClass,
    ConnectorError,
    ConnectorRole,
    ErrorCategory,
    ErrorScope,
    LogLevel,
    OpenInfo,
    RunPhase,
    StreamLimits,
    ValidationReport,
    ValidationStatus,
)
from wit_world.imports.stream_types import RunSummary, TransformSummary
from wit_world.imports.telemetry import CheckpointEvent, CheckpointKind, MetricEvent

import sqlfuncs

CONNECTOR_ID = "rapidbyte/transform-sql"
BATCH_FORMAT = "rapidbyte-json-rows/1"
LOGICAL_TYPES = ("int64", "float64", "numeric", "bool", "string", "timestamp", "timestamptz", "date", "json",
                 "bytes")

# module-level state (componentize-py builds a fresh TransformConnector per call)
CONFIG = {}


def connector_error(category, code, message, scope=ErrorScope.PER_BATCH):
    return Err(ConnectorError(category=category, scope=scope, code=code, message=message, retryable=False,
                              retry_after_ms=None, backoff_class=BackoffClass.NORMAL, safe_to_retry=False,
                              commit_state=None, details=None))


def read_batch(handle):
    size = h.frame_len(handle)
    data = bytes(h.frame_read(handle, 0, size)) if size else b""
    h.frame_drop(handle)
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise connector_error(ErrorCategory.FRAME, "BAD_FRAME", "batch is not JSON: %s" % exc)
    if doc.get("format") != BATCH_FORMAT:
        raise connector_error(ErrorCategory.FRAME, "BAD_FRAME", "unsupported batch format %r" % doc.get("format"))
    return doc, len(data)


def emit_rows(stream, schema, rows):
    data = json.dumps({"format": BATCH_FORMAT, "stream": stream, "schema": schema, "rows": rows},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    handle = h.frame_new(len(data))
    h.frame_write(handle, data)
    h.frame_seal(handle)
    emit(handle)
    return len(data)


class Transform(exports.Transform):

    def open(self, config_json):
        config = json.loads(config_json)
        query = (config.get("query") or "").strip().rstrip(";")
        if not query:
            raise connector_error(ErrorCategory.CONFIG, "MISSING_QUERY", "config key 'query' is required",
                                  ErrorScope.PER_STREAM)
        output_types = config.get("output_types") or {}
        bad = sorted(k for k, v in output_types.items() if v not in LOGICAL_TYPES)
        if bad:
            raise connector_error(ErrorCategory.CONFIG, "BAD_OUTPUT_TYPE",
                                  "output_types has unknown types for: " + ", ".join(bad), ErrorScope.PER_STREAM)
        CONFIG.clear()
        CONFIG["query"] = query
        CONFIG["output_types"] = output_types
        h.log(LogLevel.INFO, "transform-sql: " + query)
        return (1, OpenInfo(
            connector_id="rapidbyte/transform-sql",
            role=ConnectorRole.TRANSFORM,
            protocol_version="4",
            capabilities=[],
            default_limits=StreamLimits(
                max_batch_bytes=64 * 1024 * 1024,
                max_record_bytes=16 * 1024 * 1024,
                max_inflight_batches=16,
                max_parallel_requests=1,
                checkpoint_interval_bytes=64 * 1024 * 1024,
                checkpoint_interval_rows=0,
                checkpoint_interval_seconds=0,
            ),
        ))

    def validate(self, session):
        query = CONFIG.get("query", "")
        if not sqlite3.complete_statement(query + ";"):
            return ValidationReport(ValidationStatus.FAILED, "query is not a complete SQL statement", warnings=[])
        if not query.lower().startswith(("select", "with")):
            return ValidationReport(ValidationStatus.FAILED, "query must be a SELECT (or WITH ... SELECT)", warnings=[])
        if " input" not in " " + query.lower().replace("\n", " ").replace('"', " "):
            return ValidationReport(ValidationStatus.WARNING, "query does not mention the table 'input'", warnings=[])
        return ValidationReport(ValidationStatus.SUCCESS, "query accepted", warnings=[])

    def run(self, session, request):
        if request.phase == RunPhase.TRANSFORM:
            return RunSummary(
                role=ConnectorRole.TRANSFORM,
                read=None,
                write=None,
                transform=self._transform_stream(request),
                discover=None,
            )
        raise Err(ConnectorError(
            category=ErrorCategory.CONFIG,
            scope=ErrorScope.PER_STREAM,
            code="UNSUPPORTED_PHASE",
            message="transform does not serve phase " + request.phase.name.lower(),
            retryable=False,
            retry_after_ms=None,
            backoff_class=BackoffClass.NORMAL,
            safe_to_retry=False,
            commit_state=None,
            details=None,
        ))

    def _transform_stream(self, request):
        ctx = request.stream
        stream = ctx.stream_name
        started = time.monotonic()
        db = sqlite3.connect(":memory:")
        sqlfuncs.register(db)
        records_in = records_out = bytes_in = bytes_out = batches = 0
        while True:
            handle = h.batch_next()
            if handle is None:
                break
            doc, size = read_batch(handle)
            batches += 1
            bytes_in += size
            records_in += len(doc["rows"])
            schema, rows = run_query(db, doc["schema"], doc["rows"])
            if rows:
                bytes_out += emit_rows(stream, schema, rows)
                records_out += len(rows)
            h.telemetry_checkpoint(CheckpointEvent(
                id=batches,
                kind=CheckpointKind.TRANSFORM,
                stream=stream,
                cursor=None,
                records=records_in,
                bytes=bytes_in,
            ))
        db.close()
        for name, value in (("records_in", records_in), ("records_out", records_out)):
            payload = MetricEvent(name=name, value=float(value), labels=[("stream", stream)])
            h.telemetry_metric(payload)
        payload = MetricEvent(
            name="transform_secs",
            value=float(time.monotonic() - started),
            labels=[("stream", stream)],
        )
        h.telemetry_metric(payload)
        h.log(LogLevel.INFO, "transform-sql: %d rows in, %d rows out, %d batches" % (records_in, records_out, batches))
        return TransformSummary(records_in=records_in, records_out=records_out, bytes_in=bytes_in,
                                bytes_out=bytes_out, batches_processed=batches)

    def close(self, session):
        CONFIG.clear()


def run_query(db, schema, rows):
    """Load one batch into `input`, run the query; returns (output schema, output rows)."""
    try:
        sqlfuncs.load_input(db, schema, rows)
    except (sqlite3.Error, ValueError) as exc:
        raise connector_error(ErrorCategory.DATA, "LOAD_FAILED", "cannot load batch into sqlite: %s" % exc)
    try:
        cur = db.execute(CONFIG["query"])
        names = [d[0] for d in cur.description]
        result = cur.fetchall()
    except sqlite3.OperationalError as exc:
        text = str(exc)
        category = ErrorCategory.DATA if "user-defined function" in text else ErrorCategory.CONFIG
        raise connector_error(category, "QUERY_FAILED", "query failed: %s" % text)
    except sqlite3.Error as exc:
        raise connector_error(ErrorCategory.DATA, "QUERY_FAILED", "query failed: %s" % exc)
    if len(set(names)) != len(names):
        raise connector_error(ErrorCategory.CONFIG, "DUPLICATE_COLUMN",
                              "query returns duplicate column names: " + ", ".join(names), ErrorScope.PER_STREAM)
    out_schema, converters = sqlfuncs.output_schema(schema, names, result, CONFIG["output_types"])
    return out_schema, [[conv(v) for conv, v in zip(converters, row)] for row in result]

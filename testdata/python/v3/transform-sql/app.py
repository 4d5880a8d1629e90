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
import wit_world.imports.host as h
from wit_world.imports.host import emit_batch as emit
from wit_world.imports.types import *

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
                              commit_state=None, details_json=None))


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


class TransformConnector(exports.TransformConnector):

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
        h.log(2, "transform-sql: " + query)

    def validate(self):
        query = CONFIG.get("query", "")
        if not sqlite3.complete_statement(query + ";"):
            return ValidationResult(ValidationStatus.FAILED, "query is not a complete SQL statement")
        if not query.lower().startswith(("select", "with")):
            return ValidationResult(ValidationStatus.FAILED, "query must be a SELECT (or WITH ... SELECT)")
        if " input" not in " " + query.lower().replace("\n", " ").replace('"', " "):
            return ValidationResult(ValidationStatus.WARNING, "query does not mention the table 'input'")
        return ValidationResult(ValidationStatus.SUCCESS, "query accepted")

    def run_transform(self, ctx_json):
        ctx = json.loads(ctx_json)
        stream = ctx["stream_name"]
        started = time.monotonic()
        db = sqlite3.connect(":memory:")
        sqlfuncs.register(db)
        records_in = records_out = bytes_in = bytes_out = batches = 0
        while True:
            handle = h.next_batch()
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
            h.checkpoint(2, json.dumps({
                "protocol_version": "2", "connector_id": CONNECTOR_ID, "stream_name": stream,
                "payload": {"id": batches, "kind": "transform", "stream": stream, "cursor_field": None,
                            "cursor_value": None, "records_processed": records_in, "bytes_processed": bytes_in},
            }))
        db.close()
        for name, value in (("records_in", records_in), ("records_out", records_out)):
            payload = {"name": name, "value": {"type": "counter", "value": value}, "labels": [["stream", stream]]}
            h.metric(json.dumps(payload))
        payload = {"name": "transform_secs", "value": {"type": "gauge", "value": time.monotonic() - started},
                   "labels": [["stream", stream]]}
        h.metric(json.dumps(payload))
        h.log(2, "transform-sql: %d rows in, %d rows out, %d batches" % (records_in, records_out, batches))
        return TransformSummary(records_in=records_in, records_out=records_out, bytes_in=bytes_in,
                                bytes_out=bytes_out, batches_processed=batches)

    def close(self):
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

"""rapidbyte/transform-mask: masks configured columns of every batch (protocol v3, componentize-py).

String values of the `mask` columns are replaced by a salted SHA-256 prefix; a row with a null in
one of the `require` columns goes to the dead-letter queue instead. The number of rows seen by this
connector instance is kept in the state store.

Style of this connector (a fixture of the Python codemod, issue 17): aliased module imports
(`import wit_world.imports.host as rb`, `import wit_world.imports.types as wt`), a dynamic import
(`importlib.import_module("wit_world.imports.host")`), module-level constants for the integer codes
(`INSTANCE_SCOPE = 2`, `KIND_TRANSFORM = 2`), a dict of log levels (`LEVEL = {"info": 2, ...}`),
and payload helpers (`_metric(...)`, `_checkpoint(...)`) called as `rb.metric(_metric(...))`.

Build (from this directory): componentize-py -d ../../../../wit/v3 -w rapidbyte-transform componentize app -o transform-mask.wasm
"""

import hashlib
import importlib
import json

from componentize_py_types import Err
from wit_world import exports
import wit_world.imports.host_io as rb
from wit_world.imports import core_types, stream_types, telemetry

frames = importlib.import_module("wit_world.imports.host_io")

BATCH_FORMAT = "rapidbyte-json-rows/1"
INSTANCE_SCOPE = core_types.StateScope.CONNECTOR_INSTANCE
KIND_TRANSFORM = telemetry.CheckpointKind.TRANSFORM
LEVEL = {"info": core_types.LogLevel.INFO, "debug": core_types.LogLevel.DEBUG}
SEEN_KEY = "rows_seen"

# module-level state (componentize-py builds a fresh TransformConnector per call)
CONFIG = {}


def _error(category, code, message, scope=core_types.ErrorScope.PER_BATCH):
    return Err(core_types.ConnectorError(category=category, scope=scope, code=code, message=message, retryable=False,
                                         retry_after_ms=None, backoff_class=core_types.BackoffClass.NORMAL, safe_to_retry=False,
                                         commit_state=None, details=None))


def _metric(name, value, stream):
    payload = telemetry.MetricEvent(name=name, value=float(value), labels=[("stream", stream)])
    return payload


def _checkpoint(batch, stream, records, size):
    return telemetry.CheckpointEvent(
        id=batch,
        kind=telemetry.CheckpointKind.TRANSFORM,
        stream=stream,
        cursor=None,
        records=records,
        bytes=size,
    )


def _read_frame(handle):
    size = frames.frame_len(handle)
    data = bytes(frames.frame_read(handle, 0, size)) if size else b""
    frames.frame_drop(handle)
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise _error(core_types.ErrorCategory.FRAME, "BAD_FRAME", "batch is not JSON: %s" % exc)
    if doc.get("format") != BATCH_FORMAT:
        raise _error(core_types.ErrorCategory.FRAME, "BAD_FRAME", "unsupported batch format %r" % doc.get("format"))
    return doc, len(data)


def _emit(stream, schema, rows):
    data = json.dumps({"format": BATCH_FORMAT, "stream": stream, "schema": schema, "rows": rows},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    handle = frames.frame_new(len(data))
    frames.frame_write(handle, data)
    frames.frame_seal(handle)
    rb.batch_emit(handle)
    return len(data)


def _mask(value):
    if not isinstance(value, str):
        return value
    return hashlib.sha256((CONFIG["salt"] + value).encode("utf-8")).hexdigest()[:16]


def _seen(count):
    total = int(rb.state_get(INSTANCE_SCOPE, SEEN_KEY) or "0") + count
    rb.state_put(INSTANCE_SCOPE, SEEN_KEY, str(total))
    return total


class Transform(exports.Transform):

    def open(self, config_json):
        config = json.loads(config_json)
        mask = config.get("mask") or []
        if not isinstance(mask, list) or not all(isinstance(c, str) for c in mask):
            raise _error(core_types.ErrorCategory.CONFIG, "BAD_MASK", "config key 'mask' must be a list of column names",
                         core_types.ErrorScope.PER_STREAM)
        CONFIG.clear()
        CONFIG["mask"] = mask
        CONFIG["require"] = list(config.get("require") or [])
        CONFIG["salt"] = str(config.get("salt", ""))
        rb.log(LEVEL["info"], "transform-mask: masking " + (", ".join(mask) or "nothing"))
        return (1, core_types.OpenInfo(
            connector_id="rapidbyte/transform-mask",
            role=core_types.ConnectorRole.TRANSFORM,
            protocol_version="4",
            capabilities=[],
            default_limits=core_types.StreamLimits(
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
        if not CONFIG.get("mask"):
            return core_types.ValidationReport(status=core_types.ValidationStatus.WARNING, message="no columns to mask", warnings=[])
        return core_types.ValidationReport(status=core_types.ValidationStatus.SUCCESS, message="masking %d column(s)" % len(CONFIG["mask"]), warnings=[])

    def run(self, session, request):
        if request.phase == core_types.RunPhase.TRANSFORM:
            return stream_types.RunSummary(
                role=core_types.ConnectorRole.TRANSFORM,
                read=None,
                write=None,
                transform=self._transform_stream(request),
                discover=None,
            )
        raise Err(core_types.ConnectorError(
            category=core_types.ErrorCategory.CONFIG,
            scope=core_types.ErrorScope.PER_STREAM,
            code="UNSUPPORTED_PHASE",
            message="transform does not serve phase " + request.phase.name.lower(),
            retryable=False,
            retry_after_ms=None,
            backoff_class=core_types.BackoffClass.NORMAL,
            safe_to_retry=False,
            commit_state=None,
            details=None,
        ))

    def _transform_stream(self, request):
        ctx = request.stream
        stream = ctx.stream_name
        records_in = records_out = bytes_in = batches = masked = rejected = 0
        while True:
            handle = rb.batch_next()
            if handle is None:
                break
            doc, size = _read_frame(handle)
            batches += 1
            bytes_in += size
            records_in += len(doc["rows"])
            names = [c["name"] for c in doc["schema"]]
            hide = [i for i, name in enumerate(names) if name in CONFIG["mask"]]
            need = [i for i, name in enumerate(names) if name in CONFIG["require"]]
            rows = []
            for row in doc["rows"]:
                missing = [names[i] for i in need if row[i] is None]
                if missing:
                    rb.telemetry_dlq(telemetry.DlqRecord(
                        stream=stream,
                        record_json=json.dumps(dict(zip(names, row))),
                        error_message="null in required column(s): " + ", ".join(missing),
                        error_category=core_types.ErrorCategory.DATA,
                    ))
                    rejected += 1
                    continue
                for i in hide:
                    if row[i] is not None:
                        row[i] = _mask(row[i])
                        masked += 1
                rows.append(row)
            if rows:
                _emit(stream, doc["schema"], rows)
                records_out += len(rows)
            rb.telemetry_checkpoint(_checkpoint(batches, stream, records_in, bytes_in))
            rb.log(LEVEL["debug"], "transform-mask: batch %d, %d rows" % (batches, len(rows)))
        total = _seen(records_in)
        rb.telemetry_metric(_metric("values_masked", masked, stream))
        rb.telemetry_metric(_metric("rows_rejected", rejected, stream))
        rb.log(LEVEL["info"], "transform-mask: %d rows in, %d out, %d seen so far" % (records_in, records_out, total))
        return stream_types.TransformSummary(records_in=records_in, records_out=records_out, bytes_in=bytes_in,
                                             bytes_out=bytes_in, batches_processed=batches)

    def close(self, session):
        CONFIG.clear()

"""rapidbyte/dest-postgres: PostgreSQL destination connector (protocol v3, componentize-py).

Style of this connector (it is a fixture of the Python codemod): from-imports
of individual host functions and types, several with aliases
(`next_batch as pull_batch`, `checkpoint as save_checkpoint`), `ctx.get(...)`
access to the stream context, checkpoint payloads through a local variable
(bare, no envelope), metric payloads as dict literals inside `json.dumps`, and
a vendored copy of the v3 WIT package in `wit/` that the build uses.

Build (from this directory): componentize-py -d wit -w rapidbyte-destination componentize app -o dest-postgres.wasm
"""

import json
import time

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports.host_io import (
    TcpReadResult_Data,
    TcpReadResult_Eof,
    TcpWriteResult_Written,
    batch_next as pull_batch,
    frame_drop,
    frame_len,
    frame_read,
    log,
    tcp_close,
    tcp_connect,
    tcp_read,
    tcp_write,
    telemetry_checkpoint as save_checkpoint,
    telemetry_metric,
)
from wit_world.imports.core_types import (
    BackoffClass,
    CommitState,
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
from wit_world.imports.stream_types import (
    RunSummary,
    WriteMode,
    WriteSummary,
)
from wit_world.imports.telemetry import (
    CheckpointEvent,
    CheckpointKind,
    MetricEvent,
)

import pgwire

BATCH_FORMAT = "rapidbyte-json-rows/1"
FRAME_CHUNK = 1 << 20

# logical batch type -> PostgreSQL column type (docs/batch-format.md)
PG_TYPES = {
    "int64": "bigint", "float64": "double precision", "numeric": "numeric", "bool": "boolean",
    "string": "text", "timestamp": "timestamp", "timestamptz": "timestamptz", "date": "date",
    "json": "jsonb", "bytes": "bytea",
}

# state kept across calls (componentize-py makes a new DestConnector per call)
settings = {}
connection = [None]


def fail(category, code, message, scope=ErrorScope.PER_STREAM, commit_state=None, retryable=False,
         details=None):
    return Err(ConnectorError(category, scope, code, message, retryable, None, BackoffClass.NORMAL,
                              retryable, commit_state, None if details is None else json.dumps(details)))


def from_pg(exc, commit_state=None):
    return fail(ErrorCategory[exc.category.upper()], "PG_" + (exc.sqlstate or "ERROR"), exc.message,
                commit_state=commit_state, retryable=pgwire.is_retryable_category(exc.category),
                details={"sqlstate": exc.sqlstate})


class Socket:
    """pgwire transport over the host's non-blocking TCP functions."""

    def __init__(self, address, port):
        self.handle = tcp_connect(address, port)

    def send(self, data):
        while data:
            res = tcp_write(self.handle, data)
            if isinstance(res, TcpWriteResult_Written):
                data = data[res.value:]

    def recv(self, n):
        while True:
            res = tcp_read(self.handle, n)
            if isinstance(res, TcpReadResult_Data) and res.value:
                return bytes(res.value)
            if isinstance(res, TcpReadResult_Eof):
                return b""

    def close(self):
        if self.handle is not None:
            tcp_close(self.handle)
            self.handle = None


def db():
    conn = connection[0]
    if conn is None or conn.closed:
        try:
            conn = pgwire.connect(Socket(settings["host"], settings["port"]), settings["user"],
                                  settings["database"], settings.get("password"))
        except pgwire.PgError as exc:
            raise from_pg(exc)
        connection[0] = conn
    return conn


def target_name(stream):
    if "." in stream:
        schema, table = stream.split(".", 1)
    else:
        schema, table = settings["schema"], stream
    return pgwire.quote_ident(schema) + "." + pgwire.quote_ident(table)


def read_frame(handle):
    size = frame_len(handle)
    parts = []
    offset = 0
    while offset < size:
        chunk = frame_read(handle, offset, min(FRAME_CHUNK, size - offset))
        if not chunk:
            break
        parts.append(bytes(chunk))
        offset += len(chunk)
    return b"".join(parts)


def decode_batch(data):
    try:
        doc = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise fail(ErrorCategory.FRAME, "BAD_FRAME", "batch is not UTF-8 JSON: %s" % exc,
                   scope=ErrorScope.PER_BATCH)
    if not isinstance(doc, dict) or doc.get("format") != BATCH_FORMAT:
        raise fail(ErrorCategory.FRAME, "BAD_FRAME", "unsupported batch format %r" % (
            doc.get("format") if isinstance(doc, dict) else None), scope=ErrorScope.PER_BATCH)
    columns, rows = doc.get("schema"), doc.get("rows")
    if (not isinstance(columns, list) or not isinstance(rows, list)
            or not all(isinstance(c, dict) and "name" in c and "type" in c for c in columns)
            or not all(isinstance(r, list) and len(r) == len(columns) for r in rows)):
        raise fail(ErrorCategory.FRAME, "BAD_FRAME", "batch schema and rows do not match",
                   scope=ErrorScope.PER_BATCH)
    return columns, rows


def text_value(kind, value):
    """A batch value as PostgreSQL input text (None stays None)."""
    if value is None:
        return None
    if kind == "bool":
        return "t" if value else "f"
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "bytes":
        return "\\x" + value
    if kind == "float64" and isinstance(value, float):
        return repr(value)
    return str(value)


def column_defs(columns, primary_key):
    defs = ["%s %s%s" % (pgwire.quote_ident(c["name"]), PG_TYPES.get(c["type"], "text"),
                         "" if c.get("nullable", True) or c["name"] in primary_key else " NOT NULL")
            for c in columns]
    if primary_key:
        defs.append("PRIMARY KEY (%s)" % ", ".join(pgwire.quote_ident(k) for k in primary_key))
    return ", ".join(defs)


def copy_lines(columns, rows, extra=None):
    kinds = [c["type"] for c in columns]
    for index, row in enumerate(rows):
        values = [text_value(k, v) for k, v in zip(kinds, row)]
        if extra is not None:
            values.append(str(index))
        yield pgwire.copy_text_row(values)


def insert_statements(table, columns, rows, per_statement):
    names = ", ".join(pgwire.quote_ident(c["name"]) for c in columns)
    kinds = [c["type"] for c in columns]
    for start in range(0, len(rows), per_statement):
        values = []
        for row in rows[start:start + per_statement]:
            values.append("(" + ", ".join(pgwire.quote_literal(text_value(k, v))
                                          for k, v in zip(kinds, row)) + ")")
        yield "INSERT INTO %s (%s) VALUES %s" % (table, names, ", ".join(values))


def load(conn, table, columns, rows):
    names = ", ".join(pgwire.quote_ident(c["name"]) for c in columns)
    if settings["load_method"] == "insert":
        for sql in insert_statements(table, columns, rows, settings["insert_batch_rows"]):
            conn.execute(sql)
    else:
        conn.copy_in("COPY %s (%s) FROM STDIN" % (table, names), copy_lines(columns, rows))


def upsert(conn, table, columns, rows, primary_key):
    names = [pgwire.quote_ident(c["name"]) for c in columns]
    keys = ", ".join(pgwire.quote_ident(k) for k in primary_key)
    conn.execute("CREATE TEMP TABLE rb_stage (%s, rb_ord bigint) ON COMMIT DROP" % column_defs(columns, []))
    conn.copy_in("COPY rb_stage (%s, rb_ord) FROM STDIN" % ", ".join(names), copy_lines(columns, rows, extra=True))
    updates = ["%s = EXCLUDED.%s" % (n, n) for c, n in zip(columns, names) if c["name"] not in primary_key]
    action = "DO UPDATE SET " + ", ".join(updates) if updates else "DO NOTHING"
    # the last row of the batch wins for a repeated key
    conn.execute("INSERT INTO %s (%s) SELECT DISTINCT ON (%s) %s FROM rb_stage ORDER BY %s, rb_ord DESC "
                 "ON CONFLICT (%s) %s" % (table, ", ".join(names), keys, ", ".join(names), keys, keys, action))


class Destination(exports.Destination):

    def open(self, config_json):
        cfg = json.loads(config_json)
        missing = [k for k in ("user", "database") if not cfg.get(k)]
        if missing:
            raise fail(ErrorCategory.CONFIG, "MISSING_CONFIG", "missing config key(s): " + ", ".join(missing))
        method = cfg.get("load_method", "copy")
        if method not in ("copy", "insert"):
            raise fail(ErrorCategory.CONFIG, "BAD_CONFIG", "load_method must be 'copy' or 'insert'")
        settings.clear()
        settings.update(host=cfg.get("host", "127.0.0.1"), port=int(cfg.get("port", 5432)), user=cfg["user"],
                        password=cfg.get("password"), database=cfg["database"], schema=cfg.get("schema", "public"),
                        load_method=method, insert_batch_rows=int(cfg.get("insert_batch_rows", 500)))
        log(LogLevel.INFO, "dest-postgres: %s load into %s" % (method, settings["database"]))
        return (1, OpenInfo(
            connector_id="rapidbyte/dest-postgres",
            role=ConnectorRole.DESTINATION,
            protocol_version="4",
            capabilities=["bulk-load-copy"],
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
        try:
            rows = db().query("SELECT has_database_privilege(current_database(), 'CREATE')").rows
        except pgwire.PgError as exc:
            return ValidationReport(ValidationStatus.FAILED, exc.message, warnings=[])
        except Err as err:
            return ValidationReport(ValidationStatus.FAILED, err.value.message, warnings=[])
        if rows[0][0] != "t":
            return ValidationReport(ValidationStatus.WARNING, "user cannot create tables in this database", warnings=[])
        return ValidationReport(ValidationStatus.SUCCESS, "destination reachable, load method " + settings["load_method"], warnings=[])

    def run(self, session, request):
        if request.phase == RunPhase.WRITE:
            return RunSummary(
                role=ConnectorRole.DESTINATION,
                read=None,
                write=self._write_stream(request),
                transform=None,
                discover=None,
            )
        raise Err(ConnectorError(
            category=ErrorCategory.CONFIG,
            scope=ErrorScope.PER_STREAM,
            code="UNSUPPORTED_PHASE",
            message="destination does not serve phase " + request.phase.name.lower(),
            retryable=False,
            retry_after_ms=None,
            backoff_class=BackoffClass.NORMAL,
            safe_to_retry=False,
            commit_state=None,
            details=None,
        ))

    def _write_stream(self, request):
        ctx = request.stream
        started = time.monotonic()
        stream = ctx.stream_name
        mode = ctx.write_mode or WriteMode.APPEND
        primary_key = (ctx.primary_key or []) if mode == WriteMode.UPSERT else []
        if mode == WriteMode.UPSERT and not primary_key:
            raise fail(ErrorCategory.CONFIG, "NO_PRIMARY_KEY", "upsert into %s needs a primary key" % stream)
        table = target_name(stream)
        conn = db()
        written = nbytes = batches = checkpoints = 0
        while True:
            handle = pull_batch()
            if handle is None:
                break
            data = read_frame(handle)
            frame_drop(handle)
            columns, rows = decode_batch(data)
            if not rows:
                continue
            try:
                conn.execute("BEGIN")
                if batches == 0 and mode == WriteMode.REPLACE:
                    conn.execute("DROP TABLE IF EXISTS %s" % table)
                if batches == 0:
                    conn.execute("CREATE TABLE IF NOT EXISTS %s (%s)" % (table, column_defs(columns, primary_key)))
                if mode == WriteMode.UPSERT:
                    upsert(conn, table, columns, rows, primary_key)
                else:
                    load(conn, table, columns, rows)
            except pgwire.PgError as exc:
                rollback(conn)
                raise from_pg(exc, CommitState.BEFORE_COMMIT)
            except (ValueError, TypeError) as exc:  # a value PostgreSQL text cannot carry (NUL byte)
                rollback(conn)
                raise fail(ErrorCategory.DATA, "BAD_VALUE", "cannot encode batch for %s: %s" % (table, exc),
                           scope=ErrorScope.PER_BATCH, commit_state=CommitState.BEFORE_COMMIT)
            try:
                conn.execute("COMMIT")
            except pgwire.ConnectionLost as exc:
                raise from_pg(exc, CommitState.AFTER_COMMIT_UNKNOWN)
            except pgwire.PgError as exc:
                raise from_pg(exc, CommitState.BEFORE_COMMIT)
            batches += 1
            written += len(rows)
            nbytes += len(data)
            checkpoints += 1
            payload = CheckpointEvent(
                id=checkpoints,
                kind=CheckpointKind.DESTINATION,
                stream=stream,
                cursor=None,
                records=written,
                bytes=nbytes,
            )
            save_checkpoint(payload)
        if batches == 0 and mode == WriteMode.REPLACE:
            # replace with an empty stream empties the table
            try:
                res = conn.query("SELECT to_regclass(%s)" % pgwire.quote_literal(table))
                if res.rows and res.rows[0][0] is not None:
                    conn.execute("TRUNCATE %s" % table)
            except pgwire.PgError as exc:
                raise from_pg(exc)
        telemetry_metric(MetricEvent(
            name="records_written",
            value=float(written),
            labels=[("stream", stream), ("write_mode", mode.name.lower())],
        ))
        telemetry_metric(MetricEvent(
            name="bytes_written",
            value=float(nbytes),
            labels=[("stream", stream), ("write_mode", mode.name.lower())],
        ))
        telemetry_metric(MetricEvent(
            name="write_secs",
            value=float(time.monotonic() - started),
            labels=[("stream", stream), ("write_mode", mode.name.lower())],
        ))
        log(LogLevel.INFO, "wrote %d rows to %s (%s, %d batches)" % (written, table, mode.name.lower(), batches))
        return WriteSummary(records_written=written, bytes_written=nbytes, batches_written=batches,
                            checkpoint_count=checkpoints, records_failed=0)

    def close(self, session):
        conn = connection[0]
        connection[0] = None
        if conn is not None:
            conn.close()


def rollback(conn):
    if not conn.closed:
        try:
            conn.execute("ROLLBACK")
        except pgwire.PgError:
            pass

"""rapidbyte/source-postgres: PostgreSQL source connector (protocol v3, componentize-py).

Style of this connector (it is a fixture of the Python codemod): module imports
of the generated bindings (`from wit_world.imports import host, types`), helpers
that take the decoded stream-context dict, checkpoint/metric payloads built
through local variables, with the v3 envelope for periodic checkpoints and
metrics, a bare payload for the final checkpoint, and `state_put` with a
keyword argument.

Build: componentize-py -d ../../../../wit/v3 -w rapidbyte-source componentize app -o source-postgres.wasm
"""

import json
import time

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import core_types, host_io, stream_types, telemetry

import pgwire
import pgtypes

CONNECTOR_ID = "rapidbyte/source-postgres"

# componentize-py creates a new SourceConnector for every call: state lives here.
_config = {}
_session = {"conn": None}

DEFAULT_BATCH_ROWS = 1000
DEFAULT_CHECKPOINT_ROWS = 5000
SOCKET_CHUNK = 65536


# --- errors -----------------------------------------------------------------

def _error(category, code, message, scope=core_types.ErrorScope.PER_STREAM, retryable=False,
           details=None):
    return Err(core_types.ConnectorError(
        category=category,
        scope=scope,
        code=code,
        message=message,
        retryable=retryable,
        retry_after_ms=None,
        backoff_class=core_types.BackoffClass.NORMAL,
        safe_to_retry=retryable,
        commit_state=None,
        details=json.dumps(details) if details is not None else None,
    ))


def _pg_error(exc):
    category = core_types.ErrorCategory[exc.category.upper()]
    return _error(category, "PG_" + (exc.sqlstate or "ERROR"), exc.message,
                  retryable=pgwire.is_retryable_category(exc.category),
                  details={"sqlstate": exc.sqlstate, "severity": exc.fields.get("S")})


# --- transport over the host's TCP functions --------------------------------

class HostSocket:
    """pgwire transport backed by host.connect_tcp / host.socket_* (non-blocking)."""

    def __init__(self, hostname, port):
        self.handle = host_io.tcp_connect(hostname, port)
        self.open = True

    def send(self, data):
        view = memoryview(data)
        idle = 0
        while len(view):
            res = host_io.tcp_write(self.handle, bytes(view[:SOCKET_CHUNK]))
            if isinstance(res, host_io.TcpWriteResult_Written) and res.value > 0:
                view = view[res.value:]
                idle = 0
            else:
                idle = _pause(idle)

    def recv(self, n):
        idle = 0
        while True:
            res = host_io.tcp_read(self.handle, n)
            if isinstance(res, host_io.TcpReadResult_Data):
                if res.value:
                    return bytes(res.value)
            elif isinstance(res, host_io.TcpReadResult_Eof):
                return b""
            idle = _pause(idle)

    def close(self):
        if self.open:
            self.open = False
            host_io.tcp_close(self.handle)


def _pause(idle):
    # would-block: spin briefly, then yield the CPU in small sleeps.
    if idle > 50:
        time.sleep(0.0005)
    return idle + 1


# --- config and connection --------------------------------------------------

def _connection():
    conn = _session["conn"]
    if conn is not None and not conn.closed:
        return conn
    cfg = _config
    try:
        conn = pgwire.connect(HostSocket(cfg["host"], cfg["port"]), cfg["user"], cfg["database"],
                              cfg.get("password"))
    except pgwire.PgError as exc:
        raise _pg_error(exc)
    _session["conn"] = conn
    return conn


def _run(sql):
    host_io.log(core_types.LogLevel.DEBUG, "sql: " + sql)
    try:
        return _connection().execute(sql)
    except pgwire.PgError as exc:
        raise _pg_error(exc)


def _split_name(stream_name):
    if "." in stream_name:
        schema, table = stream_name.split(".", 1)
        return schema, table
    return _config["schema"], stream_name


# --- stream-context helpers (take the decoded ctx dict) ---------------------

def _limits(ctx):
    return ctx.limits


def _checkpoint_interval(ctx):
    rows = _limits(ctx).checkpoint_interval_rows or 0
    return rows if rows > 0 else _config["checkpoint_every_rows"]


def _batch_rows(ctx):
    return max(1, min(_config["batch_size"], _checkpoint_interval(ctx)))


def _max_batch_bytes(ctx):
    return _limits(ctx).max_batch_bytes or 64 * 1024 * 1024


def _max_records(ctx):
    return ctx.max_records


def _on_data_error(ctx):
    return ctx.on_data_error


def _is_incremental(ctx):
    return ctx.sync_mode == stream_types.SyncMode.INCREMENTAL and ctx.cursor_info is not None


def _cursor_field(ctx):
    info = ctx.cursor_info
    return info.cursor_field if info else None


def _table_columns(schema, table):
    res = _run(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position"
        % (pgwire.quote_literal(schema), pgwire.quote_literal(table)))[-1]
    return [(r[0], r[1], r[2] == "YES") for r in res.rows]


def _select_sql(ctx, schema, table, columns):
    """SELECT for the stream, and the names of the columns it returns."""
    cursor = _cursor_field(ctx)
    names = list(columns)
    hidden = cursor is not None and cursor not in names
    select = [pgwire.quote_ident(c) for c in names]
    if hidden:
        select.append(pgwire.quote_ident(cursor))
    sql = "SELECT %s FROM %s.%s" % (", ".join(select), pgwire.quote_ident(schema),
                                     pgwire.quote_ident(table))
    if _is_incremental(ctx):
        last = json.loads(ctx.cursor_info.last_value) if ctx.cursor_info.last_value is not None else None
        if last is not None:
            literal = last if isinstance(last, str) else json.dumps(last)
            sql += " WHERE %s > %s" % (pgwire.quote_ident(cursor), pgwire.quote_literal(literal))
    if cursor is not None:
        sql += " ORDER BY %s" % pgwire.quote_ident(cursor)
    return sql, hidden


def _emit_frame(ctx, schema, rows):
    """Encode rows as one or more batches under max_batch_bytes; returns (frames, bytes)."""
    data = pgtypes.encode_batch(ctx.stream_name, schema, rows)
    if len(data) > _max_batch_bytes(ctx) and len(rows) > 1:
        half = len(rows) // 2
        a = _emit_frame(ctx, schema, rows[:half])
        b = _emit_frame(ctx, schema, rows[half:])
        return a[0] + b[0], a[1] + b[1]
    handle = host_io.frame_new(len(data))
    for start in range(0, len(data), 1 << 20):
        host_io.frame_write(handle, data[start:start + (1 << 20)])
    host_io.frame_seal(handle)
    host_io.batch_emit(handle)
    return 1, len(data)


def _batch_schema(columns, nullable, strict):
    schema = [{"name": c["name"], "type": pgtypes.logical_from_oid(c["type_oid"]),
               "nullable": nullable.get(c["name"], True)} for c in columns]
    return schema, [pgtypes.decoder(c["type"], strict) for c in schema]


class Source(exports.Source):

    def open(self, config_json):
        try:
            cfg = json.loads(config_json)
        except ValueError as exc:
            raise _error(core_types.ErrorCategory.CONFIG, "BAD_CONFIG", "config is not JSON: %s" % exc)
        for key in ("user", "database"):
            if not cfg.get(key):
                raise _error(core_types.ErrorCategory.CONFIG, "MISSING_CONFIG", "config key '%s' is required" % key)
        if cfg.get("numeric_mode", "lenient") not in ("lenient", "strict"):
            raise _error(core_types.ErrorCategory.CONFIG, "BAD_CONFIG", "numeric_mode must be 'lenient' or 'strict'")
        _config.clear()
        _config.update({
            "host": cfg.get("host", "127.0.0.1"),
            "port": int(cfg.get("port", 5432)),
            "user": cfg["user"],
            "password": cfg.get("password"),
            "database": cfg["database"],
            "schema": cfg.get("schema", "public"),
            "batch_size": int(cfg.get("batch_size", DEFAULT_BATCH_ROWS)),
            "checkpoint_every_rows": int(cfg.get("checkpoint_every_rows", DEFAULT_CHECKPOINT_ROWS)),
            "numeric_mode": cfg.get("numeric_mode", "lenient"),
        })
        host_io.log(core_types.LogLevel.INFO, "source-postgres configured for %s@%s:%d/%s" % (
            _config["user"], _config["host"], _config["port"], _config["database"]))
        return (1, core_types.OpenInfo(
            connector_id="rapidbyte/source-postgres",
            role=core_types.ConnectorRole.SOURCE,
            protocol_version="4",
            capabilities=["stateful"],
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

    def run(self, session, request):
        if request.phase == core_types.RunPhase.DISCOVER:
            return stream_types.RunSummary(
                role=core_types.ConnectorRole.SOURCE,
                read=None,
                write=None,
                transform=None,
                discover=stream_types.DiscoverSummary(catalog_json=self._discover_catalog()),
            )
        if request.phase == core_types.RunPhase.READ:
            return stream_types.RunSummary(
                role=core_types.ConnectorRole.SOURCE,
                read=self._read_stream(request),
                write=None,
                transform=None,
                discover=None,
            )
        raise Err(core_types.ConnectorError(
            category=core_types.ErrorCategory.CONFIG,
            scope=core_types.ErrorScope.PER_STREAM,
            code="UNSUPPORTED_PHASE",
            message="source does not serve phase " + request.phase.name.lower(),
            retryable=False,
            retry_after_ms=None,
            backoff_class=core_types.BackoffClass.NORMAL,
            safe_to_retry=False,
            commit_state=None,
            details=None,
        ))

    def _discover_catalog(self):
        schema = _config["schema"]
        res = _run(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name, c.ordinal_position" % pgwire.quote_literal(schema))[-1]
        keys = _run(
            "SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
            "AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name "
            "WHERE tc.table_schema = %s AND tc.constraint_type = 'PRIMARY KEY' "
            "ORDER BY tc.table_name, k.ordinal_position" % pgwire.quote_literal(schema))[-1]
        streams = {}
        for table, column, data_type, nullable in res.rows:
            stream = streams.setdefault(table, {
                "name": table, "namespace": schema, "schema": [], "primary_key": [],
                "supported_sync_modes": ["full_refresh", "incremental"],
            })
            stream["schema"].append({"name": column, "data_type": pgtypes.logical_from_information_schema(data_type),
                                     "nullable": nullable == "YES", "pg_type": data_type})
        for table, column in keys.rows:
            if table in streams:
                streams[table]["primary_key"].append(column)
        host_io.log(core_types.LogLevel.INFO, "discovered %d tables in schema %s" % (len(streams), schema))
        return json.dumps({"streams": [streams[name] for name in sorted(streams)]})

    def validate(self, session):
        try:
            res = _run("SELECT current_user, current_setting('server_version')")[-1]
        except Err as err:
            return core_types.ValidationReport(status=core_types.ValidationStatus.FAILED, message=err.value.message, warnings=[])
        user, version = res.rows[0]
        return core_types.ValidationReport(status=core_types.ValidationStatus.SUCCESS,
                                           message="connected as %s to PostgreSQL %s" % (user, version), warnings=[])

    def _read_stream(self, request):
        ctx = request.stream
        started = time.monotonic()
        stream = ctx.stream_name
        schema_name, table = _split_name(stream)
        known = _table_columns(schema_name, table)
        if not known:
            raise _error(core_types.ErrorCategory.SCHEMA, "TABLE_NOT_FOUND",
                         "table %s.%s does not exist" % (schema_name, table))
        known_names = [c[0] for c in known]
        selected = ctx.selected_columns or known_names
        missing = [c for c in selected if c not in known_names]
        cursor = _cursor_field(ctx)
        if cursor is not None and cursor not in known_names:
            missing.append(cursor)
        if missing:
            raise _error(core_types.ErrorCategory.SCHEMA, "UNKNOWN_COLUMN",
                         "unknown column(s) in %s: %s" % (stream, ", ".join(missing)))
        if ctx.sync_mode == stream_types.SyncMode.CDC:
            raise _error(core_types.ErrorCategory.CONFIG, "UNSUPPORTED_SYNC_MODE",
                         "source-postgres does not support cdc (stream %s)" % stream)
        if ctx.sync_mode == stream_types.SyncMode.INCREMENTAL and cursor is None:
            raise _error(core_types.ErrorCategory.CONFIG, "NO_CURSOR_FIELD",
                         "incremental sync of %s needs a cursor field" % stream)
        sql, hidden_cursor = _select_sql(ctx, schema_name, table, selected)
        policy = _on_data_error(ctx)
        interval = _checkpoint_interval(ctx)
        batch_rows = _batch_rows(ctx)
        max_records = _max_records(request)
        strict = _config["numeric_mode"] == "strict"
        host_io.log(core_types.LogLevel.INFO, "reading %s (%s, policy %s)" % (stream, ctx.sync_mode.name.lower(), policy.name.lower()))

        records = skipped = handled = nbytes = batches = checkpoints = 0
        since_checkpoint = 0
        cursor_value = (
            json.loads(ctx.cursor_info.last_value) if ctx.cursor_info.last_value is not None else None
        ) if _is_incremental(ctx) else None
        nullable = {c[0]: c[2] for c in known}
        schema = None
        decoders = None
        cursor_index = None
        cursor_decoder = None
        pending = []

        def checkpoint(final):
            nonlocal checkpoints, since_checkpoint
            checkpoints += 1
            since_checkpoint = 0
            if final:
                # bare payload (hosts accept it without the envelope)
                host_io.telemetry_checkpoint(telemetry.CheckpointEvent(
                    id=checkpoints,
                    kind=telemetry.CheckpointKind.SOURCE,
                    stream=stream,
                    cursor=json.dumps({"field": cursor, "value": cursor_value}) if cursor is not None else None,
                    records=handled,
                    bytes=nbytes,
                ))
            else:
                payload = telemetry.CheckpointEvent(
                    id=checkpoints,
                    kind=telemetry.CheckpointKind.SOURCE,
                    stream=stream,
                    cursor=json.dumps({"field": cursor, "value": cursor_value}) if cursor is not None else None,
                    records=handled,
                    bytes=nbytes,
                )
                host_io.telemetry_checkpoint(payload)
            if cursor is not None:
                host_io.state_put(core_types.StateScope.PER_STREAM, stream + ".cursor", value=json.dumps(cursor_value))

        def flush():
            nonlocal pending, batches, nbytes
            if pending:
                frames, size = _emit_frame(ctx, schema, pending)
                batches += frames
                nbytes += size
                pending = []

        conn = _connection()
        done = False
        try:
            _run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            _run("DECLARE rb_read NO SCROLL CURSOR FOR " + sql)
            while not done:
                want = batch_rows - len(pending)
                want = min(want, interval - since_checkpoint)
                if max_records is not None:
                    want = min(want, max_records - handled)
                if want <= 0:
                    break
                got = 0
                failure = None
                for item in conn.stream("FETCH FORWARD %d FROM rb_read" % want):
                    if isinstance(item, tuple):
                        if schema is None:
                            schema, decoders = _batch_schema(item[1][:len(selected)], nullable, strict)
                            if cursor is not None:
                                cursor_index = len(selected) if hidden_cursor else selected.index(cursor)
                                cursor_decoder = pgtypes.decoder(
                                    pgtypes.logical_from_oid(item[1][cursor_index]["type_oid"]), strict)
                        continue
                    if not isinstance(item, list):
                        continue
                    got += 1
                    handled += 1
                    since_checkpoint += 1
                    if cursor_index is not None and item[cursor_index] is not None:
                        try:
                            cursor_value = cursor_decoder(item[cursor_index])
                        except pgtypes.DecodeError:
                            pass
                    try:
                        pending.append(pgtypes.decode_row(decoders, item))
                        records += 1
                        continue
                    except pgtypes.DecodeError as exc:
                        problem = exc
                    skipped += 1
                    message = "column %s: %s" % (schema[problem.index]["name"], problem.reason)
                    if policy == stream_types.DataErrorPolicy.DLQ:
                        host_io.telemetry_dlq(telemetry.DlqRecord(
                            stream=stream,
                            record_json=json.dumps(pgtypes.raw_record(schema, item)),
                            error_message=message,
                            error_category=core_types.ErrorCategory.DATA,
                        ))
                    elif policy == stream_types.DataErrorPolicy.SKIP:
                        host_io.log(core_types.LogLevel.WARN, "skipping undecodable row in %s: %s" % (stream, message))
                    elif failure is None:
                        # raised once the server is ready for queries again
                        failure = (message, pgtypes.raw_record(schema, item))
                if failure is not None:
                    raise _error(core_types.ErrorCategory.DATA, "DECODE_ERROR",
                                 "undecodable row in %s: %s" % (stream, failure[0]),
                                 scope=core_types.ErrorScope.PER_RECORD, details={"record": failure[1]})
                done = got < want
                if len(pending) >= batch_rows or done or since_checkpoint >= interval:
                    flush()
                if since_checkpoint >= interval and not done:
                    checkpoint(False)
            flush()
            _run("CLOSE rb_read; COMMIT")
        except pgwire.PgError as exc:
            _abort(conn)
            raise _pg_error(exc)
        except Err:
            _abort(conn)
            raise
        if since_checkpoint > 0 or checkpoints == 0:
            checkpoint(True)

        elapsed = time.monotonic() - started
        labels = [("stream", stream)]
        for name, kind, value in (("records_read", "counter", records), ("bytes_read", "counter", nbytes),
                                  ("batches_emitted", "counter", batches),
                                  ("records_skipped", "counter", skipped), ("read_secs", "gauge", elapsed)):
            metric = telemetry.MetricEvent(name=name, value=float(value), labels=labels)
            host_io.telemetry_metric(metric)
        host_io.log(core_types.LogLevel.INFO, "read %d rows from %s in %d batches (%d skipped)" % (records, stream, batches, skipped))
        return stream_types.ReadSummary(records_read=records, bytes_read=nbytes, batches_emitted=batches,
                                        checkpoint_count=checkpoints, records_skipped=skipped)

    def close(self, session):
        conn = _session["conn"]
        _session["conn"] = None
        if conn is not None:
            conn.close()


def _abort(conn):
    # The failure may have interrupted a FETCH mid-stream: the session is out of step with the
    # server, so drop it (the server rolls the read transaction back) instead of sending ROLLBACK.
    _session["conn"] = None
    conn.close()

"""Probe guest for the v4 reference host: exports source, destination and transform.

Built with `-w rapidbyte-source -w rapidbyte-destination -w rapidbyte-transform`. It calls every
host-io function and reports what it saw as JSON log lines ("probe:", "request:", "dest-rows:").
Config `mode` selects misbehaviour for sandbox tests: loop, hog, raise, fail.
"""

import json
import os
import socket
import time

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import core_types as ct
from wit_world.imports import host_io as h
from wit_world.imports import stream_types as st
from wit_world.imports import telemetry as tm

CONFIG = {}
HOG = []


def log(level, tag, value):
    h.log(level, tag + ":" + json.dumps(value, sort_keys=True))


def err_fields(e):
    v = e.value
    return {"category": v.category.name.lower().replace("_", "-"), "code": v.code}


def attempt(fn):
    try:
        return {"ok": fn()}
    except Err as e:
        return {"err": err_fields(e)}


def limits(n):
    return ct.StreamLimits(n, 2 * n, 3, 1, 4 * n, 0, 0)


def open_info(role):
    return ct.OpenInfo("probe-v4", role, "4", ["stateful"], limits(1000))


def misbehave(where):
    mode = CONFIG.get("mode", "probe")
    if CONFIG.get("where", "run") != where:
        return
    if mode == "loop":
        n = 0
        while True:
            n += 1
    if mode == "hog":
        while True:
            HOG.append(bytearray(8 << 20))
    if mode == "raise":
        raise ValueError("probe guest raised on purpose")
    if mode == "fail":
        raise Err(ct.ConnectorError(ct.ErrorCategory.TRANSIENT_DB, ct.ErrorScope.PER_BATCH, "PROBE_FAIL",
                                    "probe failed on purpose", True, 250, ct.BackoffClass.SLOW, True,
                                    ct.CommitState.BEFORE_COMMIT, json.dumps({"where": where})))
    if mode == "dial":
        h.tcp_connect(CONFIG["forbidden_host"], CONFIG["forbidden_port"])
    if mode == "ambient":  # WASI sockets, files and environment must all be out of reach
        out = {"env": dict(os.environ)}
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.connect((CONFIG["pg_host"], CONFIG["pg_port"]))
            out["socket"] = "connected"
        except Exception as e:
            out["socket"] = type(e).__name__
        for path in ("/etc/hostname", "/", "."):
            try:
                out[path] = sorted(os.listdir(path)) if path in ("/", ".") else open(path).read()
            except Exception as e:
                out[path] = type(e).__name__
        log(ct.LogLevel.INFO, "ambient", out)


def echo_request(req):
    s = req.stream
    return {
        "phase": req.phase.name.lower(), "dry_run": req.dry_run, "max_records": req.max_records,
        "stream_name": s.stream_name, "source_stream_name": s.source_stream_name,
        "schema": [[c.name, c.data_type, c.nullable] for c in s.schema],
        "sync_mode": s.sync_mode.name.lower(),
        "cursor_info": None if s.cursor_info is None else [s.cursor_info.cursor_field, s.cursor_info.cursor_type,
                                                           s.cursor_info.last_value],
        "limits": [s.limits.max_batch_bytes, s.limits.max_record_bytes, s.limits.max_inflight_batches,
                   s.limits.max_parallel_requests, s.limits.checkpoint_interval_bytes,
                   s.limits.checkpoint_interval_rows, s.limits.checkpoint_interval_seconds],
        "on_data_error": s.on_data_error.name.lower(),
        "write_mode": None if s.write_mode is None else s.write_mode.name.lower(),
        "primary_key": s.primary_key, "selected_columns": s.selected_columns,
        "partition": None if s.partition is None else [s.partition.index, s.partition.count],
        "extensions_json": s.extensions_json,
    }


def make_frame(payload):
    fh = h.frame_new(len(payload))
    h.frame_write(fh, payload)
    h.frame_seal(fh)
    return fh


def read_frame(fh):
    n = h.frame_len(fh)
    data = h.frame_read(fh, 0, n)
    h.frame_drop(fh)
    return json.loads(data.decode("utf-8"))


def batch(stream, rows):
    doc = {"format": "rapidbyte-json-rows/1", "stream": stream,
           "schema": [{"name": "id", "type": "int64", "nullable": False},
                      {"name": "name", "type": "string", "nullable": True}],
           "rows": rows}
    return json.dumps(doc).encode("utf-8")


def probe_frames(R):
    fh = h.frame_new(64)
    R["frame_write_1"] = h.frame_write(fh, b"hello ")
    R["frame_write_2"] = h.frame_write(fh, b"world")
    R["frame_len"] = h.frame_len(fh)
    R["frame_read_unsealed"] = attempt(lambda: h.frame_read(fh, 0, 5).decode())
    R["frame_emit_unsealed"] = attempt(lambda: h.batch_emit(fh))
    h.frame_seal(fh)
    R["frame_read_all"] = h.frame_read(fh, 0, 100).decode()
    R["frame_read_mid"] = h.frame_read(fh, 6, 3).decode()
    R["frame_read_end"] = h.frame_read(fh, 11, 5).decode()
    R["frame_read_past_end"] = attempt(lambda: h.frame_read(fh, 12, 1).decode())
    R["frame_write_sealed"] = attempt(lambda: h.frame_write(fh, b"!"))
    R["frame_seal_twice"] = attempt(lambda: h.frame_seal(fh))
    h.frame_drop(fh)
    R["frame_len_dropped"] = attempt(lambda: h.frame_len(fh))
    R["frame_len_unknown"] = attempt(lambda: h.frame_len(987654))
    R["frame_write_unknown"] = attempt(lambda: h.frame_write(987654, b"x"))
    R["frame_read_unknown"] = attempt(lambda: h.frame_read(987654, 0, 1).decode())
    h.frame_drop(987654)  # a no-op, must not trap
    R["frame_emit_unknown"] = attempt(lambda: h.batch_emit(987654))


def probe_state(R):
    P, S, C = ct.StateScope.PIPELINE, ct.StateScope.PER_STREAM, ct.StateScope.CONNECTOR_INSTANCE
    R["state_get_initial"] = h.state_get(P, "probe-key")
    R["state_cas_create"] = h.state_cas(P, "probe-key", None, "v1")
    R["state_cas_create_again"] = h.state_cas(P, "probe-key", None, "v2")
    R["state_cas_wrong"] = h.state_cas(P, "probe-key", "nope", "v2")
    R["state_cas_swap"] = h.state_cas(P, "probe-key", "v1", "v2")
    R["state_get_after_cas"] = h.state_get(P, "probe-key")
    h.state_put(S, "cursor", "42")
    R["state_get_stream"] = h.state_get(S, "cursor")
    R["state_get_other_scope"] = h.state_get(C, "cursor")
    h.state_put(value="inst", key="who", scope=C)  # keyword names are part of the v4 contract
    R["state_get_instance"] = h.state_get(C, "who")
    R["state_cas_kw"] = h.state_cas(scope=C, key="who", expected="inst", new_value="inst2")


def wait_read(sock, n, tries=2000):
    seen_would_block = False
    for _ in range(tries):
        r = h.tcp_read(sock, n)
        if isinstance(r, h.TcpReadResult_WouldBlock):
            seen_would_block = True
            time.sleep(0.005)
            continue
        if isinstance(r, h.TcpReadResult_Eof):
            return "eof", seen_would_block
        return r.value.hex(), seen_would_block
    return "timeout", seen_would_block


def probe_tcp(R):
    host, port = CONFIG["pg_host"], CONFIG["pg_port"]
    sock = h.tcp_connect(host, port)
    first = h.tcp_read(sock, 1)
    R["tcp_first_read"] = type(first).__name__
    w = h.tcp_write(sock, bytes.fromhex("0000000804d2162f"))  # SSLRequest
    R["tcp_write"] = [type(w).__name__, getattr(w, "value", None)]
    R["tcp_ssl_answer"], _ = wait_read(sock, 1)
    h.tcp_close(sock)
    R["tcp_read_closed"] = attempt(lambda: type(h.tcp_read(sock, 1)).__name__)
    R["tcp_write_closed"] = attempt(lambda: type(h.tcp_write(sock, b"x")).__name__)
    h.tcp_close(sock)  # closing twice is a no-op
    R["tcp_forbidden"] = attempt(lambda: h.tcp_connect(host, CONFIG["forbidden_port"]))
    R["tcp_forbidden_host"] = attempt(lambda: h.tcp_connect(CONFIG["forbidden_host"], port))
    R["tcp_refused"] = attempt(lambda: h.tcp_connect(host, CONFIG["closed_port"]))
    by_name = attempt(lambda: h.tcp_connect("localhost", port))
    if "ok" in by_name:
        h.tcp_close(by_name["ok"])
        by_name = {"ok": "connected"}
    R["tcp_by_name"] = by_name
    # The server closes the connection after a bad startup packet: we must see eof.
    sock = h.tcp_connect(host, port)
    bad = bytes.fromhex("00000008") + bytes.fromhex("00000001")  # unknown protocol 0.1
    total = 0
    while total < len(bad):
        w = h.tcp_write(sock, bad[total:])
        if isinstance(w, h.TcpWriteResult_Written):
            total += w.value
        else:
            time.sleep(0.005)
    answer = ""
    for _ in range(400):
        got, _ = wait_read(sock, 4096)
        if got in ("eof", "timeout"):
            R["tcp_server_closed"] = got
            break
        answer += got
    R["tcp_error_reply_starts"] = bytes.fromhex(answer[:2]).decode() if answer else ""
    h.tcp_close(sock)


def probe_telemetry(stream):
    h.telemetry_checkpoint(tm.CheckpointEvent(tm.CheckpointKind.SOURCE, stream, 1,
                                              json.dumps({"field": "id", "value": 2}), 2, 120))
    h.telemetry_checkpoint(tm.CheckpointEvent(tm.CheckpointKind.SOURCE, stream, 2, None, 0, 0))
    h.telemetry_metric(tm.MetricEvent("rows_read", 2.0, [("stream", stream), ("probe", "yes")]))
    h.telemetry_metric(tm.MetricEvent("read_secs", 0.25, []))
    h.telemetry_dlq(tm.DlqRecord(stream, json.dumps({"id": 3, "name": None}), "bad row", ct.ErrorCategory.TRANSIENT_DB))


class Source(exports.Source):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))
        h.log(ct.LogLevel.INFO, "source open")
        print("probe stdout line")
        misbehave("open")
        return (41, open_info(ct.ConnectorRole.SOURCE))

    def validate(self, session):
        misbehave("validate")
        return ct.ValidationReport(ct.ValidationStatus.SUCCESS, "probe ok session=%d" % session, [])

    def run(self, session, request):
        log(ct.LogLevel.INFO, "request", echo_request(request))
        if request.phase == ct.RunPhase.DISCOVER:
            catalog = {"streams": [{"name": "items", "columns": ["id", "name"]}]}
            return st.RunSummary(ct.ConnectorRole.SOURCE, None, None, None, st.DiscoverSummary(json.dumps(catalog)))
        if request.phase != ct.RunPhase.READ:
            raise Err(ct.ConnectorError(ct.ErrorCategory.CONFIG, ct.ErrorScope.PER_STREAM, "UNSUPPORTED_PHASE",
                                        "source does not serve phase " + request.phase.name.lower(), False, None,
                                        ct.BackoffClass.NORMAL, False, None, None))
        misbehave("run")
        stream = request.stream.stream_name
        R = {"session": session, "batch_next_in_source": h.batch_next()}
        for level in (ct.LogLevel.ERROR, ct.LogLevel.WARN, ct.LogLevel.INFO, ct.LogLevel.DEBUG, ct.LogLevel.TRACE):
            h.log(level, "level " + level.name.lower())
        probe_frames(R)
        probe_state(R)
        if CONFIG.get("pg_port") and CONFIG.get("mode", "probe") == "probe":
            probe_tcp(R)
        probe_telemetry(stream)
        rows = CONFIG.get("rows", [[1, "a"], [2, None]])
        sent = 0
        for i in range(0, len(rows), 2):
            payload = batch(stream, rows[i:i + 2])
            sent += len(payload)
            h.batch_emit(make_frame(payload))
        log(ct.LogLevel.INFO, "probe", R)
        return st.RunSummary(ct.ConnectorRole.SOURCE, st.ReadSummary(len(rows), sent, (len(rows) + 1) // 2, 2, 0),
                             None, None, None)

    def close(self, session):
        h.log(ct.LogLevel.INFO, "source close")


class Transform(exports.Transform):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))
        return (42, open_info(ct.ConnectorRole.TRANSFORM))

    def validate(self, session):
        return ct.ValidationReport(ct.ValidationStatus.WARNING, "transform warns", ["w1"])

    def run(self, session, request):
        misbehave("run")
        n_in = n_out = batches = 0
        while True:
            fh = h.batch_next()
            if fh is None:
                break
            doc = read_frame(fh)
            batches += 1
            n_in += len(doc["rows"])
            rows = [[r[0] * 10, (r[1] or "").upper()] for r in doc["rows"]]
            n_out += len(rows)
            h.batch_emit(make_frame(batch(doc["stream"], rows)))
        h.telemetry_checkpoint(tm.CheckpointEvent(tm.CheckpointKind.TRANSFORM, request.stream.stream_name, 7,
                                                  None, n_out, 0))
        return st.RunSummary(ct.ConnectorRole.TRANSFORM, None, None,
                             st.TransformSummary(n_in, n_out, 0, 0, batches), None)

    def close(self, session):
        pass


class Destination(exports.Destination):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))
        return (43, open_info(ct.ConnectorRole.DESTINATION))

    def validate(self, session):
        return ct.ValidationReport(ct.ValidationStatus.SUCCESS, "dest ok", [])

    def run(self, session, request):
        misbehave("run")
        got = []
        while True:
            fh = h.batch_next()
            if fh is None:
                break
            got.extend(read_frame(fh)["rows"])
        log(ct.LogLevel.INFO, "dest-rows", got)
        h.state_put(ct.StateScope.PER_STREAM, "dest-count", str(len(got)))
        return st.RunSummary(ct.ConnectorRole.DESTINATION, None, st.WriteSummary(len(got), 0, 1, 0, 0), None, None)

    def close(self, session):
        h.log(ct.LogLevel.DEBUG, "dest close")

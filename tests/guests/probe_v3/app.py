"""Probe guest for the v3 reference host: exports source-, dest- and transform-connector.

Calls every v3 host function and reports what it saw as JSON log lines ("probe:", "ctx:",
"dest-rows:"). Config `mode` selects misbehaviour for sandbox tests: loop, hog, raise, fail.
"""

import json
import time

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import host, types

CONFIG = {}
HOG = []
ENVELOPE = {"protocol_version": "2", "connector_id": "probe-v3", "stream_name": ""}


def log(level, tag, value):
    host.log(level, tag + ":" + json.dumps(value, sort_keys=True))


def attempt(fn):
    try:
        return {"ok": fn()}
    except Err as e:
        return {"err": {"category": e.value.category.name.lower().replace("_", "-"), "code": e.value.code}}


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
    if mode == "bad-scope-get":  # state-get cannot return err on wasmtime-py 50: the host traps the guest
        host.state_get(9, "k")
    if mode == "fail":
        raise Err(types.ConnectorError(types.ErrorCategory.AUTH, types.ErrorScope.PER_STREAM, "PROBE_FAIL",
                                       "probe failed on purpose", False, None, types.BackoffClass.FAST, False,
                                       None, json.dumps({"where": where})))


def make_frame(payload):
    fh = host.frame_new(len(payload))
    host.frame_write(fh, payload)
    host.frame_seal(fh)
    return fh


def read_frame(fh):
    data = host.frame_read(fh, 0, host.frame_len(fh))
    host.frame_drop(fh)
    return json.loads(data.decode("utf-8"))


def batch(stream, rows):
    return json.dumps({"format": "rapidbyte-json-rows/1", "stream": stream,
                       "schema": [{"name": "id", "type": "int64", "nullable": False},
                                  {"name": "name", "type": "string", "nullable": True}],
                       "rows": rows}).encode("utf-8")


def probe_frames(R):
    fh = host.frame_new(64)
    R["frame_write_1"] = host.frame_write(fh, b"hello ")
    R["frame_write_2"] = host.frame_write(fh, b"world")
    R["frame_len"] = host.frame_len(fh)
    R["frame_read_unsealed"] = attempt(lambda: host.frame_read(fh, 0, 5).decode())
    R["frame_emit_unsealed"] = attempt(lambda: host.emit_batch(fh))
    host.frame_seal(fh)
    R["frame_read_all"] = host.frame_read(fh, 0, 100).decode()
    R["frame_read_mid"] = host.frame_read(fh, 6, 3).decode()
    R["frame_read_past_end"] = attempt(lambda: host.frame_read(fh, 12, 1).decode())
    R["frame_write_sealed"] = attempt(lambda: host.frame_write(fh, b"!"))
    host.frame_drop(fh)
    R["frame_len_dropped"] = attempt(lambda: host.frame_len(fh))
    R["frame_read_unknown"] = attempt(lambda: host.frame_read(987654, 0, 1).decode())
    host.frame_drop(987654)


def probe_state(R):
    R["state_get_initial"] = host.state_get(0, "probe-key")
    R["state_cas_create"] = host.state_cas(0, "probe-key", None, "v1")
    R["state_cas_create_again"] = host.state_cas(0, "probe-key", None, "v2")
    R["state_cas_swap"] = host.state_cas(0, "probe-key", "v1", "v2")
    R["state_get_after_cas"] = host.state_get(0, "probe-key")
    host.state_put(1, "cursor", "42")
    R["state_get_stream"] = host.state_get(1, "cursor")
    R["state_get_other_scope"] = host.state_get(2, "cursor")
    host.state_put(scope=2, key="who", val="inst")  # v3 keyword names
    R["state_cas_kw"] = host.state_cas(scope=2, key="who", expected="inst", new_val="inst2")
    R["state_put_bad_scope"] = attempt(lambda: host.state_put(7, "k", "v"))
    R["state_cas_bad_scope"] = attempt(lambda: host.state_cas(7, "k", None, "v"))


def wait_read(sock, n, tries=2000):
    for _ in range(tries):
        r = host.socket_read(sock, n)
        if isinstance(r, types.SocketReadResult_WouldBlock):
            time.sleep(0.005)
            continue
        if isinstance(r, types.SocketReadResult_Eof):
            return "eof"
        return r.value.hex()
    return "timeout"


def probe_tcp(R):
    hst, port = CONFIG["pg_host"], CONFIG["pg_port"]
    sock = host.connect_tcp(hst, port)
    R["tcp_first_read"] = type(host.socket_read(sock, 1)).__name__
    w = host.socket_write(sock, bytes.fromhex("0000000804d2162f"))  # SSLRequest
    R["tcp_write"] = [type(w).__name__, getattr(w, "value", None)]
    R["tcp_ssl_answer"] = wait_read(sock, 1)
    host.socket_close(sock)
    R["tcp_read_closed"] = attempt(lambda: type(host.socket_read(sock, 1)).__name__)
    R["tcp_forbidden"] = attempt(lambda: host.connect_tcp(hst, CONFIG["forbidden_port"]))
    R["tcp_forbidden_host"] = attempt(lambda: host.connect_tcp(CONFIG["forbidden_host"], port))
    R["tcp_refused"] = attempt(lambda: host.connect_tcp(hst, CONFIG["closed_port"]))


def probe_telemetry(stream):
    host.checkpoint(0, json.dumps(dict(ENVELOPE, stream_name=stream, payload={
        "id": 1, "kind": "source", "stream": stream, "cursor_field": "id", "cursor_value": 2,
        "records_processed": 2, "bytes_processed": 120})))
    host.checkpoint(0, json.dumps({"id": 2, "kind": "source", "stream": stream, "cursor_field": None,
                                   "cursor_value": None, "records_processed": 0, "bytes_processed": 0}))
    host.metric(json.dumps(dict(ENVELOPE, stream_name=stream, payload={
        "name": "rows_read", "value": {"type": "counter", "value": 2}, "labels": [["stream", stream], ["probe", "yes"]]})))
    host.metric(json.dumps({"name": "read_secs", "value": {"type": "histogram", "value": 0.25}, "labels": []}))
    host.emit_dlq_record(stream, json.dumps({"id": 3, "name": None}), "bad row", "transient_db")


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))
        host.log(2, "source open")
        print("probe stdout line")
        misbehave("open")

    def discover(self):
        return json.dumps({"streams": [{"name": "items", "columns": ["id", "name"]}]})

    def validate(self):
        misbehave("validate")
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "probe ok")

    def run_read(self, ctx_json):
        host.log(2, "ctx:" + ctx_json)
        misbehave("run")
        ctx = json.loads(ctx_json)
        stream = ctx["stream_name"]
        R = {"next_batch_in_source": host.next_batch()}
        for level in (0, 1, 2, 3, 9):
            host.log(level, "level %d" % level)
        probe_frames(R)
        probe_state(R)
        if CONFIG.get("pg_port"):
            probe_tcp(R)
        R["checkpoint_bad_json"] = attempt(lambda: host.checkpoint(0, "{not json"))
        R["checkpoint_bad_kind"] = attempt(lambda: host.checkpoint(5, json.dumps({"id": 1, "stream": stream})))
        R["metric_bad_value"] = attempt(lambda: host.metric(json.dumps({"name": "m", "value": "x"})))
        R["dlq_bad_category"] = attempt(lambda: host.emit_dlq_record(stream, "{}", "m", "no_such_category"))
        probe_telemetry(stream)
        rows = CONFIG.get("rows", [[1, "a"], [2, None]])
        sent = 0
        for i in range(0, len(rows), 2):
            payload = batch(stream, rows[i:i + 2])
            sent += len(payload)
            host.emit_batch(make_frame(payload))
        log(2, "probe", R)
        return types.ReadSummary(len(rows), sent, (len(rows) + 1) // 2, 2, 0)

    def close(self):
        host.log(2, "source close")


class TransformConnector(exports.TransformConnector):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.WARNING, "transform warns")

    def run_transform(self, ctx_json):
        misbehave("run")
        stream = json.loads(ctx_json)["stream_name"]
        n_in = n_out = batches = 0
        while True:
            fh = host.next_batch()
            if fh is None:
                break
            doc = read_frame(fh)
            batches += 1
            n_in += len(doc["rows"])
            rows = [[r[0] * 10, (r[1] or "").upper()] for r in doc["rows"]]
            n_out += len(rows)
            host.emit_batch(make_frame(batch(doc["stream"], rows)))
        host.checkpoint(2, json.dumps({"id": 7, "kind": "transform", "stream": stream, "cursor_field": None,
                                       "cursor_value": None, "records_processed": n_out, "bytes_processed": 0}))
        return types.TransformSummary(n_in, n_out, 0, 0, batches)

    def close(self):
        pass


class DestConnector(exports.DestConnector):
    def open(self, config_json):
        CONFIG.clear()
        CONFIG.update(json.loads(config_json))

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "dest ok")

    def run_write(self, ctx_json):
        misbehave("run")
        got = []
        while True:
            fh = host.next_batch()
            if fh is None:
                break
            got.extend(read_frame(fh)["rows"])
        log(2, "dest-rows", got)
        host.state_put(1, "dest-count", str(len(got)))
        return types.WriteSummary(len(got), 0, 1, 0, 0)

    def close(self):
        host.log(3, "dest close")

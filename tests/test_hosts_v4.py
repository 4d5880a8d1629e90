"""The v4 reference host: every host-io function for real, the lifecycle, the sandbox, the caches."""

from __future__ import annotations

import json
import socket
import subprocess

import pytest

from rbmigrate.hosts import (
    BatchFormatError, BuildError, HostOptions, PipelineSpec, StateStore, StreamSpec, build_python_component,
    decode_batch, encode_batch, run_pipeline,
)
from rbmigrate.hosts.frames import FrameTable
from rbmigrate.hosts.errors import HostError
from rbmigrate.hosts.net import Allowlist

pytestmark = pytest.mark.slow

FORBIDDEN_HOST = "192.0.2.1"  # TEST-NET-1: refused by the allowlist check, never dialled


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe_config(pg, closed: int) -> dict:
    return {"pg_host": pg.host, "pg_port": pg.port, "forbidden_port": pg.port + 1 if pg.port < 65535 else 1,
            "forbidden_host": FORBIDDEN_HOST, "closed_port": closed}


ITEMS = StreamSpec(
    name="items",
    schema=[{"name": "id", "data_type": "int64", "nullable": False}, {"name": "name", "data_type": "string"}],
    sync_mode="incremental", cursor_field="id", cursor_type="int64", cursor_last_value=7,
    limits={"max_batch_bytes": 4096}, max_records=100, on_data_error="dlq", write_mode="upsert",
    primary_key=["id"], selected_columns=["id", "name"], source_stream_name="public.items",
    extensions={"partition_strategy": "mod"}, partition=(1, 4),
)


def logs_tagged(result, tag, stage="source"):
    return [json.loads(e.msg[len(tag) + 1:]) for e in result.logs if e.stage == stage and e.msg.startswith(tag + ":")]


@pytest.fixture(scope="module")
def closed():
    return closed_port()


@pytest.fixture(scope="module")
def run4(probe_v4, pg, rb_cache_dir, closed):
    spec = PipelineSpec(
        source=probe_v4, transform=probe_v4, destination=probe_v4,
        source_config=probe_config(pg, closed), transform_config={}, destination_config={},
        streams=[ITEMS, StreamSpec("more")],
    )
    opts = HostOptions(allow=[(pg.host, pg.port), (pg.host, closed)], cache_dir=rb_cache_dir)
    return run_pipeline(4, spec, opts)


@pytest.fixture(scope="module")
def probe4(run4):
    (first, _second) = logs_tagged(run4, "probe")
    return first


def test_run_completes_with_the_v4_lifecycle(run4):
    assert run4.errors == []
    calls = [(s, c) for s, c, _ in run4.calls]
    assert calls[:7] == [("source", "open"), ("source", "run-discover"), ("source", "validate"),
                         ("transform", "open"), ("transform", "validate"),
                         ("destination", "open"), ("destination", "validate")]
    assert calls[7:13] == [("source", "run"), ("transform", "run"), ("destination", "run")] * 2
    assert calls[13:] == [("source", "close"), ("transform", "close"), ("destination", "close")]
    assert [c[2] for c in run4.calls[7:13]] == ["items"] * 3 + ["more"] * 3


def test_open_info_and_discover_placeholder(run4):
    info = run4.open_info["source"]
    assert info["connector_id"] == "probe-v4" and info["role"] == "source" and info["protocol_version"] == "4"
    assert info["default_limits"]["max_batch_bytes"] == 1000
    assert run4.catalog == {"streams": [{"name": "items", "columns": ["id", "name"]}]}
    assert run4.discover_summary.set_fields == ["discover"]
    req = [r for r in logs_tagged(run4, "request") if r["phase"] == "discover"]
    assert req == [{
        "phase": "discover", "dry_run": False, "max_records": None, "stream_name": "", "source_stream_name": None,
        "schema": [], "sync_mode": "full_refresh", "cursor_info": None,
        "limits": [1000, 2000, 3, 1, 4000, 0, 0],  # the connector's own default-limits
        "on_data_error": "fail", "write_mode": None, "primary_key": [], "selected_columns": None,
        "partition": None, "extensions_json": None,
    }]


def test_run_request_is_the_typed_stream_context(run4):
    req = [r for r in logs_tagged(run4, "request") if r["phase"] == "read" and r["stream_name"] == "items"][0]
    ext = json.loads(req.pop("extensions_json"))
    assert ext["partition_strategy"] == "mod" and ext["schema_evolution"]["new_column"] == "add"
    assert req == {
        "phase": "read", "dry_run": False, "max_records": 100, "stream_name": "items",
        "source_stream_name": "public.items", "schema": [["id", "int64", False], ["name", "string", True]],
        "sync_mode": "incremental", "cursor_info": ["id", "int64", "7"],
        "limits": [4096, 16 << 20, 16, 1, 64 << 20, 0, 0], "on_data_error": "dlq", "write_mode": "upsert",
        "primary_key": ["id"], "selected_columns": ["id", "name"], "partition": [1, 4],
    }


def test_frames_round_trip_and_errors(probe4):
    p = probe4
    assert (p["frame_write_1"], p["frame_write_2"], p["frame_len"]) == (6, 5, 11)
    assert (p["frame_read_all"], p["frame_read_mid"], p["frame_read_end"]) == ("hello world", "wor", "")
    frame_err = lambda code: {"err": {"category": "frame", "code": code}}  # noqa: E731
    assert p["frame_read_unsealed"] == frame_err("FRAME_NOT_SEALED")
    assert p["frame_emit_unsealed"] == frame_err("FRAME_NOT_SEALED")
    assert p["frame_read_past_end"] == frame_err("FRAME_RANGE")
    assert p["frame_write_sealed"] == frame_err("FRAME_SEALED")
    assert p["frame_seal_twice"] == frame_err("FRAME_SEALED")
    for key in ("frame_len_dropped", "frame_len_unknown", "frame_write_unknown", "frame_read_unknown",
                "frame_emit_unknown"):
        assert p[key] == frame_err("UNKNOWN_FRAME"), key
    assert p["batch_next_in_source"] is None


def test_state_cas_semantics(run4, probe4):
    p = probe4
    assert p["state_get_initial"] is None
    assert (p["state_cas_create"], p["state_cas_create_again"], p["state_cas_wrong"], p["state_cas_swap"]) == (
        True, False, False, True)
    assert p["state_get_after_cas"] == "v2"
    assert (p["state_get_stream"], p["state_get_other_scope"], p["state_get_instance"]) == ("42", None, "inst")
    assert p["state_cas_kw"] is True
    first_cas = [(c.scope, c.key, c.expected, c.new_value, c.ok) for c in run4.state.cas][:5]
    assert first_cas == [("pipeline", "probe-key", None, "v1", True), ("pipeline", "probe-key", None, "v2", False),
                         ("pipeline", "probe-key", "nope", "v2", False), ("pipeline", "probe-key", "v1", "v2", True),
                         ("connector-instance", "who", "inst", "inst2", True)]
    assert run4.state.final[("pipeline", "probe-key")] == "v2"
    assert run4.state.final[("connector-instance", "who")] == "inst2"
    assert run4.state.final[("per-stream", "dest-count")] == "2"
    puts = [(w.stage, w.scope, w.key, w.value) for w in run4.state.writes if w.op == "put"]
    assert ("destination", "per-stream", "dest-count", "2") in puts


def test_second_run_sees_the_state_of_the_first(probe_v4, rb_cache_dir):
    store = StateStore()
    spec = PipelineSpec(source=probe_v4, source_config={}, streams=[StreamSpec("s")], discover=False)
    first = run_pipeline(4, spec, HostOptions(state=store, cache_dir=rb_cache_dir))
    second = run_pipeline(4, spec, HostOptions(state=store, cache_dir=rb_cache_dir))
    assert first.errors == [] and second.errors == []
    p1, p2 = logs_tagged(first, "probe")[0], logs_tagged(second, "probe")[0]
    assert p1["state_get_initial"] is None and p1["state_cas_create"] is True
    assert p2["state_get_initial"] == "v2" and p2["state_cas_create"] is False
    assert [c.ok for c in second.state.cas][:2] == [False, False]  # the report is per run


def test_telemetry_is_recorded_typed(run4):
    cps = [(c.stage, c.kind, c.stream, c.id, c.cursor, c.records, c.bytes) for c in run4.checkpoints
           if c.context_stream == "items"]
    assert cps == [("source", "source", "items", 1, {"field": "id", "value": 2}, 2, 120),
                   ("source", "source", "items", 2, None, 0, 0),
                   ("transform", "transform", "items", 7, None, 2, 0)]
    mets = [(m.name, m.value, m.labels) for m in run4.metrics if m.context_stream == "items"]
    assert mets == [("rows_read", 2.0, [("stream", "items"), ("probe", "yes")]), ("read_secs", 0.25, [])]
    assert all(isinstance(m.value, float) for m in run4.metrics)
    dlq = [(d.stream, d.record, d.error_message, d.category) for d in run4.dlq if d.context_stream == "items"]
    assert dlq == [("items", {"id": 3, "name": None}, "bad row", "transient-db")]


def test_log_levels(run4):
    levels = [(e.level, e.msg) for e in run4.logs if e.msg.startswith("level ") and e.context_stream == "items"]
    assert levels == [(n, f"level {n}") for n in ("error", "warn", "info", "debug", "trace")]
    assert ("destination", "debug", "dest close") in [(e.stage, e.level, e.msg) for e in run4.logs]


def test_batches_flow_through_the_stages(run4):
    assert run4.rows("source", "items") == [[1, "a"], [2, None]]
    assert run4.rows("transform", "items") == [[10, "A"], [20, ""]]
    assert [b.stream for b in run4.batches if b.stage == "source"] == ["items", "more"]
    assert all(b.decode_error is None for b in run4.batches)
    assert logs_tagged(run4, "dest-rows", "destination") == [[[10, "A"], [20, ""]]] * 2


def test_summaries_and_validations(run4):
    by_stage = {(s.stage, s.context_stream): s for s in run4.summaries}
    assert by_stage[("source", "items")].set_fields == ["read"]
    assert by_stage[("source", "items")].fields["records_read"] == 2
    assert by_stage[("transform", "items")].set_fields == ["transform"]
    assert by_stage[("destination", "items")].fields["records_written"] == 2
    vals = {v.stage: (v.status, v.message, v.warnings) for v in run4.validations}
    assert vals == {"source": ("success", "probe ok session=41", []), "transform": ("warning", "transform warns", ["w1"]),
                    "destination": ("success", "dest ok", [])}
    assert run4.stdout["source"] == "probe stdout line\n"


def test_tcp_to_postgres_and_the_allowlist(probe4):
    p = probe4
    assert p["tcp_first_read"] == "TcpReadResult_WouldBlock"  # the server waits for us: non-blocking read
    assert p["tcp_write"] == ["TcpWriteResult_Written", 8]
    assert p["tcp_ssl_answer"] == "4e"  # 'N': the test server does not do TLS
    assert p["tcp_read_closed"] == {"err": {"category": "internal", "code": "UNKNOWN_SOCKET"}}
    assert p["tcp_write_closed"] == {"err": {"category": "internal", "code": "UNKNOWN_SOCKET"}}
    assert p["tcp_forbidden"] == {"err": {"category": "permission", "code": "NETWORK_DENIED"}}
    assert p["tcp_forbidden_host"] == {"err": {"category": "permission", "code": "NETWORK_DENIED"}}
    assert p["tcp_refused"] == {"err": {"category": "transient-network", "code": "CONNECT_FAILED"}}
    assert p["tcp_by_name"] == {"ok": "connected"}  # localhost resolves to the allowlisted 127.0.0.1
    assert p["tcp_error_reply_starts"] == "E" and p["tcp_server_closed"] == "eof"


def test_every_connection_attempt_is_recorded(run4):
    """The result lists each tcp-connect with its outcome, so a refused dial is visible even when a
    guest swallows the error."""
    outcomes = {(c.host, c.outcome) for c in run4.connects if c.stage == "source"}
    assert (FORBIDDEN_HOST, "permission") in outcomes
    assert ("localhost", "connected") in outcomes
    assert any(o == "failed" for _, o in outcomes)  # the closed port
    assert all(c.port > 0 for c in run4.connects)


# ---- sandbox --------------------------------------------------------------------------------------

# The memory test must not race the deadline: on a loaded machine allocating 128 MiB (and instantiating
# the guest, which the deadline includes) can take longer than the 1.5 s the deadline tests use.
HOG_DEADLINE_S = 300.0


def run_mode(wasm, cache, mode, *, allow=(), deadline_s=1.5, **extra):
    spec = PipelineSpec(source=wasm, destination=wasm, source_config={"mode": mode, **extra},
                        streams=[StreamSpec("s")], discover=False)
    opts = HostOptions(cache_dir=cache, deadline_s=deadline_s, memory_limit=128 << 20, allow=list(allow))
    return run_pipeline(4, spec, opts)


def test_a_looping_guest_hits_the_deadline(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "loop")
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "run", "deadline")]
    assert "deadline" in r.errors[0].message
    # the trapped source is not closed again; the destination still is
    assert ("destination", "close", "") in r.calls and ("source", "close", "") not in r.calls


def test_a_loop_in_open_hits_the_deadline_too(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "loop", where="open")
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "open", "deadline")]


def test_a_memory_hungry_guest_hits_the_memory_limit(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "hog", deadline_s=HOG_DEADLINE_S)
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "run", "memory")]
    assert "memory limit" in r.errors[0].message and "MemoryError" in r.errors[0].stderr_tail


def test_an_uncaught_guest_exception_is_a_clear_trap(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "raise")
    (err,) = r.errors
    assert err.kind == "trap" and "ValueError: probe guest raised on purpose" in err.message


def test_a_connector_error_keeps_every_field(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "fail")
    (err,) = r.errors
    assert err.kind == "connector-error" and err.call == "run"
    assert err.error == {"category": "transient-db", "scope": "per-batch", "code": "PROBE_FAIL",
                         "message": "probe failed on purpose", "retryable": True, "retry_after_ms": 250,
                         "backoff_class": "slow", "safe_to_retry": True, "commit_state": "before-commit",
                         "details": {"where": "run"}}
    assert err.raw["details"] == '{"where": "run"}'
    assert ("source", "close", "") in r.calls  # a returned error does not poison the instance


def test_dialling_outside_the_allowlist_is_a_permission_error(probe_v4, rb_cache_dir):
    r = run_mode(probe_v4, rb_cache_dir, "dial", forbidden_host=FORBIDDEN_HOST, forbidden_port=5432)
    (err,) = r.errors
    assert err.kind == "connector-error" and err.error["category"] == "permission"


def test_no_ambient_network_files_or_environment(probe_v4, pg, rb_cache_dir):
    # Even the allowlisted database is out of reach through WASI sockets: only host-io tcp-* may dial.
    r = run_mode(probe_v4, rb_cache_dir, "ambient", pg_host=pg.host, pg_port=pg.port, allow=[(pg.host, pg.port)])
    assert r.errors == []
    (amb,) = logs_tagged(r, "ambient")
    assert amb["env"] == {}
    assert amb["socket"] != "connected"
    assert amb["/etc/hostname"] in ("FileNotFoundError", "PermissionError", "OSError")
    assert amb["/"] in ([], "FileNotFoundError", "PermissionError", "OSError")


def test_missing_component_and_bad_version(rb_cache_dir, tmp_path):
    r = run_pipeline(4, PipelineSpec(source=tmp_path / "nope.wasm"), HostOptions(cache_dir=rb_cache_dir))
    assert [(e.stage, e.kind) for e in r.errors] == [("source", "load")]
    with pytest.raises(ValueError):
        run_pipeline(5, PipelineSpec(source=tmp_path / "nope.wasm"))


def test_a_v3_component_on_the_v4_host_is_an_instantiate_error(probe_v3, rb_cache_dir):
    r = run_pipeline(4, PipelineSpec(source=probe_v3), HostOptions(cache_dir=rb_cache_dir))
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "instantiate", "instantiate")]


# ---- caches -----------------------------------------------------------------------------------------

def test_builds_and_compiled_artifacts_are_cached(probe_v4, rb_cache_dir, monkeypatch):
    from guests.build import build_probe

    assert list((rb_cache_dir / "compiled").glob("*.cwasm"))

    def no_subprocess(*a, **k):
        raise AssertionError("componentize-py ran although the build is cached")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    assert build_probe(4, rb_cache_dir) == probe_v4


def test_build_errors_carry_componentize_py_output(tmp_path):
    from conftest import REPO

    app = tmp_path / "bad"
    app.mkdir()
    (app / "app.py").write_text("from wit_world import exports\nclass Source(exports.Source):\n    def open(self\n")
    with pytest.raises(BuildError) as info:
        build_python_component(app, REPO / "wit" / "v4", "rapidbyte-source", cache_dir=tmp_path / "cache")
    assert "SyntaxError" in info.value.output
    assert not list((tmp_path / "cache" / "components").glob("*.wasm"))  # nothing cached for a failed build


# ---- host pieces without wasm ------------------------------------------------------------------------

def test_frame_table_errors():
    t = FrameTable(max_bytes=8)
    h = t.new(4)
    assert t.write(h, b"12345") == 5  # capacity is a hint
    with pytest.raises(HostError) as e:
        t.write(h, b"6789")
    assert (e.value.category, e.value.code) == ("frame", "FRAME_TOO_LARGE")
    t.seal(h)
    assert t.take(h) == b"12345"
    with pytest.raises(HostError):
        t.length(h)
    assert t.drop(h) is False


def test_allowlist_checks_port_then_resolved_address():
    allow = Allowlist([("127.0.0.1", 5432)])
    assert allow.permitted("localhost", 5432) == [("127.0.0.1", 5432)]
    for host, port in (("127.0.0.1", 5433), ("192.0.2.1", 5432)):
        with pytest.raises(HostError) as e:
            allow.permitted(host, port)
        assert e.value.category == "permission"


def test_batch_codec_round_trip_and_rejections():
    schema = [{"name": "id", "type": "int64", "nullable": False}, {"name": "amount", "type": "numeric", "nullable": True},
              {"name": "at", "type": "timestamptz", "nullable": True}, {"name": "blob", "type": "bytes", "nullable": True}]
    rows = [[1, "12.50", "2024-01-02T03:04:05.123456Z", "00ff"], [2, None, None, None]]
    data = encode_batch("t", schema, rows)
    b = decode_batch(data)
    assert (b.stream, b.rows, b.columns) == ("t", rows, ["id", "amount", "at", "blob"])
    bad_docs = [
        b"\xef\xbb\xbf" + data,
        json.dumps({"format": "other/1", "stream": "t", "schema": schema, "rows": rows}).encode(),
        json.dumps({"format": "rapidbyte-json-rows/1", "stream": "t", "schema": schema, "rows": []}).encode(),
        json.dumps({"format": "rapidbyte-json-rows/1", "stream": "t", "schema": schema, "rows": [[None, None, None, None]]}).encode(),
        json.dumps({"format": "rapidbyte-json-rows/1", "stream": "t", "schema": schema, "rows": [[1, 12.5, None, None]]}).encode(),
        json.dumps({"format": "rapidbyte-json-rows/1", "stream": "t", "schema": schema + schema[:1], "rows": [[1] * 5]}).encode(),
        b'{"format": "rapidbyte-json-rows/1", "stream": "t", "schema": [{"name": "f", "type": "float64"}], "rows": [[NaN]]}',
    ]
    for doc in bad_docs:
        with pytest.raises(BatchFormatError):
            decode_batch(doc)
    ok = decode_batch(b'{"rows": [["NaN"], [1.5]], "schema": [{"nullable": true, "type": "float64", "name": "f"}],'
                      b' "stream": "s", "format": "rapidbyte-json-rows/1"}')
    assert ok.rows == [["NaN"], [1.5]]

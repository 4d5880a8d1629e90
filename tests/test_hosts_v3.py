"""The v3 reference host: every host function for real, JSON payloads, ctx-json, the sandbox."""

from __future__ import annotations

import json
import socket

import pytest

from rbmigrate.hosts import HostOptions, PipelineSpec, StateStore, StreamSpec, run_pipeline
from rbmigrate.hosts.host_v3 import ctx_json

pytestmark = pytest.mark.slow

FORBIDDEN_HOST = "192.0.2.1"  # TEST-NET-1: refused by the allowlist check, never dialled


def logs_tagged(result, tag, stage="source"):
    return [json.loads(e.msg[len(tag) + 1:]) for e in result.logs if e.stage == stage and e.msg.startswith(tag + ":")]


ITEMS = StreamSpec(
    name="items",
    schema=[{"name": "id", "data_type": "int64", "nullable": False}, {"name": "name", "data_type": "string"}],
    sync_mode="incremental", cursor_field="id", cursor_type="int64", cursor_last_value={"n": 7},
    limits={"max_batch_bytes": 4096}, max_records=100, on_data_error="dlq", write_mode="upsert",
    primary_key=["id"], selected_columns=["id", "name"], source_stream_name="public.items",
    extensions={"partition_strategy": "mod", "effective_parallelism": 2}, partition=(1, 4),
)


@pytest.fixture(scope="module")
def closed():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def run3(probe_v3, pg, rb_cache_dir, closed):
    cfg = {"pg_host": pg.host, "pg_port": pg.port, "forbidden_port": pg.port + 1 if pg.port < 65535 else 1,
           "forbidden_host": FORBIDDEN_HOST, "closed_port": closed}
    spec = PipelineSpec(source=probe_v3, transform=probe_v3, destination=probe_v3, source_config=cfg,
                        transform_config={}, destination_config={}, streams=[ITEMS, StreamSpec("more")])
    return run_pipeline(3, spec, HostOptions(allow=[(pg.host, pg.port), (pg.host, closed)], cache_dir=rb_cache_dir))


@pytest.fixture(scope="module")
def probe3(run3):
    return logs_tagged(run3, "probe")[0]


def test_run_completes_with_the_v3_lifecycle(run3):
    assert run3.errors == []
    assert [(s, c) for s, c, _ in run3.calls] == [
        ("source", "open"), ("source", "discover"), ("source", "validate"),
        ("transform", "open"), ("transform", "validate"), ("destination", "open"), ("destination", "validate"),
        ("source", "run-read"), ("transform", "run-transform"), ("destination", "run-write"),
        ("source", "run-read"), ("transform", "run-transform"), ("destination", "run-write"),
        ("source", "close"), ("transform", "close"), ("destination", "close"),
    ]
    assert run3.catalog == {"streams": [{"name": "items", "columns": ["id", "name"]}]}
    assert run3.open_info == {} and run3.discover_summary is None


def test_ctx_json_follows_protocol_v3_section_3(run3):
    ctx = json.loads([e.msg for e in run3.logs if e.msg.startswith("ctx:")][0][4:])
    assert ctx == json.loads(ctx_json(ITEMS))
    assert ctx["schema"] == {"format": "columns", "data": [
        {"name": "id", "data_type": "int64", "nullable": False}, {"name": "name", "data_type": "string", "nullable": True}]}
    assert ctx["cursor_info"] == {"cursor_field": "id", "cursor_type": "int64", "last_value": {"n": 7}}
    assert ctx["limits"]["max_batch_bytes"] == 4096 and ctx["limits"]["max_records"] == 100
    assert ctx["limits"]["max_inflight_batches"] == 16
    assert ctx["policies"]["on_data_error"] == "dlq" and ctx["policies"]["schema_evolution"]["type_change"] == "fail"
    assert ctx["write_mode"] == {"mode": "upsert", "primary_key": ["id"]}
    assert (ctx["partition_index"], ctx["partition_count"], ctx["partition_strategy"], ctx["effective_parallelism"]) == (
        1, 4, "mod", 2)
    assert ctx["stream_name"] == "items" and ctx["source_stream_name"] == "public.items"
    assert ctx["selected_columns"] == ["id", "name"] and ctx["sync_mode"] == "incremental"
    plain = json.loads(ctx_json(StreamSpec("x", write_mode="append")))
    assert plain["write_mode"] == {"mode": "append"} and plain["cursor_info"] is None


def test_frames(probe3):
    p = probe3
    assert (p["frame_write_1"], p["frame_write_2"], p["frame_len"]) == (6, 5, 11)
    assert (p["frame_read_all"], p["frame_read_mid"]) == ("hello world", "wor")
    assert p["frame_read_unsealed"] == {"err": {"category": "frame", "code": "FRAME_NOT_SEALED"}}
    assert p["frame_emit_unsealed"] == {"err": {"category": "frame", "code": "FRAME_NOT_SEALED"}}
    assert p["frame_read_past_end"] == {"err": {"category": "frame", "code": "FRAME_RANGE"}}
    assert p["frame_write_sealed"] == {"err": {"category": "frame", "code": "FRAME_SEALED"}}
    assert p["frame_len_dropped"] == {"err": {"category": "frame", "code": "UNKNOWN_FRAME"}}
    assert p["frame_read_unknown"] == {"err": {"category": "frame", "code": "UNKNOWN_FRAME"}}
    assert p["next_batch_in_source"] is None


def test_state_scopes_are_integers(run3, probe3):
    p = probe3
    assert p["state_get_initial"] is None
    assert (p["state_cas_create"], p["state_cas_create_again"], p["state_cas_swap"]) == (True, False, True)
    assert (p["state_get_after_cas"], p["state_get_stream"], p["state_get_other_scope"]) == ("v2", "42", None)
    assert p["state_cas_kw"] is True
    assert p["state_put_bad_scope"] == {"err": {"category": "config", "code": "BAD_STATE_SCOPE"}}
    assert p["state_cas_bad_scope"] == {"err": {"category": "config", "code": "BAD_STATE_SCOPE"}}
    assert run3.state.final == {("pipeline", "probe-key"): "v2", ("per-stream", "cursor"): "42",
                                ("connector-instance", "who"): "inst2", ("per-stream", "dest-count"): "2"}
    assert [c.ok for c in run3.state.cas][:4] == [True, False, True, True]


def test_json_payloads_are_parsed_with_or_without_envelope(run3, probe3):
    cps = [(c.stage, c.kind, c.stream, c.id, c.cursor, c.records, c.bytes, c.raw["envelope"])
           for c in run3.checkpoints if c.context_stream == "items"]
    assert cps == [("source", "source", "items", 1, {"field": "id", "value": 2}, 2, 120, True),
                   ("source", "source", "items", 2, None, 0, 0, False),
                   ("transform", "transform", "items", 7, None, 2, 0, False)]
    mets = [(m.name, m.value, m.labels, m.metric_type) for m in run3.metrics if m.context_stream == "items"]
    assert mets == [("rows_read", 2.0, [("stream", "items"), ("probe", "yes")], "counter"),
                    ("read_secs", 0.25, [], "histogram")]
    (dlq,) = [d for d in run3.dlq if d.context_stream == "items"]
    assert (dlq.stream, dlq.record, dlq.error_message, dlq.category) == ("items", {"id": 3, "name": None},
                                                                          "bad row", "transient-db")
    assert dlq.raw["error_category"] == "transient_db"
    p = probe3
    assert p["checkpoint_bad_json"] == {"err": {"category": "internal", "code": "BAD_PAYLOAD"}}
    assert p["checkpoint_bad_kind"] == {"err": {"category": "internal", "code": "BAD_CHECKPOINT_KIND"}}
    assert p["metric_bad_value"] == {"err": {"category": "internal", "code": "BAD_PAYLOAD"}}
    assert p["dlq_bad_category"] == {"err": {"category": "internal", "code": "BAD_DLQ_CATEGORY"}}


def test_log_levels_map_integers(run3):
    got = [(e.level, e.raw_level) for e in run3.logs if e.msg.startswith("level ") and e.context_stream == "items"]
    assert got == [("error", 0), ("warn", 1), ("info", 2), ("debug", 3), ("trace", 9)]


def test_batches_summaries_validations(run3):
    assert run3.rows("source", "items") == [[1, "a"], [2, None]]
    assert run3.rows("transform", "more") == [[10, "A"], [20, ""]]
    assert logs_tagged(run3, "dest-rows", "destination") == [[[10, "A"], [20, ""]]] * 2
    by = {(s.stage, s.context_stream): s for s in run3.summaries}
    assert by[("source", "items")].fields["records_read"] == 2 and by[("source", "items")].phase == "read"
    assert by[("transform", "items")].fields["records_out"] == 2
    assert by[("destination", "items")].role == "destination" and by[("destination", "items")].phase == "write"
    assert {v.stage: (v.status, v.message, v.warnings) for v in run3.validations} == {
        "source": ("success", "probe ok", None), "transform": ("warning", "transform warns", None),
        "destination": ("success", "dest ok", None)}


def test_sockets(probe3):
    p = probe3
    assert p["tcp_first_read"] == "SocketReadResult_WouldBlock"
    assert p["tcp_write"] == ["SocketWriteResult_Written", 8]
    assert p["tcp_ssl_answer"] == "4e"
    assert p["tcp_read_closed"] == {"err": {"category": "internal", "code": "UNKNOWN_SOCKET"}}
    assert p["tcp_forbidden"] == {"err": {"category": "permission", "code": "NETWORK_DENIED"}}
    assert p["tcp_forbidden_host"] == {"err": {"category": "permission", "code": "NETWORK_DENIED"}}
    assert p["tcp_refused"] == {"err": {"category": "transient-network", "code": "CONNECT_FAILED"}}


def test_incremental_second_run_reuses_state(probe_v3, rb_cache_dir):
    store = StateStore()
    spec = PipelineSpec(source=probe_v3, streams=[StreamSpec("s")], discover=False)
    first = run_pipeline(3, spec, HostOptions(state=store, cache_dir=rb_cache_dir))
    second = run_pipeline(3, spec, HostOptions(state=store, cache_dir=rb_cache_dir))
    assert first.ok and second.ok
    assert logs_tagged(second, "probe")[0]["state_get_initial"] == "v2"


# The memory test must not race the deadline: on a loaded machine allocating 128 MiB (and instantiating
# the guest, which the deadline includes) can take longer than the 1.5 s the deadline tests use.
HOG_DEADLINE_S = 300.0


def run_mode(wasm, cache, mode, *, deadline_s=1.5, **extra):
    spec = PipelineSpec(source=wasm, destination=wasm, source_config={"mode": mode, **extra},
                        streams=[StreamSpec("s")], discover=False)
    return run_pipeline(3, spec, HostOptions(cache_dir=cache, deadline_s=deadline_s, memory_limit=128 << 20))


def test_loop_hits_the_deadline(probe_v3, rb_cache_dir):
    r = run_mode(probe_v3, rb_cache_dir, "loop", where="validate")
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "validate", "deadline")]
    assert not any(c[1].startswith("run") for c in r.calls)  # the run stops at the failing step


def test_memory_hog_hits_the_limit(probe_v3, rb_cache_dir):
    r = run_mode(probe_v3, rb_cache_dir, "hog", deadline_s=HOG_DEADLINE_S)
    assert [(e.stage, e.call, e.kind) for e in r.errors] == [("source", "run-read", "memory")]


def test_guest_exception_and_connector_error(probe_v3, rb_cache_dir):
    r = run_mode(probe_v3, rb_cache_dir, "raise")
    assert r.errors[0].kind == "trap" and "ValueError: probe guest raised on purpose" in r.errors[0].message
    r = run_mode(probe_v3, rb_cache_dir, "fail")
    (err,) = r.errors
    assert err.kind == "connector-error" and err.call == "run-read"
    assert err.error["category"] == "auth" and err.error["backoff_class"] == "fast"
    assert err.error["details"] == {"where": "run"} and err.raw["details_json"] == '{"where": "run"}'


def test_a_v4_component_on_the_v3_host_is_an_instantiate_error(probe_v4, rb_cache_dir):
    r = run_pipeline(3, PipelineSpec(source=probe_v4), HostOptions(cache_dir=rb_cache_dir))
    assert [(e.call, e.kind) for e in r.errors] == [("instantiate", "instantiate")]


def test_state_get_with_a_bad_scope_traps_with_the_host_error(probe_v3, rb_cache_dir):
    r = run_mode(probe_v3, rb_cache_dir, "bad-scope-get")
    (err,) = r.errors
    assert (err.call, err.kind) == ("run-read", "host")
    assert "BAD_STATE_SCOPE" in err.message
    assert ("source", "close", "") not in r.calls  # a trapped instance is never entered again

"""Python adapter, before/after: import forms, host calls, payload shapes, records, shadowing (recipes §3)."""

from __future__ import annotations

import pytest

from test_python_helpers import SOURCE_MANIFEST, migrate, untouched_bytes_identical

# --- import forms -------------------------------------------------------------------------


def test_module_import_of_host_and_types(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import host, types

        def f(h):
            host.emit_batch(h)
            return types.ReadSummary(records_read=1, bytes_read=2, batches_emitted=3, checkpoint_count=0,
                                     records_skipped=0)
        """)
    assert m.text == """\
from wit_world.imports import host_io, stream_types

def f(h):
    host_io.batch_emit(h)
    return stream_types.ReadSummary(records_read=1, bytes_read=2, batches_emitted=3, checkpoint_count=0,
                                    records_skipped=0)
"""
    assert {e.rule_id for e in m.edits} >= {"RB101", "RB011", "RB504"}
    assert m.blocking() == []


def test_from_imports_with_and_without_alias(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports.host import emit_batch as emit, next_batch, socket_read
        from wit_world.imports.types import SocketReadResult_Data, ValidationStatus

        def pump(h):
            while (b := next_batch()) is not None:
                emit(b)
            r = socket_read(h, 10)
            return isinstance(r, SocketReadResult_Data), ValidationStatus.SUCCESS
        """)
    assert m.text == """\
from wit_world.imports.host_io import TcpReadResult_Data, batch_emit as emit, batch_next, tcp_read
from wit_world.imports.core_types import ValidationStatus

def pump(h):
    while (b := batch_next()) is not None:
        emit(b)
    r = tcp_read(h, 10)
    return isinstance(r, TcpReadResult_Data), ValidationStatus.SUCCESS
"""


def test_module_alias_and_dotted_import(tmp_path):
    m = migrate(tmp_path, """\
        import wit_world.imports.host as h
        import wit_world.imports.host

        def f(x):
            h.socket_close(x)
            wit_world.imports.host.frame_drop(x)
        """)
    assert m.text == """\
import wit_world.imports.host_io as h
import wit_world.imports.host_io

def f(x):
    h.tcp_close(x)
    wit_world.imports.host_io.frame_drop(x)
"""


def test_star_imports_become_explicit_imports_of_what_is_used(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports.host import *
        from wit_world.imports.types import *

        def f(h):
            emit_batch(h)
            log(3, "sent")
            return ReadSummary(1, 2, 3, 4, 5), SocketWriteResult_Written(7), ErrorScope.PER_BATCH
        """)
    assert m.text == """\
from wit_world.imports.host_io import TcpWriteResult_Written, batch_emit, log
from wit_world.imports.core_types import ErrorScope, LogLevel
from wit_world.imports.stream_types import ReadSummary

def f(h):
    batch_emit(h)
    log(LogLevel.DEBUG, "sent")
    return ReadSummary(1, 2, 3, 4, 5), TcpWriteResult_Written(7), ErrorScope.PER_BATCH
"""
    assert "import *" not in m.text


def test_unused_v3_imports_are_not_left_behind(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host, types

        def f():
            host.metric(json.dumps({"name": "n", "value": {"type": "gauge", "value": 1.5}}))
        """)
    assert m.text == """\
from wit_world.imports import host_io, telemetry

def f():
    host_io.telemetry_metric(telemetry.MetricEvent(name="n", value=1.5, labels=[]))
"""


def test_partially_migrated_file_is_finished_not_doubled(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import host, host_io

        def f(h):
            host_io.batch_emit(h)
            host.next_batch()
        """)
    assert m.text == """\
from wit_world.imports import host_io

def f(h):
    host_io.batch_emit(h)
    host_io.batch_next()
"""


# --- host calls ---------------------------------------------------------------------------

HOST_CALLS = [
    ("host.emit_batch(h)", "host_io.batch_emit(h)", "RB101"),
    ("host.next_batch()", "host_io.batch_next()", "RB102"),
    ("host.log(0, m)", "host_io.log(core_types.LogLevel.ERROR, m)", "RB103"),
    ("host.log(1, m)", "host_io.log(core_types.LogLevel.WARN, m)", "RB103"),
    ("host.log(2, m)", "host_io.log(core_types.LogLevel.INFO, m)", "RB103"),
    ("host.log(3, m)", "host_io.log(core_types.LogLevel.DEBUG, m)", "RB103"),
    ("host.log(9, m)", "host_io.log(core_types.LogLevel.TRACE, m)", "RB103"),
    ("host.log(level=2, msg=m)", "host_io.log(level=core_types.LogLevel.INFO, msg=m)", "RB103"),
    ('host.state_get(0, "k")', 'host_io.state_get(core_types.StateScope.PIPELINE, "k")', "RB107"),
    ('host.state_put(1, "k", v)', 'host_io.state_put(core_types.StateScope.PER_STREAM, "k", v)', "RB107"),
    ('host.state_put(1, "k", val=v)', 'host_io.state_put(core_types.StateScope.PER_STREAM, "k", value=v)', "RB108"),
    ('host.state_cas(2, "k", None, new_val=v)',
     'host_io.state_cas(core_types.StateScope.CONNECTOR_INSTANCE, "k", None, new_value=v)', "RB109"),
    ("host.frame_new(10)", "host_io.frame_new(10)", "RB010"),
    ("host.frame_write(h, b)", "host_io.frame_write(h, b)", "RB010"),
    ("host.frame_seal(h)", "host_io.frame_seal(h)", "RB010"),
    ("host.frame_len(h)", "host_io.frame_len(h)", "RB010"),
    ("host.frame_read(h, 0, 4)", "host_io.frame_read(h, 0, 4)", "RB010"),
    ("host.frame_drop(h)", "host_io.frame_drop(h)", "RB010"),
    ("host.connect_tcp(name, 5432)", "host_io.tcp_connect(name, 5432)", "RB110"),
    ("host.socket_read(h, 4)", "host_io.tcp_read(h, 4)", "RB111"),
    ("host.socket_write(h, b)", "host_io.tcp_write(h, b)", "RB112"),
    ("host.socket_close(h)", "host_io.tcp_close(h)", "RB113"),
    ('host.emit_dlq_record(s, r, m, "data")',
     "host_io.telemetry_dlq(telemetry.DlqRecord(\n        stream=s,\n        record_json=r,\n"
     "        error_message=m,\n        error_category=core_types.ErrorCategory.DATA,\n    ))", "RB106"),
    ('host.emit_dlq_record(stream_name=s, record_json=r, error_message=m, error_category="transient_db")',
     "host_io.telemetry_dlq(telemetry.DlqRecord(\n        stream=s,\n        record_json=r,\n"
     "        error_message=m,\n        error_category=core_types.ErrorCategory.TRANSIENT_DB,\n    ))", "RB106"),
]


@pytest.mark.parametrize("before, after, rule", HOST_CALLS, ids=[c[0] for c in HOST_CALLS])
def test_each_host_call(tmp_path, before, after, rule):
    m = migrate(tmp_path, f"from wit_world.imports import host\n\n\ndef f(h, b, m, s, r, v, name):\n    {before}\n")
    body = m.text.split("\n\n\n", 1)[1]
    assert body == f"def f(h, b, m, s, r, v, name):\n    {after}\n"
    assert rule in {e.rule_id for e in m.edits}
    assert m.blocking() == []


def test_dlq_record_that_does_not_fit_is_laid_out_one_field_per_line(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import host

        def f(stream_name, record, err):
            host.emit_dlq_record(stream_name, record, "could not decode the row: %s" % err, "data")
        """)
    assert """\
    host_io.telemetry_dlq(telemetry.DlqRecord(
        stream=stream_name,
        record_json=record,
        error_message="could not decode the row: %s" % err,
        error_category=core_types.ErrorCategory.DATA,
    ))
""" in m.text


def test_non_literal_codes_are_findings_and_the_call_stays(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import host

        def f(level, scope, h):
            host.log(level, "x")
            host.state_get(scope, "k")
            host.emit_batch(h)
        """)
    assert m.at("RB907") == ["4:14", "5:20"]
    assert 'host.log(level, "x")' in m.text and 'host.state_get(scope, "k")' in m.text
    assert "host_io.batch_emit(h)" in m.text
    assert "from wit_world.imports import host, host_io" in m.text  # the v3 binding stays for the left sites


# --- payload shapes -------------------------------------------------------------------------

CHECKPOINT_AFTER = """\
        host_io.telemetry_checkpoint(telemetry.CheckpointEvent(
            id=n,
            kind=telemetry.CheckpointKind.SOURCE,
            stream=name,
            cursor=json.dumps({"field": "id", "value": last}),
            records=rows,
            bytes=size,
        ))
"""


def test_checkpoint_payload_inline(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def f(n, name, last, rows, size):
            if n:
                host.checkpoint(0, json.dumps({"id": n, "kind": "source", "stream": name,
                    "cursor_field": "id", "cursor_value": last, "records_processed": rows, "bytes_processed": size}))
        """)
    assert CHECKPOINT_AFTER in m.text
    assert {e.rule_id for e in m.edits} >= {"RB104"}


def test_checkpoint_payload_in_the_v3_envelope_through_two_locals(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def f(n, name, cursor, value, rows, size):
            payload = {"id": n, "kind": "dest", "stream": name, "cursor_field": cursor, "cursor_value": value,
                       "records_processed": rows, "bytes_processed": size}
            envelope = {"protocol_version": "2", "connector_id": "x", "stream_name": name, "payload": payload}
            host.checkpoint(1, json.dumps(envelope))
        """)
    assert m.text == """\
import json
from wit_world.imports import host_io, telemetry

def f(n, name, cursor, value, rows, size):
    payload = telemetry.CheckpointEvent(
        id=n,
        kind=telemetry.CheckpointKind.DESTINATION,
        stream=name,
        cursor=json.dumps({"field": cursor, "value": value}) if cursor is not None else None,
        records=rows,
        bytes=size,
    )
    host_io.telemetry_checkpoint(payload)
"""


def test_checkpoint_without_cursor_and_envelope_inline(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def f(n, s):
            host.checkpoint(2, json.dumps({"protocol_version": "2", "stream_name": s, "payload": {"id": n, "kind": "transform", "records_processed": 1, "bytes_processed": 2}}))
        """)
    assert "kind=telemetry.CheckpointKind.TRANSFORM" in m.text and "stream=s" in m.text and "cursor=None" in m.text
    assert "json" not in m.text.split("\n", 1)[1].split("def", 1)[1].replace("telemetry", "")  # nothing dumped


def test_metric_payload_shapes(tmp_path):
    m = migrate(tmp_path, """\
        import json
        import time
        from wit_world.imports import host

        def f(stream, n, started):
            labels = [["stream", stream]]
            for name, value in (("a", n), ("b", 2)):
                metric = {"name": name, "value": {"type": "counter", "value": value}, "labels": labels}
                host.metric(json.dumps({"protocol_version": "2", "connector_id": "c", "stream_name": stream,
                                        "payload": metric}))
            host.metric(json.dumps({"name": "secs", "value": {"type": "gauge", "value": time.monotonic() - started}}))
            host.metric(json.dumps({"name": "one", "value": {"type": "counter", "value": 1}, "labels": [("k", "v")]}))
        """)
    assert m.text == """\
import time
from wit_world.imports import host_io, telemetry

def f(stream, n, started):
    labels = [("stream", stream)]
    for name, value in (("a", n), ("b", 2)):
        metric = telemetry.MetricEvent(name=name, value=float(value), labels=labels)
        host_io.telemetry_metric(metric)
    host_io.telemetry_metric(telemetry.MetricEvent(
        name="secs",
        value=float(time.monotonic() - started),
        labels=[],
    ))
    host_io.telemetry_metric(telemetry.MetricEvent(name="one", value=1.0, labels=[("k", "v")]))
"""


def test_labels_list_shared_with_another_use_is_converted_at_the_use(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def f(stream):
            labels = [["stream", stream]]
            print(labels)
            host.metric(json.dumps({"name": "n", "value": {"type": "counter", "value": 1}, "labels": labels}))
        """)
    assert 'labels = [["stream", stream]]' in m.text
    assert "labels=[tuple(label) for label in labels]" in m.text


def test_dynamic_payloads_are_findings_and_the_rest_migrates(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def f(payload, key, n, extra, cat):
            host.checkpoint(0, json.dumps(payload))
            host.metric(json.dumps({key: n, "value": {"type": "counter", "value": n}}))
            body = {"name": "m", "value": {"type": "counter", "value": n}}
            body["labels"] = extra
            host.metric(json.dumps(body))
            host.metric(json.dumps({"name": "m", "value": n, "unit": "s"}))
            host.emit_dlq_record("s", "{}", "e", cat)
            host.emit_batch(n)
        """)
    assert m.at("RB901") == ["5:35", "6:29", "9:28", "10:28", "11:42"]
    assert all(f.severity.value == "error" for f in m.findings if f.rule_id == "RB901")
    assert "host_io.batch_emit(n)" in m.text  # the rest of the file still migrates
    assert m.text.count("host.checkpoint(") == 1 and m.text.count("host.metric(") == 3


# --- records --------------------------------------------------------------------------------


def test_validation_report_gains_warnings(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import types

        def a():
            return types.ValidationResult(types.ValidationStatus.FAILED, "no")

        def b(user):
            return types.ValidationResult(status=types.ValidationStatus.SUCCESS,
                                          message="connected as %s" % user)

        def c():
            return types.ValidationResult(
                status=types.ValidationStatus.WARNING,
                message="hmm",
            )

        def d():
            return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="", warnings=["x"])
        """)
    assert m.text == """\
from wit_world.imports import core_types

def a():
    return core_types.ValidationReport(core_types.ValidationStatus.FAILED, "no", warnings=[])

def b(user):
    return core_types.ValidationReport(status=core_types.ValidationStatus.SUCCESS,
                                       message="connected as %s" % user, warnings=[])

def c():
    return core_types.ValidationReport(
        status=core_types.ValidationStatus.WARNING,
        message="hmm",
        warnings=[],
    )

def d():
    return core_types.ValidationReport(status=core_types.ValidationStatus.SUCCESS, message="", warnings=["x"])
"""


def test_connector_error_details_field(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports.types import ConnectorError, ErrorCategory, ErrorScope, BackoffClass

        def e(d):
            return ConnectorError(category=ErrorCategory.DATA, scope=ErrorScope.PER_RECORD, code="X", message="m",
                                  retryable=False, retry_after_ms=None, backoff_class=BackoffClass.SLOW,
                                  safe_to_retry=False, commit_state=None, details_json=d)
        """)
    assert "safe_to_retry=False, commit_state=None, details=d)" in m.text
    assert "RB204" in {e.rule_id for e in m.edits}


# --- shadowing and precision -------------------------------------------------------------------


def test_local_variable_named_host_is_untouched(tmp_path):
    m = migrate(tmp_path, """\
        from wit_world.imports import host

        def connect(host, port):
            host.log(1, "param shadows the module")
            return host.connect_tcp(port)

        def other():
            host = Server()
            host.emit_batch(1)
            host.log(2, "local")

        def real(h):
            host.emit_batch(h)
        """)
    assert m.text == """\
from wit_world.imports import host_io

def connect(host, port):
    host.log(1, "param shadows the module")
    return host.connect_tcp(port)

def other():
    host = Server()
    host.emit_batch(1)
    host.log(2, "local")

def real(h):
    host_io.batch_emit(h)
"""


def test_names_that_only_contain_a_v3_name_are_untouched(tmp_path):
    src = """\
        def emit_batch(x):
            return x

        emit_batch_nanos = 3
        checkpoint_count = emit_batch(1)

        class SourceConnector:
            def run_read(self, ctx_json):
                import json
                return json.loads(ctx_json)["stream_name"]
        """
    m = migrate(tmp_path, src, manifest={"id": "a/b", "role": "source"})
    assert m.edits == [] and m.blocking() == []


def test_strings_mentioning_v3_names_are_info_findings_and_doc_spans_update(tmp_path):
    m = migrate(tmp_path, '''\
        """Wraps `emit_batch` and `host.connect_tcp()`; prose about emit_batch stays."""
        from wit_world.imports import host

        # calls `socket_close` when done
        def f(h):
            host.log(1, "emit_batch failed for %s" % h)
        ''')
    assert m.text.startswith('"""Wraps `batch_emit` and `host_io.tcp_connect()`; prose about emit_batch stays."""')
    assert "# calls `tcp_close` when done" in m.text
    assert '"emit_batch failed for %s"' in m.text
    assert m.rules("info") == {"RB904"} and m.blocking() == []


# --- bytes --------------------------------------------------------------------------------------


def test_crlf_bom_comments_and_missing_final_newline_survive(tmp_path):
    src = ("\ufeff# -*- coding: utf-8 -*-\r\nfrom wit_world.imports import host  # the host\r\n\r\n"
           "def f(h):\r\n    # send it\r\n    host.emit_batch(h)    # trailing\r\n    return h").encode("utf-8")
    m = migrate(tmp_path, src)
    assert m.after == ("\ufeff# -*- coding: utf-8 -*-\r\nfrom wit_world.imports import host_io  # the host\r\n\r\n"
                       "def f(h):\r\n    # send it\r\n    host_io.batch_emit(h)    # trailing\r\n    return h").encode("utf-8")
    assert untouched_bytes_identical(m)
    assert all(e.rule_id for e in m.edits)


def test_multiline_payload_in_crlf_file_keeps_crlf(tmp_path):
    src = ("import json\r\nfrom wit_world.imports import host\r\n\r\ndef f(n):\r\n"
           "    host.checkpoint(0, json.dumps({\"id\": n, \"kind\": \"source\", \"stream\": \"s\",\r\n"
           "        \"records_processed\": n, \"bytes_processed\": n}))\r\n").encode()
    m = migrate(tmp_path, src)
    assert b"\n" not in m.after.replace(b"\r\n", b"")
    assert b"telemetry.CheckpointEvent(\r\n        id=n,\r\n" in m.after
    assert untouched_bytes_identical(m)


def test_syntax_error_is_reported_with_location_and_file_left_untouched(tmp_path):
    from rbmigrate.engine import Options, run, write_results

    folder = tmp_path / "unit"
    folder.mkdir()
    bad = b"from wit_world.imports import host\n\ndef f(:\n    host.emit_batch(1)\n"
    (folder / "app.py").write_bytes(bad)
    result, path_map = run([folder], Options(mode="apply", base=folder))
    write_results(result, path_map)
    (fres,) = result.files
    assert fres.error is not None and fres.error.kind == "parse"
    assert (fres.error.line, fres.error.col) == (3, 7)
    assert (folder / "app.py").read_bytes() == bad


def test_a_payload_built_by_a_builtin_is_reported_not_a_crash(tmp_path):
    """`json.dumps(dict(ENVELOPE, ...))`: `dict` and `str` resolve to Python builtins, which libcst's scope
    analysis binds with no node (found by running `scan` over this repository's own test guests)."""
    m = migrate(tmp_path, """\
        import json

        from wit_world import exports
        from wit_world.imports import host

        ENVELOPE = {"protocol_version": "2"}


        class SourceConnector(exports.SourceConnector):
            def run_read(self, ctx_json: str) -> None:
                stream = json.loads(ctx_json)["stream_name"]
                host.checkpoint(0, json.dumps(dict(ENVELOPE, stream_name=stream, payload={"records": 1})))
                host.metric(json.dumps(str(stream)))
        """, SOURCE_MANIFEST)
    assert m.error is None
    assert m.at("RB901") == ["12:39", "13:32"]  # each payload it cannot type, at the payload

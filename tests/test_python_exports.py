"""Python adapter, before/after: export classes → Source / Destination / Transform (RB503, RB301–RB308, RB906)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from test_python_helpers import DEST_MANIFEST, SOURCE_MANIFEST, TRANSFORM_MANIFEST, migrate

SOURCE = """\
import json
from wit_world import exports
from wit_world.imports import host, types

STATE = {}


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        STATE.update(json.loads(config_json))

    def discover(self):
        return json.dumps({"streams": []})

    def validate(self):
        return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="ok")

    def run_read(self, ctx_json):
        ctx = json.loads(ctx_json)
        host.log(2, ctx["stream_name"])
        return types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        STATE.clear()
"""

SOURCE_AFTER = '''\
import json
from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import core_types, host_io, stream_types

STATE = {}


class Source(exports.Source):
    def open(self, config_json):
        STATE.update(json.loads(config_json))
        return (1, core_types.OpenInfo(
            connector_id="acme/source-demo",
            role=core_types.ConnectorRole.SOURCE,
            protocol_version="4",
            capabilities=["cdc"],
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
        return json.dumps({"streams": []})

    def validate(self, session):
        return core_types.ValidationReport(status=core_types.ValidationStatus.SUCCESS, message="ok", warnings=[])

    def _read_stream(self, request):
        ctx = request.stream
        host_io.log(core_types.LogLevel.INFO, ctx.stream_name)
        return stream_types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0,
                                        records_skipped=0)

    def close(self, session):
        STATE.clear()
'''


def test_source_class_is_reshaped(tmp_path):
    m = migrate(tmp_path, SOURCE, manifest=SOURCE_MANIFEST)
    assert m.text == SOURCE_AFTER
    rules = {e.rule_id for e in m.edits}
    assert {"RB503", "RB301", "RB302", "RB303", "RB306"} <= rules
    assert m.blocking() == []


def test_annotated_destination_from_style(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from componentize_py_types import Err
        from wit_world.exports import DestConnector
        from wit_world.imports.host import next_batch
        from wit_world.imports.types import ValidationResult, ValidationStatus, WriteSummary


        class DestConnector(DestConnector):
            def open(self, config_json: str) -> None:
                if not config_json:
                    return
                json.loads(config_json)

            def validate(self) -> ValidationResult:
                return ValidationResult(ValidationStatus.SUCCESS, "ok")

            def run_write(self, ctx_json: str) -> WriteSummary:
                ctx = json.loads(ctx_json)
                while next_batch() is not None:
                    pass
                return WriteSummary(records_written=0, bytes_written=0, batches_written=0, checkpoint_count=0,
                                    records_failed=0)

            def close(self) -> None:
                pass
        """, manifest=DEST_MANIFEST)
    text = m.text
    assert "from wit_world.exports import Destination\n" in text
    assert "class Destination(Destination):" in text
    assert "    def open(self, config_json: str) -> tuple[int, OpenInfo]:\n        if not config_json:\n" \
           "            return (1, OpenInfo(\n                connector_id=\"acme/dest-demo\",\n" in text
    assert text.count("return (1, OpenInfo(") == 2
    assert "    def run(self, session: int, request: RunRequest) -> RunSummary:\n" \
           "        if request.phase == RunPhase.WRITE:\n" in text
    assert "                write=self._write_stream(request),\n" in text
    assert '            message="destination does not serve phase " + request.phase.name.lower(),\n' in text
    assert "    def validate(self, session: int) -> ValidationReport:\n" in text
    assert "    def _write_stream(self, request: RunRequest) -> WriteSummary:\n        ctx = request.stream\n" in text
    assert "    def close(self, session: int) -> None:\n" in text
    assert "from componentize_py_types import Err\n" in text and text.count("import Err") == 1
    assert m.blocking() == []


def test_transform_class_is_reshaped(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world import exports
        from wit_world.imports import types


        class TransformConnector(exports.TransformConnector):
            def open(self, config_json):
                pass

            def validate(self):
                return types.ValidationResult(types.ValidationStatus.SUCCESS, "")

            def run_transform(self, ctx_json):
                return types.TransformSummary(records_in=0, records_out=0, bytes_in=0, bytes_out=0, batches_processed=0)

            def close(self):
                pass
        """, manifest=TRANSFORM_MANIFEST)
    assert "class Transform(exports.Transform):" in m.text
    assert "    def _transform_stream(self, request):\n" in m.text
    assert "transform=self._transform_stream(request)," in m.text
    assert "role=core_types.ConnectorRole.TRANSFORM," in m.text and "capabilities=[]," in m.text
    assert m.blocking() == []


def test_without_manifest_the_class_is_a_finding_and_the_rest_migrates(tmp_path):
    m = migrate(tmp_path, SOURCE, manifest=None)
    assert m.at("RB503") == ["8:7"]
    assert "class SourceConnector(exports.SourceConnector):" in m.text and "def run_read(self, ctx_json):" in m.text
    assert "host_io.log(core_types.LogLevel.INFO," in m.text  # host calls still migrate


def test_manifest_role_that_disagrees_is_a_finding(tmp_path):
    m = migrate(tmp_path, SOURCE, manifest=DEST_MANIFEST)
    assert m.at("RB503") == ["8:7"] and "def run_read(self, ctx_json):" in m.text


@pytest.mark.parametrize("extra, where", [
    ("    def _read_stream(self):\n        pass\n\n", "already defines `_read_stream`"),
    ("    def run(self):\n        pass\n\n", "already defines `run`"),
    ("    run = None\n\n", "already defines `run`"),
])
def test_moved_body_collision_is_a_finding(tmp_path, extra, where):
    src = SOURCE.replace("    def close(self):", extra + "    def close(self):")
    m = migrate(tmp_path, src, manifest=SOURCE_MANIFEST)
    (f,) = [f for f in m.findings if f.rule_id == "RB906"]
    assert (f.line, f.col) == (8, 7) and where in f.message
    assert "class SourceConnector(exports.SourceConnector):" in m.text and "def run_read(self, ctx_json):" in m.text


def test_moved_body_using_the_name_request_is_a_collision(tmp_path):
    src = SOURCE.replace('        host.log(2, ctx["stream_name"])', '        request = 1\n        host.log(2, ctx["stream_name"])')
    m = migrate(tmp_path, src, manifest=SOURCE_MANIFEST)
    assert [f.rule_id for f in m.blocking()] == ["RB906"]


def test_generated_run_and_open_behave_per_protocol_v4(tmp_path):
    """Import the migrated module against real v4 bindings and call the generated methods."""
    from rbmigrate.bindings import generate
    from rbmigrate.resources import wit_dir

    m = migrate(tmp_path, SOURCE, manifest=SOURCE_MANIFEST)
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_bytes(m.after)
    generate(tmp_path / "bindings", "rapidbyte-source", wit_dir("v4"))
    probe = textwrap.dedent("""\
        import app
        from componentize_py_types import Err
        from wit_world.imports import core_types, stream_types
        s = app.Source()
        session, info = s.open('{"a": 1}')
        assert session == 1 and info.connector_id == "acme/source-demo" and info.protocol_version == "4"
        assert info.role == core_types.ConnectorRole.SOURCE and info.capabilities == ["cdc"]
        assert info.default_limits.max_batch_bytes == 64 * 1024 * 1024 and info.default_limits.max_parallel_requests == 1
        assert s.validate(session).warnings == []
        req = stream_types.RunRequest(stream=None, phase=core_types.RunPhase.DISCOVER, dry_run=False, max_records=None)
        out = s.run(session, req)
        assert out.role == core_types.ConnectorRole.SOURCE and out.discover.catalog_json == '{"streams": []}'
        assert (out.read, out.write, out.transform) == (None, None, None)
        try:
            s.run(session, stream_types.RunRequest(stream=None, phase=core_types.RunPhase.WRITE, dry_run=False,
                                                   max_records=None))
        except Err as err:
            e = err.value
            assert (e.category, e.scope, e.code) == (core_types.ErrorCategory.CONFIG, core_types.ErrorScope.PER_STREAM,
                                                     "UNSUPPORTED_PHASE")
            assert e.message == "source does not serve phase write"
            assert (e.retryable, e.retry_after_ms, e.backoff_class, e.safe_to_retry, e.commit_state, e.details) == (
                False, None, core_types.BackoffClass.NORMAL, False, None, None)
        else:
            raise AssertionError("no UNSUPPORTED_PHASE")
        s.close(session)
        print("ok")
        """)
    out = subprocess.run([sys.executable, "-c", probe], cwd=app, capture_output=True, text=True,
                         env={"PYTHONPATH": f"{app}:{tmp_path / 'bindings'}", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_recipe_sketch(tmp_path):
    """migration-recipes.md §3, the v3 guest of the sketch."""
    m = migrate(tmp_path, """\
        import json
        from wit_world import exports
        from wit_world.imports import host, types

        class SourceConnector(exports.SourceConnector):
            def open(self, config_json: str) -> None: ...
            def discover(self) -> str: ...
            def validate(self) -> types.ValidationResult: ...
            def run_read(self, ctx_json: str) -> types.ReadSummary:
                ctx = json.loads(ctx_json)
                name = ctx["stream_name"]
                host.emit_batch(h)
                host.checkpoint(0, json.dumps({"id": n, "stream": name, "cursor_field": "id", "cursor_value": last, "records_processed": r, "bytes_processed": b}))
            def close(self) -> None: ...
        """, manifest=SOURCE_MANIFEST)
    text = m.text
    assert "from wit_world.imports import core_types, host_io, stream_types, telemetry\n" in text
    assert "class Source(exports.Source):\n" in text
    assert "    def run(self, session: int, request: stream_types.RunRequest) -> stream_types.RunSummary:\n" in text
    assert "    def validate(self, session: int) -> core_types.ValidationReport: ...\n" in text
    assert "    def _read_stream(self, request: stream_types.RunRequest) -> stream_types.ReadSummary:\n" \
           "        ctx = request.stream\n        name = ctx.stream_name\n        host_io.batch_emit(h)\n" in text
    assert textwrap.dedent("""\
        host_io.telemetry_checkpoint(telemetry.CheckpointEvent(
            kind=telemetry.CheckpointKind.SOURCE,
            id=n,
            stream=name,
            cursor=json.dumps({"field": "id", "value": last}),
            records=r,
            bytes=b,
        ))
        """).replace("\n", "\n        ").rstrip(" ") in "        " + text.split("name = ctx.stream_name\n", 1)[1].split("host_io.batch_emit(h)\n", 1)[1]
    assert "    def close(self, session: int) -> None: ...\n" in text
    # one-line bodies (`...`) cannot gain the open return: that is a finding, the rest is migrated
    assert [f.rule_id for f in m.blocking()] == ["RB301"]

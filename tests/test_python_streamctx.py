"""Python adapter, before/after: the decoded stream context → the typed `request.stream` (RB501, RB502, RB905)."""

from __future__ import annotations

import textwrap

import pytest

from test_python_helpers import SOURCE_MANIFEST, migrate

HEAD = """\
import json
from wit_world import exports
from wit_world.imports import host, types


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        pass

    def discover(self):
        return "{}"

    def validate(self):
        return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="")

    def close(self):
        pass

    def run_read(self, ctx_json):
        ctx = json.loads(ctx_json)
"""
TAIL = "        return types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0, " \
       "records_skipped=0)\n"


def read_body(tmp_path, body: str, helpers: str = ""):
    """Migrate a source whose `run_read` body is `body` (module-level helpers before the class)."""
    src = HEAD.replace("\n\nclass", "\n\n" + textwrap.dedent(helpers) + "\n\nclass") if helpers else HEAD
    src += textwrap.indent(textwrap.dedent(body), " " * 8) + TAIL
    m = migrate(tmp_path, src, manifest=SOURCE_MANIFEST, dedent=False)
    text = m.text
    moved = text.split("    def _read_stream(self, request):\n", 1)[1].rsplit(TAIL.replace("types.", "stream_types."), 1)[0]
    head = text.split("class Source(exports.Source):", 1)[0]
    return m, moved, head


ACCESS = [
    ('name = ctx["stream_name"]', "name = ctx.stream_name"),
    ('name = ctx.get("stream_name")', "name = ctx.stream_name"),
    ('src = ctx.get("source_stream_name", "x")',
     'src = ctx.source_stream_name if ctx.source_stream_name is not None else "x"'),
    ('cols = ctx.get("selected_columns") or []', "cols = ctx.selected_columns or []"),
    ('b = ctx["limits"]["max_batch_bytes"]', "b = ctx.limits.max_batch_bytes"),
    ('b = ctx["limits"].get("checkpoint_interval_rows")', "b = ctx.limits.checkpoint_interval_rows"),
    ('n = ctx["limits"]["max_records"]', "n = request.max_records"),
    ('f = ctx["cursor_info"]["cursor_field"]', "f = ctx.cursor_info.cursor_field"),
    ('t = ctx["cursor_info"].get("cursor_type")', "t = ctx.cursor_info.cursor_type"),
    ('last = ctx["cursor_info"]["last_value"]',
     "last = json.loads(ctx.cursor_info.last_value) if ctx.cursor_info.last_value is not None else None"),
    ('f = (ctx.get("cursor_info") or {}).get("cursor_field")',
     "f = ctx.cursor_info.cursor_field if ctx.cursor_info is not None else None"),
    ('p = ctx["policies"]["on_data_error"]', "p = ctx.on_data_error"),
    ('p = (ctx.get("policies") or {}).get("on_data_error", "fail")', "p = ctx.on_data_error"),
    ('e = ctx["policies"]["schema_evolution"]', 'e = json.loads(ctx.extensions_json or "{}").get("schema_evolution")'),
    ('s = ctx.get("partition_strategy")', 's = json.loads(ctx.extensions_json or "{}").get("partition_strategy")'),
    ('k = ctx["effective_parallelism"]', 'k = json.loads(ctx.extensions_json or "{}").get("effective_parallelism")'),
    ('o = ctx["copy_flush_bytes_override"]',
     'o = json.loads(ctx.extensions_json or "{}").get("copy_flush_bytes_override")'),
    ('i = ctx.get("partition_index")', "i = ctx.partition.index if ctx.partition is not None else None"),
    ('c = ctx.get("partition_count", 1)', "c = ctx.partition.count if ctx.partition is not None else 1"),
    ('pk = ctx["write_mode"]["primary_key"]', "pk = ctx.primary_key"),
    ('has = ctx.get("write_mode") is not None', "has = ctx.write_mode is not None"),
    ('names = [c["name"] for c in ctx["schema"]["data"]]', "names = [c.name for c in ctx.schema]"),
    ('info = ctx["cursor_info"]\nif info:\n    f = info["cursor_field"]',
     "info = ctx.cursor_info\nif info:\n    f = info.cursor_field"),
]


@pytest.mark.parametrize("before, after", ACCESS, ids=[a[0] for a in ACCESS])
def test_each_dict_access_pattern(tmp_path, before, after):
    m, moved, _ = read_body(tmp_path, before + "\n")
    assert moved == "        ctx = request.stream\n" + textwrap.indent(after, " " * 8) + "\n"
    assert m.blocking() == []
    assert "RB501" in {e.rule_id for e in m.edits}


ENUMS = [
    ('if ctx["sync_mode"] == "incremental":\n    pass',
     "if ctx.sync_mode == stream_types.SyncMode.INCREMENTAL:\n    pass"),
    ('mode = ctx["sync_mode"]\nif mode != "full_refresh" and mode in ("cdc", "incremental"):\n    pass',
     "mode = ctx.sync_mode\nif mode != stream_types.SyncMode.FULL_REFRESH and mode in "
     "(stream_types.SyncMode.CDC, stream_types.SyncMode.INCREMENTAL):\n    pass"),
    ('if "dlq" == ctx["policies"]["on_data_error"]:\n    pass',
     "if stream_types.DataErrorPolicy.DLQ == ctx.on_data_error:\n    pass"),
    ('wm = ctx.get("write_mode") or {"mode": "append"}\nmode = wm.get("mode", "append")\nif mode == "upsert":\n    pass',
     "mode = ctx.write_mode or stream_types.WriteMode.APPEND\nif mode == stream_types.WriteMode.UPSERT:\n    pass"),
    ('host.log(2, "mode %s" % ctx["sync_mode"])',
     'host_io.log(core_types.LogLevel.INFO, "mode %s" % ctx.sync_mode.name.lower())'),
    ('p = ctx["policies"]["on_data_error"]\nmsg = f"policy {p}: " + str(p)',
     'p = ctx.on_data_error\nmsg = f"policy {p.name.lower()}: " + str(p.name.lower())'),
]


@pytest.mark.parametrize("before, after", ENUMS, ids=[e[0].splitlines()[0] for e in ENUMS])
def test_enum_valued_strings_are_compared_and_formatted_as_members(tmp_path, before, after):
    m, moved, _ = read_body(tmp_path, before + "\n")
    assert moved == "        ctx = request.stream\n" + textwrap.indent(after, " " * 8) + "\n"
    assert m.blocking() == []
    assert "RB502" in {e.rule_id for e in m.edits}


def test_helpers_that_receive_the_dict_receive_the_record(tmp_path):
    helpers = """\
        def _limits(ctx):
            return ctx["limits"]


        def _rows(ctx):
            return _limits(ctx).get("checkpoint_interval_rows") or 0


        def _max_records(ctx):
            return _limits(ctx).get("max_records")


        def _policy(ctx):
            return (ctx.get("policies") or {}).get("on_data_error", "fail")


        def _cursor(ctx):
            info = ctx.get("cursor_info")
            return info["cursor_field"] if info else None
        """
    m, moved, head = read_body(tmp_path, """\
        rows = _rows(ctx)
        top = _max_records(ctx)
        policy = _policy(ctx)
        if policy == "skip":
            host.log(1, "skipping with policy %s" % policy)
        cursor = _cursor(ctx)
        """, helpers)
    assert head.split("\n\n\n", 1)[1] == textwrap.dedent("""\
        def _limits(ctx):
            return ctx.limits


        def _rows(ctx):
            return _limits(ctx).checkpoint_interval_rows or 0


        def _max_records(ctx):
            return ctx.max_records


        def _policy(ctx):
            return ctx.on_data_error


        def _cursor(ctx):
            info = ctx.cursor_info
            return info.cursor_field if info else None


        """)
    assert moved == textwrap.indent(textwrap.dedent("""\
        ctx = request.stream
        rows = _rows(ctx)
        top = _max_records(request)
        policy = _policy(ctx)
        if policy == stream_types.DataErrorPolicy.SKIP:
            host_io.log(core_types.LogLevel.WARN, "skipping with policy %s" % policy.name.lower())
        cursor = _cursor(ctx)
        """), " " * 8)
    assert m.blocking() == []


def test_unprovable_uses_are_findings_and_the_rest_migrates(tmp_path):
    m, moved, _ = read_body(tmp_path, """\
        key = "stream_name"
        a = ctx[key]
        send(ctx)
        for k in ctx:
            pass
        fmt = ctx["schema"]["format"]
        u = ctx["unknown_key"]
        m = ctx["sync_mode"]
        other(m)
        host.log(2, ctx_json)
        name = ctx["stream_name"]
        """)
    assert sorted((f.rule_id, f.line, f.col) for f in m.blocking()) == [
        ("RB502", 29, 15),  # the enum value flows into `other(...)`
        ("RB905", 22, 13),  # computed key
        ("RB905", 23, 14),  # passed to an unknown function
        ("RB905", 24, 18),  # iterated
        ("RB905", 27, 13),  # unknown key
        ("RB905", 30, 21),  # ctx_json used otherwise
        ("RB908", 26, 15),  # the arrow/columns format switch
    ]
    assert "a = ctx[key]" in moved and "send(ctx)" in moved and "for k in ctx:" in moved
    assert "name = ctx.stream_name" in moved  # the rest still migrates
    assert 'fmt = ctx["schema"]["format"]' in moved


def test_unprovable_uses_are_found_again_by_scan_after_migration(tmp_path):
    m, _, _ = read_body(tmp_path, """\
        a = ctx["stream_" + "name"]
        for k in ctx.keys():
            pass
        """)
    assert len([f for f in m.findings if f.rule_id == "RB905"]) == 2
    again = migrate(tmp_path, m.after, manifest=SOURCE_MANIFEST)
    assert again.edits == []
    assert len([f for f in again.findings if f.rule_id == "RB905"]) == 2


def test_a_helper_called_with_the_dict_and_with_other_values_is_not_rewritten(tmp_path):
    helpers = """\
        def name_of(d):
            return d["stream_name"]


        CONFIG_NAME = name_of({"stream_name": "x"})
        """
    m, moved, head = read_body(tmp_path, "n = name_of(ctx)\n", helpers)
    assert 'return d["stream_name"]' in head
    assert m.at("RB905") == ["28:21"]


def test_unrelated_ctx_json_parameter_and_json_loads_are_untouched(tmp_path):
    m = migrate(tmp_path, """\
        import json
        from wit_world.imports import host

        def parse(ctx_json):
            ctx = json.loads(ctx_json)
            return ctx["stream_name"], ctx.get("sync_mode") == "incremental"

        def f(h):
            host.emit_batch(h)
        """)
    assert 'ctx = json.loads(ctx_json)\n    return ctx["stream_name"], ctx.get("sync_mode") == "incremental"' in m.text
    assert "host_io.batch_emit(h)" in m.text

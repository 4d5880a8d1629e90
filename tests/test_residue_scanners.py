"""The residue pass's scanners (RB920): what is a v3 spelling, token by token, in each language.

Both directions for each rule of precision: what must be reported (protocol positions, the issue's
examples) and what must not (names that merely contain a v3 word, plain words outside a protocol
position, the project's own helpers).
"""

from __future__ import annotations

import textwrap

import pytest

from rbmigrate.residue import scan_text, spellings_for
from rbmigrate.residue.gate import gates_for
from rbmigrate.ruletable import default_table


@pytest.fixture(scope="module")
def s():
    return spellings_for(default_table())


def found(s, kind: str, text: str, protocol: bool | None = None) -> list[tuple[int, str, str]]:
    text = textwrap.dedent(text).lstrip("\n")
    out = []
    for hit in scan_text(kind, text, s, protocol).sorted():
        out.append((text.count("\n", 0, hit.start) + 1, hit.shown, hit.name.rule_id))
    return out


def shown(hits) -> list[str]:
    return [h[1] for h in hits]


# ---------------------------------------------------------------------------- the spellings


def test_every_rename_of_the_rule_table_has_its_spellings(s):
    table = default_table()
    for rename in table.renames:
        if rename.old.wit == rename.new.wit:
            continue
        if rename.item == "function" and rename.interface == "host":
            assert s.host_functions[rename.old.snake].rule_id == rename.rule_id
            assert rename.old.wit in s.wit_functions
        elif rename.item == "interface":
            assert s.interfaces[rename.old.snake].rule_id == rename.rule_id
            assert s.python_modules()[f"wit_world.imports.{rename.old.snake}"].rule_id == rename.rule_id
        elif rename.item == "type":
            assert s.types[rename.old.pascal].new == rename.new.pascal
        elif rename.item == "field":
            assert s.fields[rename.old.snake].new == rename.new.snake
    for rule in table:  # language-only renames (`state_compare_and_set`, `HostTcpStream`, `CheckpointKind::Dest`)
        spec = rule.rust or rule.python
        if spec.get("from") and spec.get("item") == "type":
            assert s.types[spec["from"]].rule_id == rule.id
    assert s.always["emit_batch_impl"].new == "batch_emit_impl"  # `_impl` twins
    assert s.always["call_run_read"].rule_id == "RB410"
    assert s.always["rapidbyte_connector_source_connector"].new == "rapidbyte_connector_source"
    assert s.variants[("ProtocolVersion", "V2")].rule_id == "RB405"
    assert s.package.text == "rapidbyte:connector@3.0.0"
    for rule_id in (s.protocol_version.rule_id, s.sdk_requirement.rule_id, s.component_target.rule_id):
        assert rule_id in table and table.get(rule_id).kind == "version"
    assert table.get(s.always["emit_batch_impl"].rule_id).name == "host-impl-twins"


def test_words_v4_keeps_are_never_distinctive(s):
    assert "checkpoint" in s.plain_methods and "checkpoint" not in s.methods
    assert "log" not in s.methods and "state_get" not in s.methods
    for word in ("host", "types", "discover", "read", "open", "close", "validate", "log", "metric"):
        assert word not in s.methods and word not in s.always and word not in s.types


# ---------------------------------------------------------------------------- Rust


def test_rust_issue_examples(s):
    hits = found(s, "rust", """
        use rapidbyte_sdk::prelude::*;

        macro_rules! emit {
            ($ctx:expr, $b:expr) => {
                $ctx.emit_batch(&$b)
            };
        }

        pub fn pointer() -> fn(&Context, &RecordBatch) -> Result<(), ConnectorError> {
            Context::emit_batch
        }
    """)
    assert hits == [(5, "emit_batch", "RB101"), (10, "emit_batch", "RB101")]


def test_rust_context_receivers_and_lookalikes(s):
    hits = found(s, "rust", """
        use rapidbyte_sdk::prelude::*;

        // a helper named like the host call: its name and its bare calls are the project's own
        fn emit_batch(ctx: &Context, batch: &RecordBatch) -> Result<(), ConnectorError> {
            ctx.emit_batch(batch)
        }

        fn read(ctx: &Context, queue: &mut Queue, summary: &mut ReadSummary) {
            emit_batch(ctx, &batch).unwrap();
            let stream_ctx = ctx.with_stream("users");
            stream_ctx.checkpoint(cp);
            ctx.metric(m);
            metrics.checkpoint();
            queue.next_batch(16);
            summary.checkpoint_count += 1;
            let emit_batch_nanos = 0;
            let source_connector_id = "x";
            let f = Context::checkpoint;
        }
    """)
    assert hits == [(5, "emit_batch", "RB101"), (11, "checkpoint", "RB104"), (12, "metric", "RB105"),
                    (18, "checkpoint", "RB104")]


def test_rust_std_task_context_is_not_the_sdk_context(s):
    assert found(s, "rust", """
        use std::task::{Context, Poll};

        fn poll(ctx: &mut Context) -> Poll<()> {
            ctx.checkpoint();
            Poll::Ready(())
        }
    """) == []


def test_rust_protocol_blocks(s):
    hits = found(s, "rust", """
        impl Source for PgSource {
            async fn init(config: Config) -> Result<(Self, OpenInfo), ConnectorError> { todo!() }
            async fn read(&mut self, ctx: &Context, stream: StreamContext) -> R { todo!() }
            fn helper() { fn read() {} }
        }

        impl io::Write for Sink {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> { Ok(0) }
        }

        impl host::Host for HostState {
            fn checkpoint(&mut self, kind: u32, payload: String) -> R { self.checkpoint_impl(kind, payload) }
            fn log(&mut self, level: u32, msg: String) {}
        }

        impl Wrapper {
            fn checkpoint(&self) {}
        }
    """)
    assert hits == [(2, "init", "RB406"), (3, "read", "RB303"), (12, "checkpoint", "RB104"),
                    (12, "checkpoint_impl", "RB411")]


def test_rust_binding_paths_and_modules(s):
    hits = found(s, "rust", """
        use crate::bindings::rapidbyte::connector::{host, types::{ReadSummary}};
        use crate::bindings::rapidbyte::connector::host_io;
        use crate::bindings::exports::rapidbyte::connector::source_connector::Guest;

        fn f() {
            host::log(1, "x");
            host_io::log(LogLevel::Info, "x");
            host_io::checkpoint(0, "");
            let accessor = bindings.rapidbyte_connector_source_connector();
            accessor.call_run_read(&mut store, &ctx_json);
        }
    """)
    assert shown(hits) == [
        "rapidbyte::connector::host", "rapidbyte::connector::types", "rapidbyte::connector::source_connector",
        "host", "checkpoint", "rapidbyte_connector_source_connector", "call_run_read",
    ]


def test_rust_strings_raw_strings_and_comments(s):
    hits = found(s, "rust", """
        pub const HOST: &str = "rapidbyte:connector/host@3.0.0";
        fn link(linker: &mut Linker) {
            linker.add_func("emit-batch", f);
            linker.func_wrap("checkpoint", g);
            let label = "checkpoint";
            let message = "emit_batch failed";
            let template = format!(r#"fn run(ctx: &Context) {{ ctx.emit_batch(b) }}"#);
        }
        /// Call `ctx.emit_batch()` once per batch; `emit_batch_nanos` is a metric.
        ///
        /// ```
        /// let v = ProtocolVersion::V2;
        /// ```
        fn documented() {}
    """)
    assert hits == [(1, "rapidbyte:connector/host@3.0.0", "RB010"), (3, '"emit-batch"', "RB101"),
                    (4, '"checkpoint"', "RB104"), (7, "emit_batch", "RB101"), (9, "emit_batch", "RB101"),
                    (12, "ProtocolVersion::V2", "RB405")]


def test_rust_versions_fields_and_variants(s):
    hits = found(s, "rust", """
        fn main() {
            ManifestBuilder::source("x").protocol_version("3").emit();
            let k = CheckpointKind::Dest;
            let scope = StateScope::Stream;
            let other = Direction::Stream;
            let e = ConnectorError { details_json: None, ..base };
            let d = e.details_json;
        }
        pub fn with_details(mut self, details_json: impl Into<String>) -> Self { self }
    """)
    assert hits == [(2, '"3"', "RB601"), (3, "CheckpointKind::Dest", "RB403"), (4, "StateScope::Stream", "RB404"),
                    (6, "details_json", "RB204"), (7, "details_json", "RB204")]


# ---------------------------------------------------------------------------- Python


def test_python_issue_example(s):
    hits = found(s, "python", """
        import importlib

        _host = importlib.import_module("wit_world.imports.host")


        def flush(rows, payload):
            _host.checkpoint(0, payload)
            return _host.next_batch()
    """)
    assert hits == [(3, '"wit_world.imports.host"', "RB010"), (7, "checkpoint", "RB104"),
                    (8, "next_batch", "RB102")]


def test_python_import_forms_and_protocol_positions(s):
    hits = found(s, "python", """
        import json
        import wit_world.imports.host as h
        from wit_world import exports
        from wit_world.imports import host_io, types
        from wit_world.imports.host import emit_batch as emit, log
        from wit_world.imports.types import *


        class Source(exports.SourceConnector):
            def discover(self) -> str:
                h.log(2, "x")
                host_io.checkpoint(0, "{}")
                host_io.state_put(1, "k", val="v")
                emit(1)
                log(1, "y")
                return types.ReadSummary(records_read=1)

            def helper(self):
                self.checkpoint_count = 1
                ReadSummary(records_read=0)
                return getattr(h, "checkpoint")


        def emit_batch(rows):  # the project's own helper
            return rows


        class Batcher:
            def go(self, metrics):
                self.emit_batch([])
                metrics.checkpoint()
                return "emit_batch failed"
    """)
    assert hits == [
        (2, "wit_world.imports.host", "RB010"), (4, "wit_world.imports.types", "RB011"),
        (5, "wit_world.imports.host", "RB010"), (5, "emit_batch", "RB101"), (5, "log", "RB103"),
        (6, "wit_world.imports.types", "RB011"),
        (9, "SourceConnector", "RB012"), (10, "discover", "RB306"), (11, "log", "RB103"), (12, "checkpoint", "RB104"),
        (13, "val", "RB108"), (14, "emit", "RB101"), (15, "log", "RB103"), (16, "ReadSummary", "RB011"),
        (20, "ReadSummary", "RB011"), (21, '"checkpoint"', "RB104"),
    ]


def test_python_v4_code_is_clean(s):
    assert found(s, "python", """
        import importlib
        from wit_world import exports
        from wit_world.imports import core_types, host_io, stream_types, telemetry

        _io = importlib.import_module("wit_world.imports.host_io")


        class Source(exports.Source):
            def run(self, session: int, request: stream_types.RunRequest) -> stream_types.RunSummary:
                host_io.batch_emit(1)
                _io.telemetry_checkpoint(telemetry.CheckpointEvent(kind=telemetry.CheckpointKind.SOURCE))
                host_io.log(core_types.LogLevel.INFO, "emit_batch took long")
                checkpoint = {"source_connector_id": 1, "checkpoint_count": 2}
                return checkpoint
    """) == []


# ---------------------------------------------------------------------------- WIT


def test_wit_protocol_package_and_third_party_paths(s):
    protocol = found(s, "wit", """
        package rapidbyte:connector@4.0.0;

        interface host-io {
            tcp-connect: func(host: string, port: u16) -> result<u64, connector-error>;
            checkpoint: func(kind: u32) -> result<_, connector-error>;
        }

        interface source {
            discover: func() -> result<string, connector-error>;
        }

        interface stream-types {
            record run-summary { discover: option<discover-summary> }
        }

        world rapidbyte-source {
            import host;
            export source;
        }
    """)
    assert protocol == [(5, "checkpoint", "RB104"), (9, "discover", "RB306"), (17, "host", "RB010")]
    third_party = found(s, "wit", """
        package acme:audit@1.0.0;

        interface audit {
            use rapidbyte:connector/types@3.0.0.{validation-result, connector-error};
            use rapidbyte:connector/core-types@4.0.0.{connector-error as error};
            record checkpoint { host: string, types: list<string> }
            emit-batch: func();
        }
    """)
    assert shown(third_party) == ["rapidbyte:connector/types", "@3.0.0", "validation-result"]


def test_wit_other_versions_and_plain_packages_are_left_alone(s):
    assert found(s, "wit", """
        package rapidbyte:connector@2.0.0;
        interface host { emit-batch: func(); }
    """) == []
    # a file of a protocol package that declares no package itself: the folder decides
    text = "interface host {\n    emit-batch: func();\n}\n"
    assert found(s, "wit", text, protocol=False) == []
    assert shown(found(s, "wit", text, protocol=True)) == ["host", "emit-batch"]


# ---------------------------------------------------------------------------- TOML, JSON, Markdown


def test_toml_manifests(s):
    hits = found(s, "toml", """
        [dependencies]
        rapidbyte-sdk = "3.2"
        serde = "3"

        [workspace.dependencies]
        rapidbyte-sdk = { path = "../sdk", version = "3" }

        [dependencies.rapidbyte-sdk]
        version = "^3"

        [package.metadata.component]
        target = "rapidbyte:connector/rapidbyte-source@3.0.0"

        [package.metadata.component.target]
        package = "rapidbyte:connector"
        version = "3.0.0"

        [tool.rapidbyte]
        protocol_version = "3"  # "2" and "3" both mean v3
        name = "emit-batch"
        version = "3.0.0"
    """)
    assert hits == [(2, 'rapidbyte-sdk = "3.2"', "RB602"), (9, 'rapidbyte-sdk version "^3"', "RB602"),
                    (12, "rapidbyte:connector/rapidbyte-source@3.0.0", "RB603"), (16, '"3.0.0"', "RB603"),
                    (19, '"3"', "RB601"), (20, '"emit-batch"', "RB101")]
    assert found(s, "toml", '[tool.rapidbyte]\nprotocol_version = "4"\n[dependencies]\nrapidbyte-sdk = "4"\n') == []


def test_json_manifests(s):
    hits = found(s, "json", """
        {"id": "rapidbyte/source-postgres", "protocol_version": "3",
         "wit": "rapidbyte:connector/host@3.0.0", "calls": ["emit-batch", "checkpoint"],
         "nested": {"protocol_version": 2}, "note": "protocol_version 3 was the old one"}
    """)
    assert hits == [(1, '"3"', "RB601"), (2, "rapidbyte:connector/host@3.0.0", "RB010"),
                    (2, '"emit-batch"', "RB101"), (3, "2", "RB601")]
    assert found(s, "json", '{"protocol_version": "4", "version": "3"}') == []


def test_markdown_spans_and_fences(s):
    hits = found(s, "markdown", """
        # Source connector

        Calls `ctx.emit_batch(&b)` for every batch; `emit_batch_nanos` and `checkpoint_count` are metrics.
        The word emit_batch in prose is not code.

        ```rust
        fn f(ctx: &Context) { ctx.checkpoint(cp); metrics.checkpoint(); }
        ```

        ```python
        from wit_world.imports import host
        ```

        ```toml
        [tool.rapidbyte]
        protocol_version = "3"
        ```

        ```text
        rapidbyte::connector::types::ReadSummary
        ```
    """)
    assert hits == [(3, "emit_batch", "RB101"), (7, "checkpoint", "RB104"), (11, "wit_world.imports.host", "RB010"),
                    (16, '"3"', "RB601"), (20, "rapidbyte::connector::types", "RB011")]


def test_code_of_no_known_language_is_token_exact(s):
    assert shown(found(s, "code", "ctx.emit_batch(b); x.emit_batch_nanos; Context::checkpoint; host.checkpoint(1)")) \
        == ["emit_batch", "Context::checkpoint"]


# ---------------------------------------------------------------------------- the gate


@pytest.mark.parametrize("kind, text", [
    ("rust", "$ctx.emit_batch(&b)"),
    ("rust", "fn f(ctx: &Context) { ctx.checkpoint(c) }"),
    ("rust", "use crate::bindings::rapidbyte::connector::host;"),
    ("python", '_h = importlib.import_module("wit_world.imports.host")'),
    ("python", "from wit_world.imports import (\n    host,\n)"),
    ("wit", "interface x { use rapidbyte:connector/types@4.0.0.{x}; }"),
    ("toml", 'protocol_version = "3"'),
    ("json", '{"protocol_version": 3}'),
    ("markdown", "see `host.emit_batch`"),
])
def test_the_gate_lets_every_scanned_construct_through(s, kind, text):
    assert gates_for(s)(kind, text.encode())
    assert found(s, kind, text) != []


@pytest.mark.parametrize("kind, path", [
    ("wit", "wit/v4/rapidbyte-connector.wit"),
    ("rust", "testdata/rust/sdk-v4/rapidbyte-sdk/src/context.rs"),
])
def test_the_gate_keeps_v4_files_out(s, kind, path):
    from workflow_support import REPO

    assert not gates_for(s)(kind, (REPO / path).read_bytes())


def test_the_gate_is_a_superset_of_the_scanners(s):
    """Every file of testdata (v3 inputs, v4 outputs, docs) that a scanner finds something in passes
    the gate: the gate only ever skips files with nothing to report."""
    from workflow_support import REPO

    from rbmigrate.residue import scan_kind

    gate = gates_for(s)
    checked = 0
    for path in sorted((REPO / "testdata").rglob("*")) + sorted((REPO / "rules" / "cases").rglob("*")):
        kind = scan_kind(path) if path.is_file() else None
        if kind is None:
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "surrogateescape")
        hits = scan_text(kind, text, s, True if kind == "wit" else None).sorted()
        checked += 1
        assert not hits or gate(kind, data), f"{path}: {hits[0]} found but the gate is closed"
    assert checked > 300


def test_the_python_lexer_agrees_with_tokenize(s):
    """The Python scanner lexes with a regex (several times faster than :mod:`tokenize` on the files
    it reads); on every Python file of the repository it yields exactly tokenize's significant tokens,
    in the same logical lines."""
    import io
    import tokenize

    from workflow_support import REPO

    from rbmigrate.residue.python import PythonScanner

    skip = {tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
            tokenize.NEWLINE, tokenize.ENDMARKER}
    checked = 0
    for path in sorted(REPO.glob("rbmigrate/lang/python/*.py")) + sorted(REPO.glob("rbmigrate/residue/*.py")) + sorted(
            REPO.glob("testdata/**/*.py")) + sorted(REPO.glob("rules/cases/**/*.py")):
        text = path.read_text(encoding="utf-8")
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        expected, line = [], []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NEWLINE and line:
                expected.append(line)
                line = []
            if tok.type in skip:
                continue
            kind = tokenize.OP if tok.type == tokenize.OP or tok.exact_type != tok.type else tok.type
            line.append((kind, tok.string, starts[tok.start[0] - 1] + tok.start[1]))
        if line:
            expected.append(line)
        ours = [[(t.type, t.string, t.start) for t in toks] for _level, toks in PythonScanner(s, text)._logical_lines()]
        assert ours == expected, path
        checked += 1
    assert checked > 50

"""The Rust adapter on small crates: receivers, name resolution, use lists, literals, reshaping, strings.

Each test writes a tiny crate (Cargo.toml + src/*.rs), runs the real pipeline in diff mode and looks
at the planned output and findings. Precision cases check that a lookalike stays byte-identical.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rbmigrate.engine import Options, run
from rbmigrate.lang.base import FileContext, ParseError, UnitContext
from rbmigrate.lang.rust import RustAdapter
from rbmigrate.ruletable import default_table


def crate(tmp_path: Path, files: dict[str, str], name: str = "demo", width: int | None = 120) -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "Cargo.toml").write_text(f'[package]\nname = "{name}"\nversion = "0.1.0"\n', encoding="utf-8")
    if width is not None:
        (root / "rustfmt.toml").write_text(f'max_width = {width}\nuse_small_heuristics = "Max"\n', encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n").encode("utf-8")
        path.write_bytes(data)
    return root


def migrate(root: Path):
    result, path_map = run([root], Options(mode="diff", base=root))
    assert not result.errors, [e.message for e in result.errors]
    out = {}
    for f in result.files:
        out[f.path] = (f.after if f.changed else f.before).decode("utf-8")
    return out, result.findings


def one(tmp_path, source: str, **kw) -> tuple[str, list]:
    out, findings = migrate(crate(tmp_path, {"src/lib.rs": source}, **kw))
    return out["src/lib.rs"], findings


def rules_of(findings) -> list[str]:
    return sorted(f.rule_id for f in findings)


# ------------------------------------------------------------------ receivers


def test_context_parameter_is_renamed_and_std_task_context_is_not(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{Context, RecordBatch};

        pub fn a(ctx: &Context, b: &RecordBatch) { ctx.emit_batch(b).unwrap(); }
        pub fn b(ctx: &mut std::task::Context<'_>) { ctx.emit_batch(); }
        pub fn c(ctx: Context) { ctx.checkpoint(&x); }
        pub fn d(ctx: &rapidbyte_sdk::Context) { ctx.metric(&m); }
        """,
    )
    assert "ctx.batch_emit(b)" in out
    assert "pub fn b(ctx: &mut std::task::Context<'_>) { ctx.emit_batch(); }" in out
    assert "ctx.telemetry_checkpoint(&x)" in out
    assert "ctx.telemetry_metric(&m)" in out


def test_explicit_std_import_shadows_the_prelude_glob(tmp_path):
    source = """
        use std::task::Context;
        use rapidbyte_sdk::prelude::*;

        fn poll(ctx: &mut Context<'_>) { ctx.emit_batch(); }
        """
    out, _ = one(tmp_path, source)
    assert out == textwrap.dedent(source).lstrip("\n")


def test_with_stream_clone_and_closure_bindings_are_the_sdk_context(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::prelude::*;

        fn f(ctx: &Context) {
            let s = ctx.with_stream("users");
            s.next_batch(1);
            let c = ctx.clone();
            c.emit_dlq_record("{}", "bad", ErrorCategory::Data);
            let g = |inner: &Context| inner.emit_batch(&b);
            let h = |inner| inner.emit_batch(&b);
        }
        """,
    )
    assert "s.batch_next(1)" in out
    assert "c.telemetry_dlq(" in out
    assert "|inner: &Context| inner.batch_emit(&b)" in out
    assert "|inner| inner.emit_batch(&b)" in out  # untyped closure parameter: not provable


def test_shadowing_and_pattern_bindings_are_not_the_context(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::Context;

        fn f(ctx: &Context, queue: Queue) {
            {
                let ctx = queue;
                ctx.emit_batch(1);
            }
            for ctx in others() { ctx.emit_batch(2); }
            if let Some(ctx) = maybe() { ctx.emit_batch(3); }
            match pick() { ctx => ctx.emit_batch(4) }
            ctx.emit_batch(5);
        }
        """,
    )
    for n in (1, 2, 3, 4):
        assert f"ctx.emit_batch({n})" in out
    assert "ctx.batch_emit(5)" in out


def test_local_fn_named_like_the_host_call_keeps_its_name(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{Context, RecordBatch};

        fn emit_batch(ctx: &Context, b: &RecordBatch) { ctx.emit_batch(b).unwrap() }
        fn caller(ctx: &Context, b: &RecordBatch) { emit_batch(ctx, b); self::emit_batch(ctx, b); }
        """,
    )
    assert "fn emit_batch(ctx: &Context, b: &RecordBatch) { ctx.batch_emit(b).unwrap() }" in out
    assert "{ emit_batch(ctx, b); self::emit_batch(ctx, b); }" in out


def test_context_field_is_a_crate_wide_fact(tmp_path):
    out, _ = migrate(
        crate(
            tmp_path,
            {
                "src/lib.rs": """
                    mod session;
                    use rapidbyte_sdk::Context;
                    pub struct Holder { pub ctx: Context, pub log: Vec<u8> }
                    """,
                "src/session.rs": """
                    use crate::Holder;
                    pub struct Other { log: Logger }
                    impl Holder {
                        fn go(&self) { self.ctx.next_batch(1); self.log.checkpoint(2); }
                    }
                    impl Other {
                        fn go(&self) { self.log.checkpoint(3); }
                    }
                    """,
            },
        )
    )
    session = out["src/session.rs"]
    assert "self.ctx.batch_next(1)" in session
    assert "self.log.checkpoint(2)" in session  # `log` is a Vec in one struct, a Logger in another
    assert "self.log.checkpoint(3)" in session


def test_context_through_a_crate_reexport(tmp_path):
    out, _ = migrate(
        crate(
            tmp_path,
            {
                "src/lib.rs": "mod helper;\npub use rapidbyte_sdk::Context;\n",
                "src/helper.rs": "use crate::Context;\n\npub fn go(ctx: &Context) { ctx.emit_batch(&b); }\n",
            },
        )
    )
    assert "ctx.batch_emit(&b)" in out["src/helper.rs"]


def test_context_method_inside_a_macro(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::Context;

        fn f(ctx: &Context, other: &Queue) {
            assert!(ctx.emit_batch(&b).is_ok());
            assert!(other.emit_batch(&b).is_ok());
        }
        """,
    )
    assert "assert!(ctx.batch_emit(&b).is_ok());" in out
    assert "assert!(other.emit_batch(&b).is_ok());" in out


# ------------------------------------------------------------------ names and paths


def test_sdk_types_are_renamed_local_lookalikes_are_not(tmp_path):
    out, _ = migrate(
        crate(
            tmp_path,
            {
                "src/lib.rs": """
                    mod local;
                    use rapidbyte_sdk::host_tcp::HostTcpStream;
                    use rapidbyte_sdk::{CheckpointKind, StateScope};

                    fn s() -> HostTcpStream { HostTcpStream::connect("h", 1).unwrap() }
                    fn k() -> CheckpointKind { CheckpointKind::Dest }
                    fn x() -> StateScope { StateScope::Stream }
                    """,
                "src/local.rs": """
                    pub struct ValidationResult;
                    pub enum CheckpointKind { Dest }
                    fn f() -> ValidationResult { let _ = CheckpointKind::Dest; ValidationResult }
                    """,
            },
        )
    )
    lib = out["src/lib.rs"]
    assert "use rapidbyte_sdk::host_tcp::TcpStream;" in lib
    assert "fn s() -> TcpStream { TcpStream::connect" in lib
    assert "CheckpointKind::Destination" in lib and "StateScope::PerStream" in lib
    assert out["src/local.rs"] == (
        "pub struct ValidationResult;\npub enum CheckpointKind { Dest }\n"
        "fn f() -> ValidationResult { let _ = CheckpointKind::Dest; ValidationResult }\n"
    )


def test_binding_types_alias_follows_the_owner_most_uses_need(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use crate::rapidbyte::connector::types as wit;

        fn a(e: wit::ConnectorError, v: wit::ValidationResult) -> wit::ReadSummary { todo!() }
        """,
    )
    assert "use crate::rapidbyte::connector::{core_types as wit, stream_types};" in out
    assert "fn a(e: wit::ConnectorError, v: wit::ValidationReport) -> stream_types::ReadSummary" in out


def test_binding_item_imports_split_by_new_owner(tmp_path):
    out, _ = one(
        tmp_path,
        """
        pub use crate::rapidbyte::connector::types::{ConnectorError, ReadSummary, SocketReadResult};
        """,
    )
    assert out.splitlines() == [
        "pub use crate::rapidbyte::connector::core_types::ConnectorError;",
        "pub use crate::rapidbyte::connector::host_io::TcpReadResult;",
        "pub use crate::rapidbyte::connector::stream_types::ReadSummary;",
    ]


def test_exports_guest_path_and_host_functions(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use crate::rapidbyte::connector::host::{emit_batch, log};

        impl exports::rapidbyte::connector::dest_connector::Guest for G {}
        fn f(h: u64) { emit_batch(h).unwrap(); crate::rapidbyte::connector::host::checkpoint(0, "{}"); }
        """,
    )
    assert "use crate::rapidbyte::connector::host_io::{batch_emit, log};" in out
    assert "exports::rapidbyte::connector::destination::Guest" in out
    assert "crate::rapidbyte::connector::host_io::telemetry_checkpoint(0, \"{}\")" in out
    assert "RB901" in rules_of(findings)


def test_ffi_log_levels(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use rapidbyte_sdk::{host_ffi, ConnectorError};

        fn f(level: i32) {
            host_ffi::log(0, "a");
            host_ffi::log(3, "b");
            host_ffi::log(level, "c");
            host_ffi::log(9, "d");
        }
        """,
    )
    assert "use rapidbyte_sdk::{host_ffi, ConnectorError, LogLevel};" in out
    assert 'host_ffi::log(LogLevel::Error, "a")' in out and 'host_ffi::log(LogLevel::Debug, "b")' in out
    assert 'host_ffi::log(level, "c")' in out and 'host_ffi::log(9, "d")' in out
    assert rules_of(findings) == ["RB907", "RB907"]


# ------------------------------------------------------------------ use lists


def test_use_list_dedupes_after_a_rename(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{ValidationReport, ValidationResult, ValidationStatus};
        use rapidbyte_sdk::host_tcp::HostTcpStream;
        use rapidbyte_sdk::host_tcp::TcpStream;

        fn f(a: ValidationResult, b: ValidationReport, s: HostTcpStream, t: TcpStream) {}
        """,
    )
    assert out.splitlines()[:3] == [
        "use rapidbyte_sdk::{ValidationReport, ValidationStatus};",
        "use rapidbyte_sdk::host_tcp::TcpStream;",
        "",
    ]
    assert "fn f(a: ValidationReport, b: ValidationReport, s: TcpStream, t: TcpStream)" in out


def test_unsorted_list_is_edited_in_place(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{Source, ConnectorInfo, ConnectorError};

        fn f() -> Result<ConnectorInfo, ConnectorError> { todo!() }
        """,
    )
    assert out.startswith("use rapidbyte_sdk::{Source, OpenInfo, ConnectorError};\n")


def test_prelude_glob_needs_no_new_imports(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::prelude::*;

        pub struct S;
        impl Destination for S {
            type Config = ();
            async fn init(c: ()) -> Result<(Self, ConnectorInfo), ConnectorError> { todo!() }
            async fn write(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError> { todo!() }
        }
        """,
    )
    assert out.startswith("use rapidbyte_sdk::prelude::*;\n\npub struct S;")
    assert "RunPhase::Write => self.write_stream(ctx, request.stream).await.map(RunSummary::write)," in out


def test_module_without_sdk_imports_gets_one(tmp_path):
    out, _ = one(
        tmp_path,
        """
        //! Docs.

        fn f() { rapidbyte_sdk::host_ffi::log(2, "x"); }
        """,
    )
    assert out == '//! Docs.\n\nuse rapidbyte_sdk::LogLevel;\n\nfn f() { rapidbyte_sdk::host_ffi::log(LogLevel::Info, "x"); }\n'


# ------------------------------------------------------------------ literals


def test_validation_report_literals_gain_warnings(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{ValidationResult, ValidationStatus};

        fn a(m: String) -> ValidationResult { ValidationResult { status: Status::Dead, message: m } }
        fn long(message: String) -> ValidationResult { ValidationResult { status: ValidationStatus::Failed, message } }
        fn b(m: String) -> ValidationResult {
            ValidationResult {
                status: ValidationStatus::Success,
                message: m,
            }
        }
        fn c(m: String) -> ValidationResult {
            ValidationResult {
                status: ValidationStatus::Success,
                message: m
            }
        }
        fn d(base: ValidationResult) -> ValidationResult { ValidationResult { message: String::new(), ..base } }
        fn e(m: String) -> ValidationResult { ValidationResult { status: ValidationStatus::Failed, message: m, warnings: vec![] } }
        """,
    )
    assert "ValidationReport { status: Status::Dead, message: m, warnings: Vec::new() } }" in out
    # past max_width (120 here) rustfmt would break the literal: one field per line
    assert "ValidationReport {\n    status: ValidationStatus::Failed,\n    message,\n    warnings: Vec::new(),\n} }" in out
    assert "        message: m,\n        warnings: Vec::new(),\n    }" in out
    assert "        message: m,\n        warnings: Vec::new()\n    }" in out
    assert "ValidationReport { message: String::new(), ..base }" in out
    assert "message: m, warnings: vec![] }" in out


def test_connector_info_becomes_open_info(tmp_path):
    source = """
        use rapidbyte_sdk::{ConnectorInfo, Feature, ProtocolVersion};

        fn f(features: Vec<Feature>, n: u64) -> ConnectorInfo {
            ConnectorInfo { protocol_version: ProtocolVersion::V3, features, default_max_batch_bytes: n }
        }
        """
    wide, _ = one(tmp_path, source, width=200, name="wide")
    assert "use rapidbyte_sdk::{Feature, OpenInfo, ProtocolVersion, StreamLimits};" in wide
    assert (
        "    OpenInfo { protocol_version: ProtocolVersion::V4, capabilities: features, default_limits: StreamLimits "
        "{ max_batch_bytes: n, ..StreamLimits::default() } }\n" in wide
    )
    # too wide for one line at 120 columns: one field per line, as rustfmt prints it
    narrow, _ = one(tmp_path, source, name="narrow")
    assert (
        "    OpenInfo {\n        protocol_version: ProtocolVersion::V4,\n        capabilities: features,\n"
        "        default_limits: StreamLimits { max_batch_bytes: n, ..StreamLimits::default() },\n    }\n" in narrow
    )


# ------------------------------------------------------------------ reshaping


SOURCE = """
use rapidbyte_sdk::{
    Catalog, ConnectorError, ConnectorInfo, Context, ProtocolVersion, ReadSummary, Source, StreamContext, StreamLimits,
};

pub struct Demo;

impl Source for Demo {
    type Config = ();

    async fn init(_c: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        todo!()
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        ctx.emit_batch(&b)?;
        Ok(ReadSummary::default())
    }
}
"""


def test_source_impl_is_reshaped_into_run_and_an_inherent_impl(tmp_path):
    out, findings = one(tmp_path, SOURCE)
    assert not findings
    assert "    async fn open(_c: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {" in out
    assert textwrap.dedent(
        """
            async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
                match request.phase {
                    RunPhase::Discover => self.discover_catalog(ctx).await.map(RunSummary::discover),
                    RunPhase::Read => self.read_stream(ctx, request.stream).await.map(RunSummary::read),
                    phase => Err(ConnectorError::unsupported_phase(phase)),
                }
            }
        }

        impl Demo {
            async fn discover_catalog(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
                Ok(Catalog::default())
            }

            async fn read_stream(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
                ctx.batch_emit(&b)?;
                Ok(ReadSummary::default())
            }
        }
        """
    ) in "\n" + out


def test_collision_with_a_method_in_a_file_the_prefilter_skips(tmp_path):
    root = crate(
        tmp_path,
        {"src/lib.rs": "mod extra;\n" + SOURCE, "src/extra.rs": "impl crate::Demo {\n    fn read_stream(&self) {}\n}\n"},
    )
    out, findings = migrate(root)
    assert [f.rule_id for f in findings if f.rule_id != "RB920"] == ["RB906", "RB906", "RB906"]
    # the impl is left as it is; its other v3 methods say so, each at its name (nothing left for RB920)
    assert sorted(f.message.split("`")[1] for f in findings if "is left as it is" in f.message) == ["discover", "init"]
    assert not [f for f in findings if f.rule_id == "RB920"]
    assert "async fn init(" in out["src/lib.rs"] and "async fn read(&mut self" in out["src/lib.rs"]
    assert "ctx.batch_emit(&b)" in out["src/lib.rs"]  # the leaf renames inside still apply


def test_impl_with_run_and_a_v3_method_is_reported(tmp_path):
    source = SOURCE.replace("async fn discover(", "async fn run(&mut self, ctx: &Context, r: RunRequest) -> X { todo!() }\n\n    async fn discover(")
    _, findings = one(tmp_path, source)
    assert sorted({f.rule_id for f in findings if f.rule_id != "RB920"}) == ["RB910"]
    # `init` is left as it is, and says so (nothing left for RB920)
    assert [f.message.split("`")[1] for f in findings if "is left as it is" in f.message] == ["init"]
    assert not [f for f in findings if f.rule_id == "RB920"]


def test_generic_impl_keeps_its_parameters(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::prelude::*;

        pub struct T<X>(X);

        impl<X: Clone> Transform for T<X> where X: Send {
            type Config = ();
            async fn transform(&mut self, ctx: &Context, input: StreamContext) -> Result<TransformSummary, ConnectorError> { todo!() }
        }
        """,
    )
    assert "\nimpl<X: Clone> T<X> where X: Send {\n    async fn transform_stream(" in out


# ------------------------------------------------------------------ comments and strings


def test_doc_code_spans_change_and_prose_stays(tmp_path):
    out, _ = one(
        tmp_path,
        """
        /// Calls `ctx.emit_batch()` then `ctx.checkpoint(..)`; see [`ValidationResult`] and `emit-batch`.
        /// The emit_batch prose, `emit_batch_nanos` and `checkpoint_count` stay.
        // plain comment: `Context::next_batch`
        fn f() {}
        """,
    )
    assert "/// Calls `ctx.batch_emit()` then `ctx.telemetry_checkpoint(..)`; see [`ValidationReport`] and `batch-emit`." in out
    assert "/// The emit_batch prose, `emit_batch_nanos` and `checkpoint_count` stay." in out
    assert "// plain comment: `Context::batch_next`" in out


def test_strings_wit_names_templates_and_messages(tmp_path):
    out, findings = one(
        tmp_path,
        """
        const HOST: &str = "rapidbyte:connector/host@3.0.0";
        fn f(inst: &mut Inst) {
            inst.add_func("socket-read", g);
            step("run-read");
            let e = "emit_batch failed";
            let t = format!(r#"fn init(c: Config) {{ ctx.emit_batch(&b) }}"#);
        }
        """,
    )
    assert '"rapidbyte:connector/host-io@4.0.0"' in out
    assert 'inst.add_func("tcp-read", g);' in out
    assert 'step("run-read");' in out and '"emit_batch failed"' in out and "ctx.emit_batch(&b)" in out
    by_rule = {f.rule_id: f.severity.value for f in findings}
    assert by_rule == {"RB904": "info", "RB903": "error"}


# ------------------------------------------------------------------ lossless, idempotent, valid


def test_crlf_bom_and_missing_final_newline_survive(tmp_path):
    source = "\ufeffuse rapidbyte_sdk::Context;\r\n\r\nfn f(ctx: &Context) { ctx.emit_batch(&b); }"
    root = crate(tmp_path, {"src/lib.rs": source.encode("utf-8")})
    out, _ = migrate(root)
    assert out["src/lib.rs"] == source.replace("emit_batch", "batch_emit")


def test_second_run_changes_nothing(tmp_path):
    root = crate(tmp_path, {"src/lib.rs": SOURCE})
    out, first = migrate(root)
    (root / "src/lib.rs").write_text(out["src/lib.rs"], encoding="utf-8")
    again, second = migrate(root)
    # a crate with nothing v3 left is not even parsed again: then the file is not in the result
    assert again.get("src/lib.rs", out["src/lib.rs"]) == out["src/lib.rs"]
    assert [(f.rule_id, f.message) for f in second] == [(f.rule_id, f.message) for f in first]


def test_partially_migrated_code_is_finished_not_doubled(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::{Context, StateScope};

        fn f(ctx: &Context) {
            ctx.batch_emit(&a);
            ctx.emit_batch(&b);
            ctx.state_get(StateScope::PerStream, "k");
            ctx.state_get(StateScope::Stream, "k");
        }
        """,
    )
    assert out.count("ctx.batch_emit(") == 2 and "StateScope::PerPerStream" not in out
    assert out.count("StateScope::PerStream") == 2


def test_validate_refuses_output_that_gains_an_error_node(tmp_path):
    adapter = RustAdapter()
    unit = UnitContext(root=tmp_path, kind="rust-crate", rules=default_table())
    ctx = FileContext(path=tmp_path / "a.rs", display="a.rs", unit=unit)
    adapter.parse(b"fn f() {}\n", ctx)
    assert adapter.validate(b"fn g() {}\n", ctx) == []
    with pytest.raises(ParseError):
        adapter.validate(b"fn g( {}\n", ctx)


def test_prefilter_skips_files_without_v3_tokens():
    adapter = RustAdapter()
    assert not adapter.prefilter(b"fn main() { println!(\"hello\"); }\n")
    assert adapter.prefilter(b"fn f(ctx: &C) { ctx.emit_batch(&b); }\n")
    assert adapter.prefilter(b"use rapidbyte_sdk::prelude::*;\n")


# ------------------------------------------------------------------ SDK and runtime crates


def test_checked_in_v3_bindings_are_reported_not_edited(tmp_path):
    source = "pub mod rapidbyte {\n    pub mod connector {\n        pub mod host {\n            pub fn emit_batch() {}\n        }\n    }\n}\n"
    out, findings = one(tmp_path, source)
    assert out == source
    assert [(f.rule_id, f.line) for f in findings] == [("RB001", 1)]
    v4 = source.replace("mod host", "mod host_io")
    out, findings = one(tmp_path, v4, name="v4")
    assert out == v4 and findings == []  # another version's bindings: not ours to report


def test_sdk_crate_renames_its_own_definitions(tmp_path):
    root = crate(
        tmp_path,
        {
            "src/lib.rs": "pub mod context;\npub mod types;\npub use context::Context;\n",
            "src/context.rs": """
                pub struct Context;
                impl Context {
                    pub fn emit_batch(&self) { self.next_batch(); }
                    pub fn next_batch(&self) {}
                }
                """,
            "src/types.rs": "pub enum CheckpointKind { Source, Dest }\npub const DEFAULT_PROTOCOL_VERSION: &str = \"3\";\n",
        },
        name="rapidbyte-sdk",
    )
    out, _ = migrate(root)
    assert "pub fn batch_emit(&self) { self.batch_next(); }" in out["src/context.rs"]
    assert "Source, Destination }" in out["src/types.rs"]
    assert 'DEFAULT_PROTOCOL_VERSION: &str = "4";' in out["src/types.rs"]


def test_runtime_host_impl_and_twins(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use crate::bindings::rapidbyte::connector::host::Host;

        pub struct S;
        impl S { pub fn connect_tcp_impl(&mut self) {} pub fn emit_batch_nanos(&self) {} }
        impl Host for S {
            fn connect_tcp(&mut self) { self.connect_tcp_impl() }
            fn log(&mut self, level: u32, msg: String) {}
        }
        fn drive<H: Host>(h: &mut H) { h.connect_tcp(); }
        """,
    )
    assert "pub fn tcp_connect_impl(&mut self) {} pub fn emit_batch_nanos(&self) {}" in out
    assert "fn tcp_connect(&mut self) { self.tcp_connect_impl() }" in out
    assert "fn drive<H: Host>(h: &mut H) { h.tcp_connect(); }" in out
    assert rules_of(findings) == ["RB907"]


def test_file_with_a_syntax_error_elsewhere_blocks_its_unit(tmp_path):
    """tree-sitter recovers from errors, but a recovered tree is no ground to rewrite on (issue 16): the
    error is located and nothing of the unit is written."""
    source = "use rapidbyte_sdk::Context;\n\nfn f(ctx: &Context) { ctx.emit_batch(&b); }\n\nfn broken( {}\n"
    root = crate(tmp_path, {"src/lib.rs": source})
    result, _ = run([root], Options(mode="diff", base=root))
    (err,) = result.errors
    assert (err.path, err.line, err.kind) == ("src/lib.rs", 5, "parse") and err.message.startswith("syntax error")
    assert not result.files[0].changed


def test_other_trait_impls_of_a_host_type_keep_their_method_names(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use crate::bindings::rapidbyte::connector::host::Host;
        use rapidbyte_sdk::types::*;

        pub struct S;
        impl Host for S { fn metric(&mut self, p: String) {} }
        impl Journal for S { fn metric(&mut self, p: String) {} }
        fn v() -> ValidationResult { todo!() }
        """,
    )
    assert "impl Host for S { fn telemetry_metric(&mut self, p: String) {} }" in out
    assert "impl Journal for S { fn metric(&mut self, p: String) {} }" in out
    assert "fn v() -> ValidationReport" in out  # a glob of an SDK module brings the SDK type

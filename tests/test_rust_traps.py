"""Each trap of `testdata/rust/v3` (recipes §0.2, §0.7): the lookalike survives `apply` byte for byte,
while the real protocol use next to it (where there is one) is migrated.

Every case names the file, the exact code that must survive, and what must appear instead of the
v3 use beside it. A second set runs the same traps as isolated snippets through the adapter, so a
trap cannot pass just because a whole file was skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rbmigrate.engine import Options, run, write_results

V3 = Path(__file__).resolve().parents[1] / "testdata" / "rust" / "v3"

# (file under v3/, code that must survive unchanged, code the migration must produce in the same file)
TRAPS = [
    ("local fn emit_batch", "connectors/source-postgres/src/reader.rs",
     "fn emit_batch(ctx: &Context, batch: &RecordBatch, timings: &mut ReadTimings)", "ctx.batch_emit(batch)"),
    ("call of the local fn", "connectors/source-postgres/src/reader.rs",
     "emit_batch(ctx, &full, timings)?;", "ctx.telemetry_checkpoint(&Checkpoint {"),
    ("doc comment prose", "connectors/source-postgres/src/reader.rs",
     "/// Emits one batch with `", "`ctx.batch_emit()` and records how long the host took."),
    ("error string", "connectors/source-postgres/src/reader.rs",
     'format!("emit_batch failed: {}", e.message)', "ctx.batch_emit(batch)"),
    ("summary field checkpoint_count", "connectors/source-postgres/src/reader.rs",
     "summary.checkpoint_count += 1;", "StateScope::PerStream"),
    ("mod metrics", "connectors/source-postgres/src/lib.rs", "mod metrics;", "async fn run(&mut self"),
    ("metrics::report call", "connectors/source-postgres/src/reader.rs",
     "metrics::report(ctx, &stream.stream_name, &summary, &timings)?;", "ctx.telemetry_dlq("),
    ("emit_batch_nanos", "connectors/source-postgres/src/metrics.rs",
     "pub emit_batch_nanos: u64,", "ctx.telemetry_metric(&Metric {"),
    ("emit_batch_nanos use", "connectors/source-postgres/src/metrics.rs",
     "timings.emit_batch_nanos as f64 / 1e9", "ctx.telemetry_metric(&Metric {"),
    ("rapidbyte_manifest_v1", "connectors/source-postgres/build.rs",
     "let rapidbyte_manifest_v1 = manifest.rapidbyte_manifest_v1();", '.protocol_version("4")'),
    ("impl io::Write", "connectors/dest-postgres/src/copy.rs",
     "impl Write for CopyBuffer {\n    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {", None),
    (".context() trait", "connectors/dest-postgres/src/error_ext.rs",
     "fn context(self, what: &str) -> Result<T, ConnectorError>;", None),
    (".context() call", "connectors/dest-postgres/src/client.rs",
     '.context("postgres startup")?;', "TcpStream::connect(&config.host, config.port)"),
    ("local struct field checkpoint_count", "connectors/dest-postgres/src/writer.rs",
     "    checkpoint_count: u64,\n", "self.ctx.telemetry_checkpoint(&Checkpoint {"),
    ("self.stats.checkpoint_count", "connectors/dest-postgres/src/writer.rs",
     "self.stats.checkpoint_count += 1;", "kind: CheckpointKind::Destination,"),
    ("std::task::Context import", "connectors/transform-sql/src/throttle.rs", "use std::task::{Context, Poll};", None),
    ("std::task::Context parameter", "connectors/transform-sql/src/throttle.rs",
     "fn poll(mut self: Pin<&mut Self>, ctx: &mut Context<'_>) -> Poll<()> {\n", None),
    ("std::task::Context in the SDK", "crates/rapidbyte-sdk/src/guest.rs",
     "let mut cx = std::task::Context::from_waker(&waker);", "Result<wit::ValidationReport, wit::ConnectorError>"),
    ("rapidbyte_manifest_v1 in the SDK", "crates/rapidbyte-sdk/src/manifest.rs",
     "pub fn rapidbyte_manifest_v1(&self) -> JsonValue {", 'DEFAULT_PROTOCOL_VERSION: &str = "4";'),
    ("impl io::Write in the SDK", "crates/rapidbyte-sdk/src/host_tcp.rs",
     "    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {", "impl Write for TcpStream {"),
]

UNCHANGED_FILES = [
    "crates/rapidbyte-sdk/src/scaffold.rs",  # the template trap: reported (RB903), never edited
    "connectors/transform-sql/src/throttle.rs",
    "connectors/dest-postgres/src/copy.rs",
    "connectors/dest-postgres/src/error_ext.rs",
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("traps") / "v3"
    shutil.copytree(V3, root, ignore=shutil.ignore_patterns("target"))
    result, path_map = run([root], Options(mode="apply", base=root))
    write_results(result, path_map)
    return root, result


@pytest.mark.parametrize("name,path,survives,migrated_beside", TRAPS, ids=[t[0] for t in TRAPS])
def test_trap_survives(migrated, name, path, survives, migrated_beside):
    root, _ = migrated
    before = (V3 / path).read_text(encoding="utf-8")
    after = (root / path).read_text(encoding="utf-8")
    assert survives in before, f"testdata changed: {survives!r} is not in v3 {path}"
    assert after.count(survives) == before.count(survives), f"{name}: the lookalike was edited"
    if migrated_beside is not None:
        assert migrated_beside in after, f"{name}: the real protocol use next to it was not migrated"


@pytest.mark.parametrize("path", UNCHANGED_FILES)
def test_trap_files_are_byte_identical(migrated, path):
    root, _ = migrated
    assert (root / path).read_bytes() == (V3 / path).read_bytes()


def test_error_string_and_template_are_reported_not_edited(migrated):
    _, result = migrated
    by_rule = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    assert any(f.path.endswith("reader.rs") and "emit_batch failed" in f.message for f in by_rule["RB904"])
    assert all(f.severity.value == "info" for f in by_rule["RB904"])
    assert {f.path for f in by_rule["RB903"]} >= {"crates/rapidbyte-sdk/src/scaffold.rs"}

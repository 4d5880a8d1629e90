"""The Markdown adapter: exact byte offsets of code spans (backtick runs, escapes, CRLF, BOM, multibyte
text, lists, blockquotes, tables, HTML), signatures, fences through the other adapters, fragments,
prose findings, anchors, discovery of docs units and skipped changelogs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.discover import discover_all
from rbmigrate.engine import Options, run
from rbmigrate.lang.markdown import anchors
from rbmigrate.lang.markdown.document import parse
from rbmigrate.lang.markdown.source import Source


def migrate_text(tmp_path: Path, text: str | bytes, name: str = "doc.md"):
    """(migrated bytes, findings) of one Markdown file in a folder of its own."""
    folder = tmp_path / "unit"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result, _ = run([folder], Options(mode="diff", base=folder))
    assert not result.errors, [e.message for e in result.errors]
    files = {f.path: f for f in result.files}
    fres = files.get(name)
    after = fres.after if fres is not None and fres.changed else path.read_bytes()
    return after, result.findings


def spans_of(text: str | bytes) -> list[tuple[str, bytes]]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    doc = parse(Source(data))
    out = []
    for inline in doc.inlines:
        for span in inline.spans:
            a, b = span.content.span(0, len(span.content.text))
            out.append((span.content.text, data[a:b]))
    return out


# ------------------------------------------------------------------ locating code spans


def test_backtick_runs_of_any_length_and_escapes():
    text = "A ``x ` y`` and ```a``b``` and \\`not a span\\` and `` `emit-batch` ``.\n"
    assert spans_of(text) == [("x ` y", b"x ` y"), ("a``b", b"a``b"), ("`emit-batch`", b"`emit-batch`")]


def test_spans_in_lists_blockquotes_and_tables():
    text = ("> - item `one`\n>   more ``two ` x``\n\n"
            "| a | `x \\| y` |\n|---|---|\n| `emit-batch(handle: u64)` | b |\n\n"
            "1. first\n   continued `deep`\n")
    found = spans_of(text)
    assert ("one", b"one") in found and ("two ` x", b"two ` x") in found and ("deep", b"deep") in found
    assert ("x | y", b"x \\| y") in found  # the cell's escaped pipe
    assert ("emit-batch(handle: u64)", b"emit-batch(handle: u64)") in found


def test_multibyte_crlf_and_bom_offsets():
    data = "\ufeffÜber — `emit-batch` ✓ `connect-tcp`\r\n".encode("utf-8")
    found = spans_of(data)
    assert [s for s, _ in found] == ["emit-batch", "connect-tcp"]
    assert all(text.encode() == raw for text, raw in found)


def test_html_code_and_front_matter():
    text = ("---\ntitle: `emit-batch` docs\n---\n\n<div>\n<code>result&lt;_, connector-error&gt;</code>\n</div>\n\n"
            "Inline <code>emit-batch</code> too.\n")
    found = spans_of(text)
    assert ("emit-batch", b"emit-batch") in found
    assert ("result<_, connector-error>", b"result&lt;_, connector-error&gt;") in found
    assert sum(1 for s, _ in found if s == "emit-batch") == 2


def test_rewrites_keep_every_other_byte(tmp_path):
    data = ("\ufeff# Tïtle\r\n\r\n> Call `ctx.emit_batch(&b)` — ünïcode\r\n>\r\n> | f | s |\r\n> |---|---|\r\n"
            "> | `next-batch` | `x \\| y` |\r\n\r\nNo newline at the end: `connect-tcp`").encode("utf-8")
    after, _ = migrate_text(tmp_path, data)
    expected = data.replace(b"ctx.emit_batch", b"ctx.batch_emit").replace(b"`next-batch`", b"`batch-next`")
    expected = expected.replace(b"`connect-tcp`", b"`tcp-connect`")
    assert after == expected


def test_table_cells_escape_a_pipe_in_the_replacement(tmp_path):
    after, _ = migrate_text(tmp_path, "| a |\n|---|\n| `socket-read-result` |\n")
    assert after == b"| a |\n|---|\n| `tcp-read-result` |\n"


def test_html_replacement_is_escaped(tmp_path):
    after, _ = migrate_text(tmp_path, "<p><code>validate() -&gt; result&lt;validation-result, connector-error&gt;</code></p>\n")
    assert after == b"<p><code>validate(session: session) -&gt; result&lt;validation-report, connector-error&gt;</code></p>\n"


# ------------------------------------------------------------------ code spans


@pytest.mark.parametrize("before,after", [
    ("`emit-batch(batch: list<u8>) -> result<_, connector-error>`", "`batch-emit(handle: u64) -> result<_, connector-error>`"),
    ("`connect-tcp(host, port) -> result<u64, connector-error>`", "`tcp-connect(host, port) -> result<u64, connector-error>`"),
    ("`emit-batch: func(handle: u64) -> result<_, connector-error>;`", "`batch-emit: func(handle: u64) -> result<_, connector-error>;`"),
    ("`log(level: u32, msg: string)`", "`log(level: log-level, msg: string)`"),
    ("`log(level, msg)`", "`log(level, msg)`"),  # the same in v4
    ("`run-read(ctx-json)`", "`run(session, request)`"),
    ("`validate()`", "`validate(session)`"),
    ("`open(config-json)`", "`open(config-json)`"),
    ("`source-connector`", "`source`"),
    ("`rapidbyte:connector@3.0.0`", "`rapidbyte:connector@4.0.0`"),
    ("`rapidbyte:connector/host@3.0.0`", "`rapidbyte:connector/host-io@4.0.0`"),
    ("`ctx.emit_batch(&batch)`", "`ctx.batch_emit(&batch)`"),
    ("`host.emit_batch`", "`host_io.batch_emit`"),
    ("`ctx.checkpoint(&cp)`", "`ctx.telemetry_checkpoint(&cp)`"),
    ("`CheckpointKind::Dest`", "`CheckpointKind::Destination`"),
    ("`rapidbyte::connector::host::emit_batch`", "`rapidbyte::connector::host_io::batch_emit`"),
    ("the interface `host`", "the interface `host-io`"),
    ("the `host` of a connection", "the `host` of a connection"),
    ("`emit_batch_nanos`", "`emit_batch_nanos`"),
    ("`batch-emit(handle: u64)`", "`batch-emit(handle: u64)`"),
])
def test_code_span_rewrites(tmp_path, before, after):
    migrated, _ = migrate_text(tmp_path, f"Text {before} here.\n")
    assert migrated.decode() == f"Text {after} here.\n"


def test_code_spans_that_are_reported(tmp_path):
    text = "Call `discover()`, `run-read`, `host.log(2, \"x\")` and interface `types`.\n"
    migrated, findings = migrate_text(tmp_path, text)
    assert migrated.decode() == text
    rules = sorted(f.rule_id for f in findings)
    assert rules == ["RB011", "RB103", "RB303", "RB306", "RB913"]


# ------------------------------------------------------------------ fences


def test_fence_in_a_list_item_keeps_its_indentation(tmp_path):
    text = ("- Rust:\n\n  ```rust\n  use rapidbyte_sdk::prelude::*;\n\n  pub struct S;\n\n  impl Source for S {\n"
            "      type Config = Config;\n\n"
            "      async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {\n"
            "          ctx.emit_batch(&b)?;\n          Ok(ReadSummary::default())\n      }\n  }\n  ```\n")
    migrated, _ = migrate_text(tmp_path, text)
    out = migrated.decode()
    assert "  impl S {\n      async fn read_stream(" in out
    assert "          ctx.batch_emit(&b)?;" in out
    body = out.split("```rust\n")[1].split("  ```")[0]
    assert all(line.startswith("  ") or not line for line in body.split("\n")), body


def test_unlabelled_fence_only_when_it_parses_as_wit(tmp_path):
    text = ("```\npackage acme:thing@1.0.0;\n\ninterface x {\n    use rapidbyte:connector/types@3.0.0.{connector-error};\n}\n```\n\n"
            "```\nemit-batch(handle) # shell output\n```\n")
    migrated, _ = migrate_text(tmp_path, text)
    out = migrated.decode()
    assert "use rapidbyte:connector/core-types@4.0.0.{connector-error};" in out
    assert "emit-batch(handle) # shell output" in out


def test_complete_v3_package_fence_migrates_and_validates(tmp_path):
    from rbmigrate.resources import wit_dir

    v3 = (wit_dir("v3") / "rapidbyte-connector.wit").read_text()
    v4 = (wit_dir("v4") / "rapidbyte-connector.wit").read_text() if (wit_dir("v4") / "rapidbyte-connector.wit").exists() else None
    migrated, findings = migrate_text(tmp_path, f"# WIT\n\n```wit\n{v3}```\n")
    out = migrated.decode()
    assert "package rapidbyte:connector@4.0.0;" in out and "interface host-io" in out
    assert not [f for f in findings if f.rule_id == "RB916"]
    if v4 is not None:
        assert "batch-emit: func(handle: u64)" in out


def test_wit_fragment_token_by_token(tmp_path):
    text = ("```wit\ninterface host {\n    use types.{connector-error, socket-read-result};\n\n"
            "    /// Emits a batch (was emit-batch).\n    emit-batch: func(handle: u64) -> result<_, connector-error>;\n"
            "    state-put: func(scope: u32, key: string, val: string) -> result<_, connector-error>;\n}\n```\n")
    migrated, findings = migrate_text(tmp_path, text)
    assert migrated.decode() == (
        "```wit\ninterface host-io {\n    use core-types.{connector-error};\n\n"
        "    /// Emits a batch (was emit-batch).\n    batch-emit: func(handle: u64) -> result<_, connector-error>;\n"
        "    state-put: func(scope: state-scope, key: string, value: string) -> result<_, connector-error>;\n}\n```\n")
    assert [f.rule_id for f in findings] == ["RB904"]  # the comment is prose


# ------------------------------------------------------------------ prose, anchors, idempotency


def test_prose_is_never_rewritten_and_codes_are_reported(tmp_path):
    text = "Log levels: 0 = error, 1 = warn, 2 = info. Scopes: `StateScope::Stream` is 1.\n"
    migrated, findings = migrate_text(tmp_path, text)
    assert migrated.decode() == text.replace("StateScope::Stream", "StateScope::PerStream")
    assert [f.rule_id for f in findings] == ["RB914"]
    assert "`log-level`" in findings[0].manual_step and "`2` → `info`" in findings[0].manual_step


def test_slug_matches_github():
    assert anchors.slug("`emit-batch(handle: u64)`") == "emit-batchhandle-u64"
    assert anchors.slug("Host functions & Ünïcode!") == "host-functions--ünïcode"
    doc = parse(Source(b"# A\n\n## A\n\n## A\n"))
    assert anchors.anchors(doc.headings) == ["a", "a-1", "a-2"]


def test_second_run_reports_broken_links_again(tmp_path):
    folder = tmp_path / "unit"
    folder.mkdir()
    (folder / "api.md").write_text("### `emit-batch`\n\nText.\n")
    (folder / "README.md").write_text("See [emit](api.md#emit-batch).\n")
    first, paths = run([folder], Options(mode="apply", base=folder))
    from rbmigrate.engine import write_results

    write_results(first, paths)
    second, _ = run([folder], Options(mode="diff", base=folder))
    link = [f for f in second.findings if f.path == "README.md"]
    assert [f.message for f in link] == [f.message for f in first.findings if f.path == "README.md"]
    assert not any(f.changed for f in second.files)


# ------------------------------------------------------------------ discovery


def test_docs_units_and_skipped_changelogs(tmp_path):
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "connectors" / "src").mkdir(parents=True)
    (repo / "docs" / "protocol.md").write_text("`emit-batch`\n")
    (repo / "README.md").write_text("# repo\n")
    (repo / "CHANGELOG.md").write_text("- `emit-batch` was added\n")
    (repo / "connectors" / "src" / "manifest.json").write_text('{"id": "a/b", "role": "source", "protocol_version": "3"}')
    (repo / "connectors" / "src" / "README.md").write_text("Uses `host.emit_batch`.\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    found = discover_all([tmp_path])
    units = {u.root.relative_to(tmp_path).as_posix(): (u.kind, sorted(p.name for p in u.files)) for u in found.units}
    assert units == {
        "repo": ("docs", ["README.md", "protocol.md"]),
        "repo/connectors/src": ("python-connector", ["README.md", "manifest.json"]),
    }
    assert any(path.endswith("CHANGELOG.md") and "changelog" in reason for path, reason in found.skipped)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["apply", "--check", "-v", "repo"])
    finally:
        os.chdir(old)
    assert "repo/CHANGELOG.md: skipped: changelog (history) is never migrated" in result.output


@pytest.mark.parametrize("text,reported", [
    ("Lifecycle: open → discover → validate → run-read → close.\n", True),
    ("Rust: `init` → `validate` → `read` → `close`.\n", True),
    ("1. `open(config-json)`\n2. optional `discover()`\n3. `validate()`\n", True),
    ("Lifecycle: `open` → `validate` → `run` → `close`; sources list streams with `run` in phase `discover`.\n", False),
    ("1. `open`\n2. `validate`\n3. `run` (phase `discover`, `read`, `write` or `transform`)\n4. `close`\n", False),
])
def test_lifecycle_wording(tmp_path, text, reported):
    _, findings = migrate_text(tmp_path, text)
    assert any(f.rule_id == "RB913" for f in findings) is reported, [f.message for f in findings]

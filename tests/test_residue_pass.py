"""The residue pass in the engine (RB920): which files it sees, where it locates what it finds,
what covers a spelling, and how every command and output format shows it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.engine import Options, run, write_results
from rbmigrate.model import RESIDUE_RULE_ID

# The issue's componentize-py example, plus files no adapter parses or selects.
APP = """\
import importlib
import json

from wit_world import exports
from wit_world.imports import host

_host = importlib.import_module("wit_world.imports.host")


class SourceConnector(exports.SourceConnector):
    def open(self, config_json: str) -> None:
        host.log(2, "open")

    def run_read(self, ctx_json: str):
        ctx = json.loads(ctx_json)
        _host.checkpoint(0, json.dumps({"id": 1, "stream": ctx["stream_name"]}))
        while _host.next_batch() is not None:
            pass
"""
UTIL = """\
from wit_world import imports

_m = imports.host


def flush():
    _m.checkpoint(0, "{}")
"""
FILES = {
    "manifest.json": '{"id": "acme/source-x", "role": "source", "protocol_version": "3"}\n',
    "app.py": APP,
    # a second connector no adapter selects: its only v3 use goes through `from wit_world import imports`
    "other/manifest.json": '{"id": "acme/source-y", "role": "source", "protocol_version": "4"}\n',
    "other/app.py": UTIL,
    # the Markdown adapter migrates the code span; a TOML fence it leaves alone is the pass's
    "README.md": "# x\n\nCall `host.emit_batch(h)` per batch; `checkpoint_count` counts them.\n\n"
                 "```toml\nprotocol_version = \"3\"\n```\n",
    "fixtures/conn.json": '{"protocol_version": "3"}\n',
    "config/defaults.toml": '[limits]\nprotocol_version = "3"\n',
    "generated.json": '{"_comment": "@generated", "protocol_version": "3"}\n',
}
EXPECTED = [
    ("README.md", 6, 20, '"3"', "RB601"),
    ("app.py", 7, 33, '"wit_world.imports.host"', "RB010"),
    ("config/defaults.toml", 2, 20, '"3"', "RB601"),
    ("fixtures/conn.json", 1, 22, '"3"', "RB601"),
    ("other/app.py", 3, 14, "wit_world.imports.host", "RB010"),
    ("other/app.py", 7, 8, "checkpoint", "RB104"),
]


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if name.endswith(".rs") else text, encoding="utf-8")
    return root


def residue(result) -> list[tuple]:
    out = []
    for f in sorted(result.findings, key=lambda f: (f.path, f.line, f.col)):
        if f.rule_id == RESIDUE_RULE_ID:
            spelling = f.message.split("`")[1]
            rule = f.message.split("(")[1].split(":")[0]
            out.append((f.path, f.line, f.col, spelling, rule))
    return out


@pytest.fixture
def connector(tmp_path) -> Path:
    return make(tmp_path / "conn", FILES)


def test_the_issue_example_and_files_no_adapter_parses(connector):
    result, _ = run([connector], Options(mode="diff", base=connector))
    assert residue(result) == EXPECTED
    by_path = {f.path: f for f in result.files}
    other = by_path["other/app.py"]
    assert other.after is None and other.language == "python"
    assert {f.rule_id for f in other.findings} == {RESIDUE_RULE_ID}
    assert by_path["README.md"].language == "markdown" and by_path["fixtures/conn.json"].language == "json"
    assert "generated.json" not in by_path
    # (app.py's `_host.checkpoint` and `_host.next_batch` are the Python adapter's own: RB901, RB102)
    assert {(f.line, f.rule_id) for f in by_path["app.py"].findings if f.severity.blocking} == {
        (7, RESIDUE_RULE_ID), (16, "RB901")}
    finding = next(f for f in result.findings if f.rule_id == RESIDUE_RULE_ID and f.path == "other/app.py" and f.line == 7)
    assert finding.severity.value == "error"
    assert "RB104" in finding.message and "telemetry_checkpoint" in finding.manual_step
    assert result.summary()["v3_spellings_left"] == len(EXPECTED)


def test_reports_are_the_same_after_apply(connector):
    """The locations are the original file's; after apply the same spellings are found again (in the
    coordinates of the migrated file), and nothing else."""
    before, _ = run([connector], Options(mode="diff", base=connector))
    result, path_map = run([connector], Options(mode="apply", base=connector))
    for unit in result.units:
        unit.actions.clear()
    write_results(result, path_map)
    after, _ = run([connector], Options(mode="scan", base=connector))
    assert [r[3:] for r in residue(after)] == [r[3:] for r in residue(before)]
    migrated = (connector / "app.py").read_text().splitlines()
    for path, line, col, spelling, _rule in residue(after):
        if path == "app.py":
            assert migrated[line - 1][col - 1:].startswith(spelling)


def test_the_switch_turns_it_off(connector, monkeypatch):
    result, _ = run([connector], Options(mode="diff", base=connector, residue=False))
    assert residue(result) == [] and result.summary()["v3_spellings_left"] == 0
    assert {f.path for f in result.files} == {"app.py", "manifest.json", "README.md"}  # what the adapters parse
    monkeypatch.setenv("RBMIGRATE_RESIDUE", "0")
    result, _ = run([connector], Options(mode="diff", base=connector))
    assert residue(result) == []


def test_a_spelling_in_moved_code_is_located_where_it_was(tmp_path):
    """A body moved by an edit (RB409) is reported at its original line, not at the edit."""
    crate = make(tmp_path / "crate", {
        "Cargo.toml": '[package]\nname = "src"\nversion = "0.1.0"\n\n[dependencies]\nrapidbyte-sdk = { path = "../sdk" }\n',
        "src/lib.rs": """\
            use rapidbyte_sdk::prelude::*;

            pub struct S;

            impl Source for S {
                type Config = ();

                async fn init(_config: ()) -> Result<(Self, ConnectorInfo), ConnectorError> {
                    todo!()
                }

                async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
                    let emit = Context::emit_batch;
                    emit(ctx, &RecordBatch::default())?;
                    Ok(ReadSummary::default())
                }
            }
        """,
    })
    result, _ = run([crate], Options(mode="diff", base=crate))
    lib = next(f for f in result.files if f.path == "src/lib.rs")
    assert lib.changed and any(e.rule_id == "RB409" for e in lib.edits)
    source = lib.before.decode().splitlines()
    line = next(n for n, text in enumerate(source, 1) if "Context::emit_batch" in text)
    col = source[line - 1].index("emit_batch") + 1
    assert residue(result) == [("src/lib.rs", line, col, "emit_batch", "RB101")]
    moved = lib.after.decode().splitlines()  # the body moved down, into `read_stream`
    assert next(n for n, text in enumerate(moved, 1) if "Context::emit_batch" in text) != line


def test_a_blocking_finding_covers_its_line_and_the_item_it_starts(tmp_path):
    """RB906 (a moved-body collision) covers the `read` it is reported at; an informational RB904
    covers nothing; the other v3 methods of the impl the adapter leaves as it is are reported (by the
    adapter itself: RB906 at `init`, so nothing is left for the residue pass)."""
    crate = make(tmp_path / "crate", {
        "Cargo.toml": '[package]\nname = "src"\nversion = "0.1.0"\n\n[dependencies]\nrapidbyte-sdk = { path = "../sdk" }\n',
        "src/lib.rs": """\
            use rapidbyte_sdk::prelude::*;

            pub struct S;

            trait Rows {
                fn read_stream(&mut self) -> u64;
            }

            impl Rows for S {
                fn read_stream(&mut self) -> u64 {
                    0
                }
            }

            impl Source for S {
                type Config = ();

                async fn init(_config: ()) -> Result<(Self, ConnectorInfo), ConnectorError> {
                    todo!()
                }

                async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
                    let label = "emit-batch";
                    Ok(ReadSummary::default())
                }
            }
        """,
    })
    result, _ = run([crate], Options(mode="diff", base=crate))
    source = (crate / "src/lib.rs").read_text().splitlines()
    read = next(n for n, text in enumerate(source, 1) if "async fn read" in text)
    init = next(n for n, text in enumerate(source, 1) if "async fn init" in text)
    rules = {(f.line, f.rule_id) for f in result.findings}
    assert (read, "RB906") in rules and (read + 1, "RB904") in rules
    assert (init, "RB906") in rules
    assert residue(result) == []  # and not `"emit-batch"` inside `read`


# ------------------------------------------------------------------------------ commands and formats


def cli(args: list[str], cwd: Path, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, [*args, "-j", "1"])


def test_scan_lists_them_and_strict_fails_on_them(tmp_path, monkeypatch):
    # a `text` fence: the Markdown adapter leaves it (it migrates code spans and fences of known languages)
    root = make(tmp_path / "docs-only", {"README.md": "Use:\n\n```text\nctx.emit_batch(b)\n```\n",
                                         "notes.txt": "emit_batch\n"})
    scan = cli(["scan", "."], root, monkeypatch)
    assert scan.exit_code == 1
    assert "README.md:4:5: RB920 v3 spelling `emit_batch` left unmigrated" in scan.stdout
    assert "1 v3 spelling left unmigrated" in scan.stderr
    apply = cli(["apply", "--check", "."], root, monkeypatch)
    assert apply.exit_code == 0  # nothing to rewrite; findings alone do not fail a run
    strict = cli(["apply", "--strict", "."], root, monkeypatch)
    assert strict.exit_code == 1
    assert "0 findings needing manual work, 1 v3 spelling left unmigrated" in strict.stderr


def test_every_output_format_shows_them(connector, monkeypatch):
    json_run = cli(["apply", "--check", "--format", "json", "."], connector, monkeypatch)
    doc = json.loads(json_run.stdout)
    assert doc["summary"]["v3_spellings_left"] == len(EXPECTED)
    assert sum(u["summary"]["v3_spellings_left"] for u in doc["units"]) == len(EXPECTED)
    files = {f["path"]: f for u in doc["units"] for f in u["files"]}
    assert files["README.md"]["language"] == "markdown"
    assert [x["rule_id"] for x in files["other/app.py"]["findings"]] == ["RB920", "RB920"]
    from test_report_json import validate

    validate(doc)
    markdown = cli(["apply", "--check", "--format", "markdown", "."], connector, monkeypatch).stdout
    assert f"**{len(EXPECTED)} v3 spellings** left unmigrated" in markdown
    assert "| manual | RB920 | `other/app.py:7:8` | v3 spelling `checkpoint` left unmigrated" in markdown
    github = cli(["apply", "--check", "--format", "github", "."], connector, monkeypatch).stdout
    assert "::error file=other/app.py,line=7,col=8,title=RB920::v3 spelling `checkpoint` left unmigrated" in github
    text = cli(["apply", "--check", "-v", "."], connector, monkeypatch)
    assert "other/app.py:7:8: RB920 [manual] v3 spelling `checkpoint` left unmigrated" in text.stderr
    assert f"{len(EXPECTED)} v3 spellings left unmigrated" in text.stderr


def test_locations_in_files_with_a_bom_crlf_and_wide_characters(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "README.md").write_bytes("\ufeff# Übersicht\r\n\r\n```text\r\nÜ ctx.emit_batch(b)\r\n```\r\n".encode("utf-8"))
    line = "macro_rules! e { ($c:expr) => { /* ü */ $c.emit_batch(&b) }; }"
    (root / "lib.rs").write_bytes(("\ufeff// Ü\r\n" + line + "\r\n").encode("utf-8"))
    result, _ = run([root], Options(mode="diff", base=root))
    # (the macro body does not parse once masked: the Rust adapter reports the token itself, RB101)
    found = {(f.path, f.line, f.col) for f in result.findings if f.rule_id in (RESIDUE_RULE_ID, "RB101")}
    # columns count characters, and the BOM is not one
    assert found == {("README.md", 4, 7), ("lib.rs", 2, line.index("emit_batch") + 1)}


def test_the_issue_rust_examples_are_reported_after_apply(tmp_path):
    crate = make(tmp_path / "crate", {
        "Cargo.toml": '[package]\nname = "src"\nversion = "0.1.0"\n\n[dependencies]\nrapidbyte-sdk = { path = "../sdk" }\n',
        "src/lib.rs": """\
            use rapidbyte_sdk::prelude::*;

            macro_rules! emit {
                ($ctx:expr, $b:expr) => {
                    $ctx.emit_batch(&$b)
                };
            }

            pub fn pointer() -> fn(&Context, &RecordBatch) -> Result<(), ConnectorError> {
                Context::emit_batch
            }

            pub fn send(ctx: &Context, b: RecordBatch) -> Result<(), ConnectorError> {
                ctx.emit_batch(&b)?;
                emit!(ctx, b)
            }
        """,
    })
    result, path_map = run([crate], Options(mode="apply", base=crate))
    write_results(result, path_map)
    text = (crate / "src/lib.rs").read_text()
    assert "ctx.batch_emit(&b)?" in text  # what the adapter proves is migrated
    again, _ = run([crate], Options(mode="scan", base=crate))
    lines = text.splitlines()
    assert [(r[3], lines[r[1] - 1].strip()) for r in residue(again)] == [
        ("emit_batch", "$ctx.emit_batch(&$b)"), ("emit_batch", "Context::emit_batch")]

"""Regression tests for what a new user hit on a fresh clone (issue 16), one section per item.

Elsewhere: item 3 (crash-consistent writes) in test_journal.py and test_batch.py (SIGKILL, Ctrl-C);
item 7 in test_batch.py (inherited SIGINT) and test_hosts_v3/v4.py (memory vs deadline); item 8 in
conftest.py (per-session cache and temporary folder; test below); item 14 in test_packaging.py.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from workflow_support import REPO, V3_WIT, cli, cli_argv, git, init_repo, make_batch, wit_adapter

from rbmigrate.cli import main
from rbmigrate.lang import base as lang_base

INIT_OPEN = (REPO / "rules" / "cases" / "RB406" / "rust-init-open.rs").read_text()
BINDINGS_CASE = REPO / "rules" / "cases" / "RB505" / "python-checked-in-bindings"
SCHEMA = json.loads((REPO / "docs" / "json-schema.json").read_text())


def crate(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "demo"\nversion = "0.1.0"\n')
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).encode())
    return root


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def invoke(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


# ------------------------------------------------------------------ 1. a Rust file that does not parse


@pytest.mark.parametrize("broken,where", [
    ("fn init let x = ;\n", "syntax error near"),              # an ERROR node
    ("fn helper() { let x = 1 }\nfn other( {}\n", "syntax error"),  # a MISSING node, then an ERROR
])
def test_a_rust_file_that_does_not_parse_blocks_its_unit(tmp_path, broken, where):
    root = crate(tmp_path / "c", {"src/lib.rs": INIT_OPEN + broken})
    before = tree_bytes(root)
    proc = cli("apply", "c", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert re.search(rf"^c/src/lib\.rs:\d+:\d+: error: {where}", proc.stderr, re.M), proc.stderr
    assert tree_bytes(root) == before  # nothing written, although the v3 trait impl would migrate


def test_a_broken_file_the_unit_only_reads_blocks_it_too(tmp_path):
    """Decision: every Rust file the adapter reads to plan the unit must parse, also one it would not
    change (here a file using the SDK, read for crate-wide facts): its broken tree could mislead the plan."""
    root = crate(tmp_path / "c", {"src/lib.rs": INIT_OPEN,
                                  "src/util.rs": "use rapidbyte_sdk::prelude::*;\nfn f( {}\n"})
    before = tree_bytes(root)
    proc = cli("apply", "c", cwd=tmp_path)
    assert proc.returncode == 2 and "c/src/util.rs:2:" in proc.stderr, proc.stderr
    assert tree_bytes(root) == before
    # a broken file holding neither v3 nor the SDK is never read: it does not stop the migration
    (root / "src" / "util.rs").write_text("fn f( {}\n")
    assert cli("apply", "c", cwd=tmp_path).returncode == 0


# ------------------------------------------------------------------ 2. no traceback without --debug


def test_invalid_utf8_in_a_helper_file_is_a_located_error(tmp_path):
    body = (REPO / "rules" / "cases" / "RB906" / "rust-collision.rs").read_text()
    body = body.replace("trait RowReader {", "mod helpers;\n\ntrait RowReader {")
    root = crate(tmp_path / "c", {"src/lib.rs": body, "src/helpers.rs": b"fn read_stream() {}\n// caf\xe9\n"})
    proc = cli("apply", "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert "c/src/helpers.rs:2:7: error: not valid UTF-8" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stderr.count("helpers.rs") == 1, proc.stderr


class RaisingAdapter(type(wit_adapter())):
    def parse(self, data, ctx):
        raise KeyError("boom")


def test_an_unexpected_exception_is_one_line_with_a_hint_and_json_keeps_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setitem(lang_base._loaded, "wit", RaisingAdapter())
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "connector.wit").write_bytes(V3_WIT)
    monkeypatch.chdir(tmp_path)
    result = invoke("apply", "--check", "-j", "1", "w")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "internal error" in line]
    assert lines == ["w: error: internal error: KeyError: 'boom' (this is a bug in rbmigrate; rerun with --debug "
                     "for the traceback)"], result.stderr
    assert "Traceback" not in result.stderr
    debug = invoke("--debug", "apply", "--check", "-j", "1", "w")
    assert "Traceback (most recent call last)" in debug.stderr and 'raise KeyError("boom")' in debug.stderr
    doc = json.loads(invoke("apply", "--check", "--format", "json", "-j", "1", "w").stdout)
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)
    (err,) = doc["units"][0]["errors"]
    assert err["kind"] == "internal" and "Traceback (most recent call last)" in err["traceback"]
    assert "\n" not in err["message"]


def test_a_crash_outside_any_unit_is_one_line_too(tmp_path, monkeypatch):
    import rbmigrate.batch

    def broken(*args, **kw):
        raise RuntimeError("discovery fell over\nwith a second line")

    monkeypatch.setattr(rbmigrate.batch, "run_batch", broken)
    (tmp_path / "w").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke("apply", "w")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "rbmigrate: error: internal error: RuntimeError: discovery fell over",
        "rbmigrate: this is a bug in rbmigrate; rerun with --debug for the traceback"]
    debug = invoke("--debug", "apply", "w")
    assert isinstance(debug.exception, RuntimeError)  # raised: Python prints the traceback


# ------------------------------------------------------------------ 4. --color also into a pipe


def test_color_flag_forces_colour_into_a_pipe(tmp_path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "connector.wit").write_bytes(V3_WIT)
    esc = "\x1b["
    assert esc not in cli("apply", "--diff", "w", cwd=tmp_path).stdout  # a pipe: plain by default
    forced = cli("apply", "--diff", "--color", "w", cwd=tmp_path)
    assert "\x1b[32m+" in forced.stdout and "\x1b[31m-" in forced.stdout
    assert esc in cli("apply", "--diff", "--color", "w", cwd=tmp_path, env={"NO_COLOR": "1"}).stdout
    assert esc not in cli("apply", "--diff", "--no-color", "w", cwd=tmp_path).stdout
    make_batch(tmp_path / "b", 2, mixed=False)
    table = cli("apply", "--check", "-v", "--color", "units", cwd=tmp_path / "b")
    assert "\x1b[33mpending" in table.stderr  # the unit table's status column
    assert esc not in cli("apply", "--check", "-v", "units", cwd=tmp_path / "b").stderr


# ------------------------------------------------------------------ 5. actions in every format


def test_regenerated_bindings_are_reported_in_every_format(tmp_path):
    shutil.copytree(BINDINGS_CASE, tmp_path / "conn", ignore=shutil.ignore_patterns("*.after", ".findings"))
    shown = "conn/wit_world/: RB505 would be regenerated from wit/v4 (world rapidbyte-destination)"
    check = cli("apply", "--check", "conn", cwd=tmp_path)
    assert shown in check.stderr and "1 binding tree to regenerate" in check.stderr, check.stderr
    verbose = cli("apply", "--check", "-v", "conn", cwd=tmp_path)
    assert shown in verbose.stderr
    assert "wit_world: skipped" not in verbose.stderr and "wit_world/ is never migrated" not in verbose.stderr
    doc = json.loads(cli("apply", "--check", "--format", "json", "conn", cwd=tmp_path).stdout)
    assert [(a["kind"], a["path"], a["done"]) for a in doc["units"][0]["actions"]] == [
        ("regenerate-bindings", "conn/wit_world", False)]
    markdown = cli("apply", "--check", "--format", "markdown", "conn", cwd=tmp_path).stdout
    assert "### Other changes" in markdown and "regenerate conn/wit\\_world/ from wit/v4" in markdown
    github = cli("apply", "--check", "--format", "github", "conn", cwd=tmp_path).stdout
    assert "::notice title=RB505::conn/wit_world: regenerate conn/wit_world/ from wit/v4" in github
    applied = cli("apply", "-v", "conn", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "conn/wit_world/: RB505 regenerated from wit/v4 (world rapidbyte-destination)" in applied.stderr
    assert "regenerated 1 binding tree" in applied.stderr and "skipped" not in applied.stderr


# ------------------------------------------------------------------ 6. the dirty-unit error, once


def test_the_dirty_unit_error_is_printed_once(tmp_path):
    shutil.copytree(REPO / "testdata" / "python" / "v3" / "source-postgres", tmp_path / "c1")
    shutil.copytree(REPO / "testdata" / "python" / "v3" / "source-postgres", tmp_path / "c2")
    init_repo(tmp_path)
    with open(tmp_path / "c1" / "app.py", "a") as handle:
        handle.write("# local edit\n")
    for paths in (["c1"], ["c1", "c2"]):
        proc = cli("apply", "-j", "1", *paths, cwd=tmp_path)
        assert proc.returncode == 2
        assert proc.stderr.count("has uncommitted changes") == 1, proc.stderr
        assert proc.stderr.count("nothing in this unit was written") == 1 and "not written" not in proc.stderr
    changed = git(tmp_path, "status", "--porcelain").split()[1::2]
    assert [p for p in changed if p.startswith("c1/")] == ["c1/app.py"]  # c1 as it was, with its local edit
    assert "c2/app.py" in changed  # the clean unit was migrated


# ------------------------------------------------------------------ 9. a PATH with nothing to migrate


def test_a_path_with_no_unit_is_an_error_that_says_what_was_looked_for(tmp_path):
    (tmp_path / "empty" / "target").mkdir(parents=True)
    (tmp_path / "empty" / "target" / "lib.rs").write_text("fn main() {}\n")
    (tmp_path / "empty" / "notes.txt").write_text("hello\n")
    proc = cli("apply", "empty", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("rbmigrate: error: empty: no connector found (looked for a Cargo crate, a "
                                  "componentize-py connector or a WIT package"), proc.stderr
    assert "empty/target (target/ is never migrated)" in proc.stderr
    assert cli("scan", "empty", cwd=tmp_path).returncode == 2
    notes = cli("apply", "empty/notes.txt", cwd=tmp_path)
    assert notes.returncode == 2 and "empty/notes.txt: not a file rbmigrate migrates" in notes.stderr
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "connector.wit").write_bytes(V3_WIT)
    excluded = cli("apply", "--check", "--exclude", "*.wit", "w", cwd=tmp_path)
    assert excluded.returncode == 2 and "after --include/--exclude" in excluded.stderr
    # a good path beside an empty one: nothing is done, as for a missing path
    both = cli("apply", "w", "empty", cwd=tmp_path)
    assert both.returncode == 2 and b"@3.0.0" in (tmp_path / "w" / "connector.wit").read_bytes()


# ------------------------------------------------------------------ 10. batch output stays small


def batch_with_findings(tmp_path: Path, count: int) -> Path:
    make_batch(tmp_path, count, mixed=False)
    collision = (REPO / "rules" / "cases" / "RB906" / "rust-collision.rs").read_text()
    for i in range(3):
        crate(tmp_path / "units" / f"rs{i}", {"src/lib.rs": collision})
    (tmp_path / "units" / "u001-crlf" / "connector.wit").write_bytes(b"package rapidbyte:connector@3.0.0;\ninterface x {\n")
    return tmp_path


def test_batch_output_default_verbose_and_quiet(tmp_path):
    batch_with_findings(tmp_path, 30)
    proc = cli("apply", "--check", "-j", "2", "units", cwd=tmp_path, env={"CI": "true"})
    assert proc.returncode == 2
    listed = [line for line in proc.stderr.splitlines() if line.startswith("would migrate ")]
    assert len(listed) <= 50  # bounded, as `black --check` lists what it would reformat
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("would migrate ")]
    assert len(lines) <= 16, proc.stderr  # 10 progress lines, the error, the grouped findings, the summary
    assert [line for line in lines if ": error: " in line] == [
        "units/u001-crlf/connector.wit:3:1: error: expected `}` closing the interface, found end of file"]
    # each crate: the collision at `read`, and `init` and `discover` left with the impl (also RB906)
    assert any(re.fullmatch(r"\s+9  RB906 \[manual\] The helper name for a moved v3 body is already taken \(3 files\)", line)
               for line in lines), proc.stderr
    assert not [line for line in lines if line.startswith(("Unit ", "units/rs0/src/lib.rs:"))]
    assert re.fullmatch(r"\d+ files would be migrated \(\d+ edits\); 9 findings needing manual work, "
                        r"1 error; 33 units, \d+ files parsed", lines[-1]), lines[-1]

    verbose = cli("apply", "--check", "-v", "-j", "2", "units", cwd=tmp_path, env={"CI": "true"})
    assert sum(1 for line in verbose.stderr.splitlines() if line.startswith("rbmigrate: [")) == 33
    assert "units/rs0/src/lib.rs:" in verbose.stderr and "Unit " in verbose.stderr

    quiet = cli("apply", "--check", "-q", "-j", "2", "units", cwd=tmp_path, env={"CI": "true"})
    assert quiet.returncode == 2
    assert quiet.stderr.splitlines() == [
        "units/u001-crlf/connector.wit:3:1: error: expected `}` closing the interface, found end of file"]


def test_one_progress_bar_on_a_terminal(tmp_path):
    make_batch(tmp_path, 6, mixed=False)
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"}
    env.pop("CI", None)
    proc = subprocess.Popen(cli_argv("apply", "--check", "-j", "1", "units"), cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    out = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(controller)
    assert proc.wait(timeout=120) == 1
    text = out.decode("utf-8", errors="replace")
    assert "rbmigrate" in text and "6/6" in text  # the bar (transient: cleared at the end)
    assert "units done" not in text and "[1/6]" not in text and "Unit " not in text
    assert re.search(r"\d+ files would be migrated \(\d+ edits\); 0 findings needing manual work, 0 errors; "
                     r"6 units, \d+ files parsed\r?\n?$", text), text[-300:]


# ------------------------------------------------------------------ 12. one vocabulary


def test_findings_need_manual_work_and_errors_are_failures(tmp_path):
    collision = (REPO / "rules" / "cases" / "RB906" / "rust-collision.rs").read_text()
    crate(tmp_path / "c", {"src/lib.rs": collision})
    proc = cli("apply", "--check", "c", cwd=tmp_path)
    assert proc.returncode == 1
    (line,) = [line for line in proc.stderr.splitlines() if " RB906 " in line and "already has" in line]
    assert re.fullmatch(r"c/src/lib\.rs:\d+:\d+: RB906 \[manual\] `Csv` already has an item named `read_stream`; .* "
                        r"\(manual step: Rename the existing `read_stream`, then run `rbmigrate apply` again\.\)", line)
    assert "[error]" not in proc.stderr and ": error:" not in proc.stderr
    assert "3 findings needing manual work" in proc.stderr and "0 errors" in proc.stderr  # `read`, `init`, `discover`
    doc = json.loads(cli("apply", "--check", "--format", "json", "c", cwd=tmp_path).stdout)
    assert {f["severity"] for u in doc["units"] for fr in u["files"] for f in fr["findings"]} == {"error"}  # kept


# ------------------------------------------------------------------ 13. PEP 263 coding cookies


def test_a_coding_cookie_is_decoded_by_and_written_back_in(tmp_path):
    conn = tmp_path / "conn"
    shutil.copytree(REPO / "testdata" / "python" / "v3" / "source-postgres", conn)
    cookie = b"# -*- coding: latin-1 -*-\n# Auteur: J\xe9r\xf4me\n"
    (conn / "app.py").write_bytes(cookie + (conn / "app.py").read_bytes())
    proc = cli("apply", "--patch", "changes.patch", "conn", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = (conn / "app.py").read_bytes()
    assert data.startswith(cookie)  # still latin-1: é is one byte
    expected = (REPO / "testdata" / "python" / "expected" / "source-postgres" / "app.py").read_bytes()
    assert data == cookie + expected
    # the patch holds the bytes on disk: it applies to the latin-1 original
    fresh = tmp_path / "fresh"
    shutil.copytree(REPO / "testdata" / "python" / "v3" / "source-postgres", fresh / "conn")
    (fresh / "conn" / "app.py").write_bytes(cookie + (fresh / "conn" / "app.py").read_bytes())
    applied = subprocess.run(["git", "apply", str(tmp_path / "changes.patch")], cwd=fresh, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert (fresh / "conn" / "app.py").read_bytes() == data


@pytest.mark.parametrize("head,message", [
    (b"# coding: no-such-codec\n", "c/app.py:1:11: error: unknown encoding 'no-such-codec' in the coding cookie"),
    (b"#!/usr/bin/env python\n# vim: set fileencoding=ascii :\n# \xe9\n",
     "c/app.py:3:3: error: not valid ascii (ordinal not in range(128)); the coding cookie on line 2 declares 'ascii'"),
])
def test_a_file_its_coding_cookie_cannot_decode_names_the_cookie(tmp_path, head, message):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "app.py").write_bytes(head + b"from wit_world.imports import host\nhost.emit_batch(1)\n")
    proc = cli("apply", "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr, proc.stderr


# ------------------------------------------------------------------ 8. tests leave no litter


def test_the_suite_uses_a_per_session_cache_outside_the_checkout(rb_cache_dir):
    if os.environ.get("RBMIGRATE_TEST_CACHE_DIR"):
        pytest.skip("RBMIGRATE_TEST_CACHE_DIR chooses a cache kept across sessions")
    assert REPO not in rb_cache_dir.parents and rb_cache_dir != REPO / ".rbmigrate-cache"
    assert os.environ.get("RBMIGRATE_CACHE_DIR") == str(rb_cache_dir)  # subprocesses use it too
    assert Path(os.environ["TMPDIR"]) in rb_cache_dir.parents  # removed with the session's temporary folder

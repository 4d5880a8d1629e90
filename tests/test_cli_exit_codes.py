"""Exit codes (docs/output.md): 0 nothing to do or applied cleanly; 1 pending (--check, scan) or manual
work (--strict, scan); 2 usage or input errors."""

from __future__ import annotations


import pytest
from click.testing import CliRunner
from report_samples import sample_run
from workflow_support import REPO, V3_WIT, cli, make_batch, snapshot, wit_adapter

from rbmigrate.cli import exit_code, main
from rbmigrate.model import FileResult, Finding, RunResult, Severity, UnitResult

V4_ONLY = (REPO / "wit" / "v4" / "rapidbyte-connector.wit").read_bytes()


@pytest.fixture
def tree(tmp_path, monkeypatch):
    wit_adapter()
    (tmp_path / "v3").mkdir()
    (tmp_path / "v3" / "connector.wit").write_bytes(V3_WIT)
    (tmp_path / "v4").mkdir()
    (tmp_path / "v4" / "connector.wit").write_bytes(V4_ONLY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# ------------------------------------------------------------------ the policy itself


def _run_with(findings=(), changed=False, error=False, mode="check") -> RunResult:
    fres = FileResult(path="a.wit", language="wit", before=b"x", after=b"y" if changed else None,
                      findings=list(findings))
    if error:
        from rbmigrate.model import FileError

        fres.error = FileError("a.wit", "boom", kind="parse")
    return RunResult(units=[UnitResult(root=".", kind="wit-package", files=[fres])], mode=mode)


def test_policy():
    blocking = [Finding("a.wit", 1, 1, "RB901", Severity.ERROR, "m")]
    warning = [Finding("a.wit", 1, 1, "RB910", Severity.WARNING, "m")]
    info = [Finding("a.wit", 1, 1, "RB904", Severity.INFO, "m")]
    assert exit_code(_run_with()) == 0
    assert exit_code(_run_with(changed=True)) == 0  # apply/diff: pending changes alone are fine
    assert exit_code(_run_with(changed=True), check=True) == 1
    assert exit_code(_run_with(blocking)) == 0
    assert exit_code(_run_with(blocking), strict=True) == 1
    assert exit_code(_run_with(warning), strict=True) == 1
    assert exit_code(_run_with(info), strict=True, check=True) == 0  # info never changes the code
    assert exit_code(_run_with(changed=True), pending_fails=True) == 1  # scan
    assert exit_code(_run_with(blocking), pending_fails=True) == 1
    assert exit_code(_run_with(info), pending_fails=True) == 0
    assert exit_code(_run_with(error=True), check=True, strict=True) == 2  # errors win
    assert exit_code(sample_run()) == 2


# ------------------------------------------------------------------ through the CLI


def test_nothing_to_do_is_0(tree):
    assert run("apply", "v4").exit_code == 0
    assert run("apply", "--check", "v4").exit_code == 0
    assert run("apply", "--strict", "v4").exit_code == 0
    assert run("scan", "v4").exit_code == 0
    # a PATH holding nothing to look at is an input error, not "nothing to do" (tests/test_hardening.py)


def test_check_is_1_until_applied(tree):
    before = snapshot(tree)
    assert run("apply", "--check", "v3").exit_code == 1
    assert run("apply", "--diff", "v3").exit_code == 0
    assert run("apply", "--diff", "--check", "v3").exit_code == 1
    assert run("scan", "v3").exit_code == 1
    assert snapshot(tree) == before
    applied = run("apply", "v3")
    assert applied.exit_code == 0, applied.output
    assert (tree / "v3" / "connector.wit").read_bytes() != V3_WIT
    assert run("apply", "--check", "v3").exit_code == 0  # idempotent
    assert run("apply", "v3").exit_code == 0


def test_input_errors_are_2(tree):
    (tree / "bad").mkdir()
    (tree / "bad" / "connector.wit").write_bytes(V3_WIT + b"interface broken {\n")
    result = run("apply", "--check", "bad", "v3")
    assert result.exit_code == 2
    assert "bad/connector.wit:" in result.stderr
    assert run("scan", "bad").exit_code == 2
    assert (tree / "bad" / "connector.wit").read_bytes().endswith(b"interface broken {\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (["apply"], "give at least one PATH"),
        (["apply", "no-such-dir"], "does not exist"),
        (["apply", "--shard", "3/2", "v3"], "--shard must be K/N"),
        (["apply", "--shard", "x", "v3"], "--shard must be K/N"),
        (["apply", "--from-file", "missing.txt"], "cannot read missing.txt"),
        (["apply", "--bogus", "v3"], "No such option"),
        (["apply", "--diff", "--format", "json", "v3"], "--diff and --format json both write to stdout"),
        (["apply", "--format", "yaml", "v3"], "Invalid value"),
        (["scan"], "give at least one PATH"),
    ],
)
def test_usage_errors_are_2(tree, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert (tree / "v3" / "connector.wit").read_bytes() == V3_WIT


def test_a_missing_path_in_a_list_file_is_2(tree):
    (tree / "list.txt").write_text("v3\n# a comment\n\nnot-there\n")
    result = run("apply", "--from-file", "list.txt")
    assert result.exit_code == 2
    assert "list.txt:4: not-there: no such file or directory" in result.output
    assert (tree / "v3" / "connector.wit").read_bytes() == V3_WIT


def test_an_unwritable_output_is_2(tree):
    result = run("apply", "--check", "--format", "json", "--output", str(tree / "no" / "such" / "dir" / "x.json"), "v3")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_real_process_exit_codes(tmp_path):
    """The same codes from a real `rbmigrate` process (not just click's test runner)."""
    make_batch(tmp_path, 2, mixed=False)
    assert cli("apply", "--check", "units", cwd=tmp_path).returncode == 1
    assert cli("apply", "units", cwd=tmp_path).returncode == 0
    assert cli("apply", "--check", "units", cwd=tmp_path).returncode == 0
    assert cli("apply", cwd=tmp_path).returncode == 2
    (tmp_path / "units" / "u000-plain" / "connector.wit").write_bytes(V3_WIT + b"}\n")
    assert cli("apply", "units", cwd=tmp_path).returncode == 2

"""`--patch FILE`: a patch that real `git apply` accepts on a clean copy, byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_samples import sample_run
from workflow_support import V3_WIT, crlf, make_batch, snapshot, wit_adapter

from rbmigrate.cli import main
from rbmigrate.report import patch
from rbmigrate.report.diff import unified_diff


def git_apply(cwd: Path, patch_file: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "apply", *extra, str(patch_file)], cwd=cwd, capture_output=True, text=True)


def tricky_tree(root: Path) -> None:
    make_batch(root, 5)  # plain, CRLF, no final newline, commented, split package
    odd = root / "units"
    # a lone CR and U+2028 inside a comment line: git splits on LF only, and so must the diff
    (odd / "odd-chars").mkdir()
    (odd / "odd-chars" / "connector.wit").write_bytes(
        V3_WIT.replace(b"/// Shared records", b"// old\rstyle \xe2\x80\xa8 note\n/// Shared records")
    )
    (odd / "odd-crlf-no-newline").mkdir()
    (odd / "odd-crlf-no-newline" / "connector.wit").write_bytes(crlf(V3_WIT).rstrip(b"\r\n"))
    # the changed line is the last one, without a newline: the patch needs its marker
    (odd / "odd-package-only").mkdir()
    (odd / "odd-package-only" / "package.wit").write_bytes(b"// CRLF, no final newline\r\npackage rapidbyte:connector@3.0.0;")


def test_patch_applies_on_a_clean_copy(tmp_path, monkeypatch):
    wit_adapter()
    work, clean, applied = tmp_path / "work", tmp_path / "clean", tmp_path / "applied"
    work.mkdir()
    tricky_tree(work)
    shutil.copytree(work, clean)
    shutil.copytree(work, applied)
    original = snapshot(work)

    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["apply", "--diff", "--patch", str(tmp_path / "p.patch"), "-j", "1", "units"])
    assert result.exit_code == 0, result.output
    assert snapshot(work) == original  # --diff writes nothing but the patch
    data = (tmp_path / "p.patch").read_bytes()
    assert b"\r\n" in data and b"\\ No newline at end of file\n" in data

    check = git_apply(clean, tmp_path / "p.patch", "--check")
    assert check.returncode == 0, check.stderr
    done = git_apply(clean, tmp_path / "p.patch")
    assert done.returncode == 0, done.stderr

    monkeypatch.chdir(applied)
    result = CliRunner().invoke(main, ["apply", "-j", "1", "units"])
    assert result.exit_code == 0, result.output
    assert snapshot(clean) == snapshot(applied)  # the patch is exactly what apply writes
    assert snapshot(clean) != original


def test_sample_patch_applies(tmp_path):
    run = sample_run("check")
    for fres in run.files:
        path = tmp_path / fres.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fres.before)
    patch_file = tmp_path / "sample.patch"
    patch.write(patch_file, run)
    assert git_apply(tmp_path, patch_file, "--check").returncode == 0
    assert git_apply(tmp_path, patch_file).returncode == 0
    for fres in run.files:
        assert (tmp_path / fres.path).read_bytes() == (fres.after if fres.changed else fres.before)


@pytest.mark.parametrize(
    "before, after",
    [
        (b"a\nb\n", b"a\nB\n"),
        (b"a\nb", b"a\nB"),  # no final newline on either side
        (b"a\nb", b"a\nb\n"),  # a final newline added
        (b"a\nb\n", b"a\nb"),  # and removed
        (b"a\r\nb\r\n", b"a\r\nB\r\n"),
        (b"", b"x\n"),
    ],
)
def test_unified_diff_edge_cases_apply(tmp_path, before, after):
    (tmp_path / "f.txt").write_bytes(before)
    (tmp_path / "f.patch").write_text(unified_diff("f.txt", before, after), newline="")
    proc = git_apply(tmp_path, tmp_path / "f.patch")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "f.txt").read_bytes() == after


def test_patch_of_an_unchanged_run_is_empty():
    run = sample_run("check")
    for fres in run.files:
        fres.after = None
    assert patch.render(run) == b""

"""Git safety in real temporary repositories: apply refuses to overwrite uncommitted work."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from workflow_support import V3_WIT, git, init_repo, snapshot, wit_adapter

from rbmigrate.cli import main
from rbmigrate.gitsafety import GitSafety


@pytest.fixture
def adapter(monkeypatch):
    return wit_adapter()


def invoke(monkeypatch, cwd: Path, *args: str):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["apply", "-j", "1", *args])


def repo_with_units(root: Path, names=("a", "b")) -> None:
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "connector.wit").write_bytes(V3_WIT)
    (root / "README.md").write_text("docs\n")
    (root / ".gitignore").write_text("*.local.wit\n")
    init_repo(root)


def test_uncommitted_reasons(tmp_path):
    repo_with_units(tmp_path)
    clean = tmp_path / "a" / "connector.wit"
    modified = tmp_path / "b" / "connector.wit"
    modified.write_bytes(V3_WIT + b"// edit\n")
    staged = tmp_path / "staged.wit"
    staged.write_bytes(V3_WIT)
    git(tmp_path, "add", "staged.wit")
    untracked = tmp_path / "new.wit"
    untracked.write_bytes(V3_WIT)
    ignored = tmp_path / "x.local.wit"
    ignored.write_bytes(V3_WIT)
    git(tmp_path, "mv", "README.md", "README2.md")
    renamed = tmp_path / "README2.md"
    got = GitSafety().uncommitted([clean, modified, staged, untracked, ignored, renamed])
    assert got == {
        modified: "modified",
        staged: "staged, not committed",
        untracked: "untracked",
        ignored: "ignored by git, never committed",
        renamed: "staged, not committed",
    }


def test_files_outside_git_are_not_checked(tmp_path):
    (tmp_path / "a.wit").write_bytes(V3_WIT)
    assert GitSafety().uncommitted([tmp_path / "a.wit"]) == {}


def test_subfolder_paths_and_nested_repository(tmp_path):
    outer = tmp_path / "outer"
    repo_with_units(outer)
    inner = outer / "vendor" / "inner"
    repo_with_units(inner, names=("c",))
    (inner / "c" / "connector.wit").write_bytes(V3_WIT + b"// local change\n")
    safety = GitSafety()
    assert safety.repo_root(inner / "c") == inner.resolve()
    assert safety.uncommitted([inner / "c" / "connector.wit", outer / "a" / "connector.wit"]) == {
        (inner / "c" / "connector.wit").resolve(): "modified"
    }


def test_apply_refuses_a_dirty_file_and_writes_nothing_of_its_unit(tmp_path, monkeypatch, adapter):
    repo_with_units(tmp_path, names=("a",))
    (tmp_path / "a" / "second.wit").write_bytes(b"package rapidbyte:connector@3.0.0;\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "second file")
    dirty = V3_WIT.replace(b"/// Rapidbyte", b"/// Locally edited: Rapidbyte")
    (tmp_path / "a" / "connector.wit").write_bytes(dirty)
    before = snapshot(tmp_path)

    result = invoke(monkeypatch, tmp_path, ".")
    assert result.exit_code == 2, result.output
    assert "a/connector.wit: error: has uncommitted changes (modified)" in result.stderr
    assert "--allow-dirty" in result.stderr
    assert snapshot(tmp_path) == before  # the clean second.wit of the same unit is not written either


def test_diff_and_check_run_on_a_dirty_tree(tmp_path, monkeypatch, adapter):
    repo_with_units(tmp_path, names=("a",))
    (tmp_path / "a" / "connector.wit").write_bytes(V3_WIT + b"// local\n")
    before = snapshot(tmp_path)
    diff = invoke(monkeypatch, tmp_path, "--diff", ".")
    assert diff.exit_code == 0, diff.output
    assert "+package rapidbyte:connector@4.0.0;" in diff.stdout
    check = invoke(monkeypatch, tmp_path, "--check", ".")
    assert check.exit_code == 1, check.output
    assert snapshot(tmp_path) == before


def test_allow_dirty_writes(tmp_path, monkeypatch, adapter):
    repo_with_units(tmp_path, names=("a",))
    (tmp_path / "a" / "connector.wit").write_bytes(V3_WIT + b"// local\n")
    result = invoke(monkeypatch, tmp_path, "--allow-dirty", ".")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "a" / "connector.wit").read_bytes()
    assert b"@4.0.0" in data and data.endswith(b"// local\n")


def test_untracked_and_staged_files_are_refused(tmp_path, monkeypatch, adapter):
    repo_with_units(tmp_path, names=("a",))
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "connector.wit").write_bytes(V3_WIT)
    (tmp_path / "a" / "connector.wit").write_bytes(V3_WIT + b"// staged\n")
    git(tmp_path, "add", "a/connector.wit")
    before = snapshot(tmp_path)
    result = invoke(monkeypatch, tmp_path, ".")
    assert result.exit_code == 2
    assert "new/connector.wit: error: has uncommitted changes (untracked)" in result.stderr
    assert "a/connector.wit: error: has uncommitted changes (staged, not committed)" in result.stderr
    assert snapshot(tmp_path) == before


def test_dirty_files_apply_does_not_touch_do_not_matter(tmp_path, monkeypatch, adapter):
    repo_with_units(tmp_path)
    (tmp_path / "README.md").write_text("edited docs\n")
    (tmp_path / "b" / "connector.wit").write_bytes(V3_WIT + b"// local\n")
    result = invoke(monkeypatch, tmp_path, ".")
    assert result.exit_code == 2  # unit b is refused ...
    assert b"@4.0.0" in (tmp_path / "a" / "connector.wit").read_bytes()  # ... unit a is migrated
    assert (tmp_path / "b" / "connector.wit").read_bytes() == V3_WIT + b"// local\n"
    assert "README.md" not in result.stderr
    after_commit = git(tmp_path, "status", "--porcelain")
    assert " M a/connector.wit" in after_commit

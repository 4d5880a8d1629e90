"""WIT migration (recipes §1): the corpus in testdata/wit, safety, and the resolved-JSON contract."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.lang.wit.resolve import check_wit, package_shape, resolved_json, shape_differences

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "testdata" / "wit"
V3 = ROOT / "wit" / "v3" / "rapidbyte-connector.wit"
V4_SHAPE = None
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "input").is_dir())


def v4_shape():
    global V4_SHAPE
    if V4_SHAPE is None:
        V4_SHAPE = package_shape(resolved_json(ROOT / "wit" / "v4"))
    return V4_SHAPE


def rbmigrate(*args: str, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.wit"))}


def migrated_copy(case: str, tmp_path: Path) -> Path:
    work = tmp_path / case
    shutil.copytree(CORPUS / case / "input", work)
    result = rbmigrate("apply", case, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return work


@pytest.mark.parametrize("case", CASES)
def test_corpus_matches_expected(case, tmp_path):
    work = migrated_copy(case, tmp_path)
    assert tree_bytes(work) == tree_bytes(CORPUS / case / "expected")


@pytest.mark.parametrize("case", CASES)
def test_corpus_output_resolves_to_v4(case, tmp_path):
    work = migrated_copy(case, tmp_path)
    assert check_wit(work) is None
    packages = [work] if (work / "deps").exists() is False else [work / "deps" / "rapidbyte-connector"]
    for folder in packages:
        shape = package_shape(resolved_json(folder))
        assert shape["name"] == "rapidbyte:connector@4.0.0"
        assert shape_differences(shape, v4_shape()) == []


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case, tmp_path):
    work = migrated_copy(case, tmp_path)
    before = tree_bytes(work)
    result = rbmigrate("apply", "--check", case, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    result = rbmigrate("apply", case, cwd=tmp_path)
    assert result.exit_code == 0
    assert tree_bytes(work) == before


def test_third_party_uses_point_at_new_owners(tmp_path):
    work = migrated_copy("third-party", tmp_path)
    text = (work / "acme-audit.wit").read_text()
    assert "use rapidbyte:connector/core-types@4.0.0.{connector-error, validation-report};" in text
    assert "use rapidbyte:connector/stream-types@4.0.0.{read-summary};" in text
    assert "use rapidbyte:connector/host-io@4.0.0.{tcp-read-result as raw-read};" in text
    assert "import rapidbyte:connector/host-io@4.0.0;" in text
    assert "export rapidbyte:connector/source@4.0.0;" in text
    assert "@3.0.0" not in text
    # the renamed type is renamed where the third-party interface refers to it; the alias is kept
    assert "result<validation-report, connector-error>" in text
    assert "peek: func() -> raw-read;" in text


def _comment_lines(data: bytes) -> list[bytes]:
    return [m.group(0).strip() for m in re.finditer(rb"(//[^\n]*|/\*.*?\*/)", data, re.S)]


def test_comments_survive_where_their_items_survive(tmp_path):
    work = migrated_copy("comments", tmp_path)
    before = (CORPUS / "comments" / "input" / "connector.wit").read_bytes()
    after = (work / "connector.wit").read_bytes()
    dropped_with_item = {b"// discover is a phase of run in v4: this comment goes with it"}
    for comment in _comment_lines(before):
        if comment in dropped_with_item:
            assert comment not in after
        else:
            assert comment in after, comment
    assert not after.endswith(b"\n"), "a missing final newline stays missing"


def test_crlf_and_bom_are_kept(tmp_path):
    crlf = migrated_copy("crlf", tmp_path) / "rapidbyte-connector.wit"
    data = crlf.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n"), "every inserted line uses CRLF too"
    bom = migrated_copy("bom", tmp_path) / "rapidbyte-connector.wit"
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert bom.read_bytes().count(b"\xef\xbb\xbf") == 1


def test_diff_and_check_write_nothing(tmp_path):
    work = tmp_path / "pkg"
    work.mkdir()
    shutil.copy(V3, work)
    before = tree_bytes(work)
    diff = rbmigrate("apply", "--diff", "pkg", cwd=tmp_path)
    assert diff.exit_code == 0
    assert "+package rapidbyte:connector@4.0.0;" in diff.stdout
    assert "-interface host {" in diff.stdout
    check = rbmigrate("apply", "--check", "pkg", cwd=tmp_path)
    assert check.exit_code == 1
    assert tree_bytes(work) == before


def test_syntax_error_is_located_and_other_files_still_migrate(tmp_path):
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    shutil.copy(V3, good)
    broken = V3.read_bytes().replace(b"emit-batch: func(handle: u64)", b"emit-batch: func(handle u64)")
    (bad / "rapidbyte-connector.wit").write_bytes(broken)
    result = rbmigrate("apply", "good", "bad", cwd=tmp_path)
    assert result.exit_code == 2
    line = broken[: broken.index(b"handle u64")].count(b"\n") + 1
    assert re.search(rf"bad/rapidbyte-connector.wit:{line}:\d+: error: expected", result.stderr), result.stderr
    assert (bad / "rapidbyte-connector.wit").read_bytes() == broken
    assert b"@4.0.0" in (good / "rapidbyte-connector.wit").read_bytes()


def test_broken_file_blocks_its_own_package_only(tmp_path):
    """A package split over files is migrated whole or not at all."""
    pkg = tmp_path / "split"
    shutil.copytree(CORPUS / "split" / "input", pkg)
    (pkg / "roles.wit").write_bytes((pkg / "roles.wit").read_bytes().replace(b"open: func", b"open func"))
    before = tree_bytes(pkg)
    result = rbmigrate("apply", "split", cwd=tmp_path)
    assert result.exit_code == 2
    assert tree_bytes(pkg) == before


def test_v4_package_is_left_alone(tmp_path):
    pkg = tmp_path / "v4"
    shutil.copytree(ROOT / "wit" / "v4", pkg)
    before = tree_bytes(pkg)
    assert rbmigrate("apply", "v4", cwd=tmp_path).exit_code == 0
    assert tree_bytes(pkg) == before
    assert rbmigrate("scan", "v4", cwd=tmp_path).exit_code == 0


def test_v3_name_in_v4_package_is_a_finding(tmp_path):
    pkg = tmp_path / "v4"
    pkg.mkdir()
    text = (ROOT / "wit" / "v4" / "rapidbyte-connector.wit").read_bytes().replace(b"batch-emit:", b"emit-batch:")
    (pkg / "p.wit").write_bytes(text)
    result = rbmigrate("apply", "v4", cwd=tmp_path)
    assert result.exit_code == 0
    assert (pkg / "p.wit").read_bytes() == text
    assert "RB910" in result.stderr and "emit-batch" in result.stderr
    assert rbmigrate("apply", "--strict", "v4", cwd=tmp_path).exit_code == 1


@pytest.mark.parametrize("version", ["2.0.0", "5.0.0"])
def test_other_versions_are_reported_not_touched(version, tmp_path):
    pkg = tmp_path / "old"
    pkg.mkdir()
    text = V3.read_bytes().replace(b"@3.0.0", f"@{version}".encode())
    (pkg / "p.wit").write_bytes(text)
    result = rbmigrate("apply", "old", cwd=tmp_path)
    assert (pkg / "p.wit").read_bytes() == text
    assert "RB909" in result.stderr and version in result.stderr
    assert rbmigrate("scan", "old", cwd=tmp_path).exit_code == 1


def test_write_is_atomic_and_keeps_mode(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    target = pkg / "rapidbyte-connector.wit"
    shutil.copy(V3, target)
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    assert rbmigrate("apply", "pkg", cwd=tmp_path).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode, "replaced by rename, not rewritten in place"
    assert not [p for p in pkg.iterdir() if p.name != target.name], "no temporary file left behind"


def test_scan_lists_v3_usage_with_rule_ids(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    shutil.copy(V3, pkg)
    result = rbmigrate("scan", "pkg", cwd=tmp_path)
    assert result.exit_code == 1
    for rule in ("RB001", "RB010", "RB011", "RB101", "RB110", "RB201", "RB303"):
        assert f" {rule} " in result.stdout, rule

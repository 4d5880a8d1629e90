"""`rbmigrate apply --verify`: migrate, then verify each migrated connector against a snapshot of its
v3 original (real componentize-py, wasmtime and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"
PY = sys.executable

pytestmark = pytest.mark.slow


def _apply_verify(target: Path, cache: Path, dsn: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "-m", "rbmigrate", "apply", "--verify", "--pg-dsn", dsn, "--cache-dir", str(cache), *extra, target.name],
        cwd=target.parent, capture_output=True, text=True, timeout=1200,
    )


@pytest.fixture(scope="module")
def dsn(pg) -> str:
    return f"postgresql://rb_trust@{pg.host}:{pg.port}/{pg.dbname}"


def _copy_pipeline(work: Path) -> None:
    """The default scenario's pipeline (testdata/python/v3 also holds connectors that have no stage in it)."""
    for name in ("source-postgres", "dest-postgres", "transform-sql"):
        shutil.copytree(V3 / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))


def test_apply_verify_migrates_and_verifies(tmp_path, rb_cache_dir, dsn):
    work = tmp_path / "conns"
    _copy_pipeline(work)
    report = tmp_path / "report.json"
    proc = _apply_verify(work, rb_cache_dir, dsn, "--format", "json", "-o", str(report))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("source-postgres", "dest-postgres", "transform-sql"):
        assert json.loads((work / name / "manifest.json").read_text())["protocol_version"] == "4"
    assert "verified 3 connectors: 3 passed" in proc.stderr
    doc = json.loads(report.read_text())
    assert sorted(u["verify"] for u in doc["units"]) == ["passed"] * 3


def test_apply_verify_second_run_has_nothing_to_verify(tmp_path, rb_cache_dir, dsn):
    """Only units that apply migrated are verified: a second run changes nothing and verifies nothing."""
    work = tmp_path / "conns"
    _copy_pipeline(work)
    first = _apply_verify(work, rb_cache_dir, dsn)
    assert first.returncode == 0, first.stderr
    # a second apply --verify has nothing to migrate, so nothing to verify: it stays green
    second = _apply_verify(work, rb_cache_dir, dsn)
    assert second.returncode == 0, second.stderr
    assert "verified" not in second.stderr


def test_apply_verify_refuses_diff_and_check(tmp_path):
    work = tmp_path / "conns"
    shutil.copytree(V3 / "transform-sql", work)
    for flag in ("--diff", "--check"):
        proc = subprocess.run([PY, "-m", "rbmigrate", "apply", "--verify", flag, "conns"], cwd=tmp_path,
                              capture_output=True, text=True)
        assert proc.returncode == 2
        assert "--verify runs after writing" in proc.stderr

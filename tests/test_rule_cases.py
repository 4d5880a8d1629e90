"""`rbmigrate rules test`: every before/after case kept beside the rules passes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.rulecases import iter_cases, run_case
from rbmigrate.ruletable import default_table

CASES = list(iter_cases())


@pytest.fixture(autouse=True)
def _cache_in_the_suite_cache(rb_cache_dir, monkeypatch):
    """RB918's cases type-check (bindings and mypy's cache): into the suite's cache, not ~/.cache."""
    monkeypatch.setenv("RBMIGRATE_CACHE_DIR", str(rb_cache_dir))


@pytest.mark.parametrize("rule_id,name,path", CASES, ids=[f"{r}/{n}" for r, n, _ in CASES])
def test_case(rule_id, name, path):
    outcome = run_case(rule_id, path)
    assert outcome.ok, "\n".join(outcome.problems)


def test_every_rule_has_a_case():
    covered = {rule_id for rule_id, _, _ in CASES}
    missing = [r.id for r in default_table() if r.id not in covered]
    assert not missing, f"rules without before/after cases: {missing}"


def test_failing_case_prints_its_diff_and_update_refreshes(tmp_path, monkeypatch):
    import rbmigrate.rulecases as rc

    cases = tmp_path / "cases" / "RB011"
    shutil.copytree(rc.case_root() / "RB011", cases)
    snap = cases / "wit-use-types.wit.after"
    snap.write_text(snap.read_text().replace("stream-types", "stream-typos"))
    monkeypatch.setattr(rc, "case_root", lambda: tmp_path / "cases")
    result = CliRunner().invoke(main, ["rules", "test", "RB011"])
    assert result.exit_code == 1
    assert "FAILED  RB011 wit-use-types.wit" in result.output
    assert "-    use rapidbyte:connector/stream-typos@4.0.0" in result.output
    assert "+    use rapidbyte:connector/stream-types@4.0.0" in result.output
    assert CliRunner().invoke(main, ["rules", "test", "--update", "RB011"]).exit_code == 0
    assert "stream-typos" not in snap.read_text()
    assert CliRunner().invoke(main, ["rules", "test", "RB011"]).exit_code == 0

"""`--format sarif`: SARIF 2.1.0, validated against the OASIS schema (tests/schemas), for a hand-built
result and for real `apply --check` and `scan` runs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator
from report_samples import sample_run

from rbmigrate.cli import main
from rbmigrate.report import sarif
from rbmigrate.ruletable import default_table

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DOCS = Path(__file__).resolve().parent.parent / "testdata" / "docs" / "input"


def valid(document: dict) -> dict:
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]
    return document


def test_schema_catches_a_broken_log():
    with pytest.raises(AssertionError):
        valid({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})


@pytest.mark.parametrize("mode", ["check", "scan", "apply", "diff"])
def test_sample_run_is_valid_sarif(mode):
    doc = valid(json.loads(sarif.render(sample_run(mode))))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in default_table()]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert {("RB901", "error"), ("RB910", "warning"), ("RB904", "note")} <= levels
    pending = [r for r in run["results"] if "fixes" in r]
    assert len(pending) == (4 if mode in ("check", "scan") else 0)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert {n["descriptor"]["id"] for n in notes} == {"rbmigrate/parse", "rbmigrate/internal"}
    parse = next(n for n in notes if n["descriptor"]["id"] == "rbmigrate/parse")
    assert parse["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 7}


def test_rules_carry_the_explanations():
    run = json.loads(sarif.render(sample_run("check")))["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "RB913")
    assert rule["name"] == "v3-lifecycle-prose"
    assert rule["defaultConfiguration"]["level"] == "error"
    assert "one lifecycle for every role" in rule["help"]["text"]
    assert rule["help"]["markdown"].startswith("# v3-lifecycle-prose (RB913)")
    fix = next(r for r in run["results"] if r["ruleId"] == "RB001")
    replacement = fix["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {"deletedRegion": {"byteOffset": 27, "byteLength": 6}, "insertedContent": {"text": "@4.0.0"}}
    assert fix["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 28, "endLine": 1, "endColumn": 34}


@pytest.mark.parametrize("command", [["apply", "--check"], ["scan"]])
def test_real_runs_are_valid_sarif(tmp_path, command):
    shutil.copytree(DOCS, tmp_path / "docs")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, [*command, "--format", "sarif", "-j", "1", "docs"])
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    doc = valid(json.loads(result.stdout))
    run = doc["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "docs/platform/docs/protocol.md" in uris
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    rb913 = [r for r in run["results"] if r["ruleId"] == "RB913"]
    assert rb913 and "Manual step: v4 wording" in rb913[0]["message"]["text"]
    assert any("fixes" in r for r in run["results"])


def test_sarif_to_a_file_with_a_parse_error(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "broken.wit").write_text("package rapidbyte:connector@3.0.0;\ninterface host {\n")
    out = tmp_path / "report.sarif"
    result = CliRunner().invoke(main, ["apply", "--check", "--format", "sarif", "-o", str(out), str(tmp_path / "bad")])
    assert result.exit_code == 2
    doc = valid(json.loads(out.read_text(encoding="utf-8")))
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes and notes[0]["level"] == "error" and notes[0]["descriptor"]["id"] == "rbmigrate/parse"
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file://")

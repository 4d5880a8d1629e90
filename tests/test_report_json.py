"""`--format json`: validated against docs/json-schema.json, for a hand-built result and for real runs."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from report_samples import BEFORE, sample_run
from workflow_support import REPO, adapter_landed, make_batch, wit_adapter

from rbmigrate.cli import main
from rbmigrate.report import json as json_report

SCHEMA = json.loads((REPO / "docs" / "json-schema.json").read_text())


def validate(doc: dict) -> None:
    jsonschema.validators.validator_for(SCHEMA).check_schema(SCHEMA)
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("mode", ["apply", "diff", "check", "scan"])
def test_sample_validates(mode):
    validate(json.loads(json_report.render(sample_run(mode))))


def test_sample_content():
    doc = json.loads(json_report.render(sample_run("check")))
    assert doc["schema_version"] == json_report.SCHEMA_VERSION == 1
    assert doc["tool"]["name"] == "rbmigrate"
    assert doc["summary"] == {
        "units": 3, "files_scanned": 4, "files_changed": 2, "files_written": 0, "edits": 4,
        "findings": 3, "blocking_findings": 2, "v3_spellings_left": 0, "errors": 2, "units_with_errors": 2,
    }
    unit_a, unit_b, unit_c = doc["units"]
    assert (unit_a["status"], unit_b["status"], unit_c["status"]) == ("pending", "error", "error")
    assert unit_a["verify"] == "passed" and unit_b["verify"] is None
    wit = unit_a["files"][0]
    first = wit["edits"][0]
    offset = BEFORE.index(b"@3.0.0")
    assert first == {
        "rule_id": "RB001", "start": offset, "end": offset + 6, "line": 1, "col": offset + 1,
        "end_line": 1, "end_col": offset + 7, "original": "@3.0.0", "replacement": "@4.0.0", "applicability": "safe",
    }
    emit = wit["edits"][2]
    assert (emit["line"], emit["col"], emit["original"]) == (4, 5, "emit-batch")
    finding = unit_a["files"][1]["findings"][0]
    assert finding["severity"] == "error" and finding["rule_id"] == "RB901"
    assert finding["manual_step"] == "build the v4 record by hand"
    assert unit_b["files"][0]["error"] == {"path": "connectors/dest-b/app.py", "line": 1, "col": 7, "kind": "parse",
                                            "message": "invalid syntax"}
    assert unit_b["skipped"] == [{"path": "connectors/dest-b/wit_world/__init__.py", "reason": "generated file"}]
    assert unit_c["errors"][0]["kind"] == "internal"
    assert unit_a["actions"][0]["kind"] == "regenerate-bindings"
    assert doc["skipped"] == [{"path": "node_modules", "reason": "node_modules/ is never migrated"}]


def test_schema_rejects_a_wrong_document():
    doc = json.loads(json_report.render(sample_run("check")))
    doc["units"][0]["files"][0]["edits"][0]["rule_id"] = "bogus"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)
    doc = json.loads(json_report.render(sample_run("check")))
    del doc["summary"]["errors"]
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


@pytest.mark.parametrize("args", [["apply", "--check"], ["apply", "--diff", "-o", "out.json"], ["scan"], ["apply"]])
def test_real_runs_validate(tmp_path, monkeypatch, args):
    wit_adapter()
    mixed = args == ["apply", "--check"]  # one run with every adapter that has landed
    make_batch(tmp_path, 5, mixed=mixed)
    (tmp_path / "units" / "u001-crlf" / "connector.wit").write_bytes(b"package rapidbyte:connector@3.0.0;\ninterface x {\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args, "--format", "json", "-j", "1", "units"])
    assert result.exit_code in (0, 1, 2), result.output
    text = (tmp_path / "out.json").read_text() if "-o" in args else result.stdout
    doc = json.loads(text)
    validate(doc)
    wit_units = [u for u in doc["units"] if u["kind"] == "wit-package"]
    assert len(wit_units) == 5
    if mixed:
        languages = {f["language"] for u in doc["units"] for f in u["files"]}
        assert languages >= {lang for lang in ("python", "rust") if adapter_landed(lang)} | {"wit"}
    else:
        assert len(doc["units"]) == 5
    assert doc["summary"]["errors"] >= 1
    bad = [u for u in doc["units"] if u["root"] == "units/u001-crlf"][0]
    assert bad["status"] == "error" and bad["files"][0]["error"]["kind"] == "parse"
    good = [u for u in doc["units"] if u["root"] == "units/u000-plain"][0]
    assert good["files"][0]["changed"] is True
    assert good["files"][0]["written"] is (args == ["apply"])
    for edit in good["files"][0]["edits"]:
        data = (tmp_path / "units" / "u000-plain" / "connector.wit").read_bytes()
        if args != ["apply"]:
            assert data[edit["start"]:edit["end"]].decode() == edit["original"]

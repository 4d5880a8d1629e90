"""The parts of `rbmigrate verify` that need no wasm build: scenario files, the normal form and the
comparison (on hand-made PipelineResults in the hosts' event types), sandbox findings, pipeline
planning, report rendering and exit codes, where originals come from (real git), finding connectors.
The last test builds a tiny guest and shows that a guest blocked outside wasm cannot hang verify."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from rbmigrate.hosts.events import (
    BatchEvent, CasOutcome, CheckpointEvent, DlqEvent, ErrorEvent, LogEvent, MetricEvent, PipelineResult,
    StateWrite, SummaryEvent, ValidationEvent,
)
from rbmigrate.verify.compare import compare_stage, side_by_side
from rbmigrate.verify.normalize import MASKED, Masker, run_forms, stage_form
from rbmigrate.verify.scenario import Mask, ScenarioError, load_scenario, parse_scenario, substitute

REPO = Path(__file__).resolve().parents[1]
V3 = REPO / "testdata" / "python" / "v3"


# ---- scenario files ------------------------------------------------------------------------------

def test_default_scenario_covers_the_issue():
    sc = load_scenario()
    assert list(sc.stages) == ["source", "transform", "destination"]
    streams = [s for r in sc.runs for s in r.streams]
    assert {s["sync_mode"] for s in streams} >= {"full_refresh", "incremental"}
    assert {s.get("write_mode") for s in streams} >= {"append", "replace", "upsert"}
    assert any(s.get("on_data_error") == "dlq" for s in streams)
    assert any(s.get("cursor_last_value") == "$last_checkpoint" for s in streams)
    assert sc.stages["source"].config["batch_size"] < 1200 and "'NaN'" in sc.setup_sql  # batches; a DLQ row
    assert any(r.expect_error for r in sc.runs)
    assert sc.tables == ["out.items", "out.kinds", "out.accounts"]


SMALL = """
[stages.source]
config = { port = "${pg.port}", dsn = "db=${pg.database} user=${pg.user}", password = "${pg.password}" }
[[runs]]
name = "a"
[[runs.streams]]
name = "t"
"""


def test_placeholders_are_typed_when_whole():
    sc = parse_scenario(SMALL)
    pg = {"host": "h", "port": 5433, "user": "u", "password": None, "database": "d"}
    assert sc.config("source", sc.runs[0], pg) == {"port": 5433, "dsn": "db=d user=u", "password": None}
    assert substitute(["${pg.host}:${pg.port}"], pg) == ["h:5433"]


@pytest.mark.parametrize("text,message", [
    ("x = 1\n" + SMALL, "unknown key x"),
    (SMALL.replace('name = "t"', 'name = "t"\ncurser_field = "id"'), "unknown key curser_field"),
    (SMALL.replace('name = "t"', 'name = "t"\nsync_mode = "sometimes"'), "sync_mode must be one of"),
    (SMALL.replace("[stages.source]", "[stages.sink]"), "the stage must be one of"),
    ("[[runs]]\nname = 'a'\n[[runs.streams]]\nname = 't'\n", "needs a [stages.source]"),
    (SMALL + "[[runs]]\nname = \"a\"\n[[runs.streams]]\nname = \"t\"\n", "duplicate run name"),
    (SMALL + "[mask]\nlogs = ['(']\n", "bad regular expression"),
    (SMALL + "[check]\ntables = ['out.items; drop']\n", "is not a [schema.]table name"),
    ("[stages.source\n", "not valid TOML"),
])
def test_scenario_errors_say_where(text, message):
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace(".", r"\.")):
        parse_scenario(text, "s.toml")


# ---- the normal form ------------------------------------------------------------------------------

def _frame(stream, rows):
    return {"format": "rapidbyte-json-rows/1", "stream": stream,
            "schema": [{"name": "id", "type": "int64", "nullable": False},
                       {"name": "at", "type": "string", "nullable": True}], "rows": rows}


def _result(version: int, *, summary_sets=None, warnings=None, metric_value=0.5, category="transient-db",
            checkpoints=(1, 2, 3), log="read 2 rows from db_x") -> PipelineResult:
    """The same observable behaviour, as the v3 or the v4 host records it."""
    r = PipelineResult(version=version)
    r.calls = [("source", "open", ""), ("source", "discover" if version == 3 else "run-discover", ""),
               ("source", "validate", ""), ("source", "run-read" if version == 3 else "run", "items"),
               ("source", "close", "")]
    r.catalog = {"streams": [{"name": "items"}]}
    r.validations.append(ValidationEvent("source", "success", "ok", None if version == 3 else (warnings or []), {}))
    doc = _frame("items", [[1, "2024-01-01"], [2, None]])
    r.batches.append(BatchEvent("source", "items", 0, 100, doc["rows"], doc["schema"], "items", None, b"{}"))
    for i in checkpoints:
        r.checkpoints.append(CheckpointEvent("source", "items", "source", "items", i, {"field": "id", "value": i},
                                             i, 10 * i, {}))
    r.metrics.append(MetricEvent("source", "items", "records_read", 2.0, [("stream", "items")],
                                 "counter" if version == 3 else None, {}))
    r.metrics.append(MetricEvent("source", "items", "read_secs", metric_value, [("stream", "items")], None, {}))
    r.dlq.append(DlqEvent("source", "items", "items", {"id": "3"}, "column amount: NaN", category, {}))
    r.logs.append(LogEvent("source", "items", "info", log, 2 if version == 3 else "info"))
    r.state.writes.append(StateWrite("source", "put", "per-stream", "items.cursor", "2"))
    r.state.writes.append(StateWrite("source", "cas", "pipeline", "lock", "me", None, True))
    r.state.cas.append(CasOutcome("source", "pipeline", "lock", None, "me", True))
    r.state.final = {("per-stream", "items.cursor"): "2", ("pipeline", "lock"): "me", ("pipeline", "other"): "x"}
    fields = {"records_read": 2, "bytes_read": 100, "batches_emitted": 1, "checkpoint_count": 3, "records_skipped": 1}
    r.summaries.append(SummaryEvent("source", "items", "source", "read", fields,
                                    summary_sets or ["read"], {}))
    if version == 4:
        r.discover_summary = SummaryEvent("source", "", "source", "discover", {"catalog_json": "{}"}, ["discover"], {})
    return r


def _forms(a, b, mask=Mask()):
    m = Masker(mask)
    return stage_form(a, "source", a.version, m), stage_form(b, "source", b.version, m)


def test_v3_and_v4_forms_of_the_same_behaviour_are_equal():
    a, b = _forms(_result(3, metric_value=0.25), _result(4, metric_value=9.5, category="transient_db"))
    assert a == b
    assert a["lifecycle"] == [["open", ""], ["discover", ""], ["validate", ""], ["run", "items"], ["close", ""]]
    assert a["metrics"][1] == ["read_secs", MASKED, [["stream", "items"]]]  # timing metric: value masked
    assert a["dlq"][0][3] == "transient-db"
    assert a["state"] == {"final": [["per-stream", "items.cursor", "2"], ["pipeline", "lock", "me"]],
                          "cas": [["pipeline", "lock", None, "me", True]]}  # "other" was not written in this run
    assert compare_stage("r", "source", a, b) == ([], 0)


def test_v4_summary_must_set_exactly_its_phase_field():
    a, b = _forms(_result(3), _result(4, summary_sets=["read", "write"]))
    diffs, _ = compare_stage("r", "source", a, b)
    assert [d.path for d in diffs] == ["summaries[0].set[→1]", "protocol[→0]"]
    assert "must set exactly `read`" in diffs[1].migrated


def test_v4_validation_warnings_must_be_empty():
    a, b = _forms(_result(3), _result(4, warnings=["deprecated option"]))
    diffs, _ = compare_stage("r", "source", a, b)
    assert len(diffs) == 1 and diffs[0].path == "protocol[→0]" and "warnings must be []" in diffs[0].migrated


def test_a_dropped_checkpoint_is_one_difference():
    a, b = _forms(_result(3, checkpoints=(1, 2, 3)), _result(4, checkpoints=(1, 3)))
    diffs, more = compare_stage("r", "source", a, b)
    assert more == 0 and [(d.path, d.migrated) for d in diffs] == [("checkpoints[1]", "(absent)")]
    assert json.loads(diffs[0].base) == ["source", "items", 2, {"field": "id", "value": 2}, 2, 20]
    lines = side_by_side(diffs[0], width=60)
    assert lines[0].startswith("v3 original") and "| v4 migrated" in lines[0] and "(absent)" in lines[2]


def test_masks_come_from_the_scenario_only():
    a, b = _forms(_result(3, log="took 12ms"), _result(4, log="took 80ms"))
    assert compare_stage("r", "source", a, b)[0]  # the verifier never guesses
    a, b = _forms(_result(3, log="took 12ms"), _result(4, log="took 80ms"), Mask(logs=[r"\d+ms"], columns=["at"]))
    assert a == b and a["logs"] == [["info", f"took {MASKED}"]]
    assert a["batches"][0]["rows"] == [[1, MASKED], [2, MASKED]]


def test_errors_compare_all_fields_and_the_database_name_is_the_environment():
    from rbmigrate.verify.runner import RunOutcome, VersionOutcome

    def outcome(version, db, details):
        r = _result(version, log=f"connected to {db}")
        r.errors.append(ErrorEvent("source", "run-read" if version == 3 else "run", "items", "connector-error",
                                   "schema/TABLE_NOT_FOUND: x", error={"category": "schema", "code": "TABLE_NOT_FOUND",
                                                                       "message": "x", "details": details}))
        return VersionOutcome(version, dbname=db, runs=[RunOutcome("r", r)])

    m = Masker(Mask())
    a = run_forms(outcome(3, "rbv_1_v3", {"t": 1}), ["source"], m)
    b = run_forms(outcome(4, "rbv_2_v4", {"t": 1}), ["source"], m)
    assert a == b and a[0]["stages"]["source"]["logs"] == [["info", "connected to ${pg.database}"]]
    c = run_forms(outcome(4, "rbv_2_v4", {"t": 2}), ["source"], m)
    diffs, _ = compare_stage("r", "source", a[0]["stages"]["source"], c[0]["stages"]["source"])
    assert [d.path for d in diffs] == ["errors[0].error.details.t"]


def test_destination_tables_are_sorted_rows():
    from rbmigrate.verify.normalize import table_snapshot_form

    m = Masker(Mask(columns=["out.t.at"]))
    snap = {"out.t": {"exists": True, "columns": [["id", "bigint"], ["at", "text"]], "rows": [[2, "b"], [1, "a"]]},
            "out.u": {"exists": False}}
    assert table_snapshot_form(snap, m) == {"out.t": {"columns": [["id", "bigint"], ["at", "text"]],
                                                      "rows": [[1, MASKED], [2, MASKED]]},
                                            "out.u": {"exists": False}}


# ---- sandbox findings ---------------------------------------------------------------------------

def test_sandbox_violations_are_sentences():
    from rbmigrate.verify.sandbox import parse_size, violations

    r = PipelineResult(version=4)
    r.errors.append(ErrorEvent("transform", "validate", "", "deadline", "deadline of 5s exceeded (epoch interruption)"))
    r.validations.append(ValidationEvent("source", "failed", "127.0.0.1:5433 is not on the host's network allowlist",
                                         [], {}))
    assert violations(r, "transform") == ["transform `validate` ran past the per-call deadline and was interrupted: "
                                          "deadline of 5s exceeded (epoch interruption) (an endless loop?)"]
    (v,) = violations(r, "source")
    assert "dialled 127.0.0.1:5433" in v and "not on the network allowlist" in v
    assert parse_size("512MiB") == 512 << 20 and parse_size("1g") == 1 << 30
    with pytest.raises(ValueError):
        parse_size("1MiB")


# ---- conformance (declared interfaces) --------------------------------------------------------------

def test_interface_check_names_the_v3_interface():
    from rbmigrate.verify.conformance import interface_check

    ok = interface_check("source", ["wasi:io/poll@0.2.9", "rapidbyte:connector/host-io@4.0.0"],
                         ["exports", "rapidbyte:connector/source@4.0.0"])
    assert ok.ok
    bad = interface_check("destination", ["rapidbyte:connector/host@3.0.0"],
                          ["rapidbyte:connector/dest-connector@3.0.0"])
    assert not bad.ok and "still speaks protocol v3" in bad.message
    wrong = interface_check("source", [], ["rapidbyte:connector/destination@4.0.0"])
    assert not wrong.ok and "does not export rapidbyte:connector/source@4.0.0" in wrong.message
    foreign = interface_check("source", ["acme:spy/net@1.0.0"], ["rapidbyte:connector/source@4.0.0"])
    assert not foreign.ok and "acme:spy/net" in foreign.message


# ---- planning pipelines ---------------------------------------------------------------------------

def _conn(name, role, cid):
    from rbmigrate.verify.connectors import Connector

    return Connector(root=Path("/x") / name, language="python", role=role, protocol=4, id=cid, name=name)


def test_pipelines_follow_the_scenario_stages():
    from rbmigrate.verify.run import plan_pipelines

    sc = load_scenario()
    src = _conn("s", "source", "rapidbyte/source-postgres")
    dst = _conn("d", "destination", "rapidbyte/dest-postgres")
    other = _conn("o", "destination", "acme/dest-s3")
    pipes, unplaced = plan_pipelines(sc, [src, dst, other])
    assert pipes == [{"source": src, "destination": dst}]
    assert "is for rapidbyte/dest-postgres, not acme/dest-s3" in unplaced[other.root]
    pipes, unplaced = plan_pipelines(sc, [dst])
    assert pipes == [] and "verify this connector together with a source" in unplaced[dst.root]


# ---- report, exit codes, UnitResult.verify -------------------------------------------------------

def _report():
    from rbmigrate.verify.compare import Difference
    from rbmigrate.verify.model import ConnectorResult, Step, VerifyReport

    ok = ConnectorResult("py/a", "/r/a", "python", "source", "rapidbyte/a", 4)
    for n in ("build", "conformance", "scenario", "differential"):
        setattr(ok, n, Step("passed", 1.0, "fine"))
    bad = ConnectorResult("py/b", "/r/b", "python", "transform", "rapidbyte/b", 4)
    bad.build, bad.conformance, bad.scenario = Step("passed"), Step("passed"), Step("passed")
    bad.differential = Step("failed", 0.1, "1 difference from the original (checkpoints)")
    bad.differences = [Difference("initial", "transform", "checkpoints[1]", '["transform", "t", 2]', "(absent)")]
    na = ConnectorResult("rs/c", "/r/c", "rust", "destination", "rapidbyte/c", 4)
    na.build = Step("not-available", 2.0, "cargo check passed; no wasm build was possible")
    na.conformance = na.scenario = na.differential = Step("not-available", 0.0, "no component")
    return VerifyReport(connectors=[ok, bad, na], scenario="default", base="folder x", database="db", cache_dir="c",
                        seconds=4.0, timings={"build": 3.0})


def test_report_formats_and_exit_codes():
    from rbmigrate.report.verify import render_json, render_markdown, render_text
    from rbmigrate.verify.model import VerifyReport

    rep = _report()
    assert [c.status for c in rep.connectors] == ["passed", "failed", "not-available"]
    assert rep.exit_code == 1
    text = render_text(rep)
    assert "py/b  (python transform rapidbyte/b)  FAILED" in text and "run initial › transform › checkpoints[1]" in text
    assert "verified 3 connectors: 1 passed, 1 failed, 1 not available" in text
    doc = json.loads(render_json(rep))
    assert doc["mode"] == "verify" and doc["exit_code"] == 1 and doc["summary"]["not-available"] == 1
    assert doc["connectors"][1]["differences"][0]["effect"] == "checkpoints"
    md = render_markdown(rep)
    assert "| `py/b` | transform | ✅ passed | ✅ passed | ✅ passed | ❌ failed |" in md
    assert "⚠️ not available" in md
    rep.connectors = rep.connectors[:1]
    assert rep.exit_code == 0
    rep.problems.append(("s.toml", "bad"))
    assert rep.exit_code == 2
    assert VerifyReport().exit_code == 2  # nothing verified is an input error


def test_apply_to_units_sets_unit_verify(tmp_path):
    from rbmigrate.model import UnitResult
    from rbmigrate.verify.units import apply_to_units

    rep = _report()
    for c, name in zip(rep.connectors, "abc"):
        c.root = str(tmp_path / name)
    units = [UnitResult(root=name, kind="python-connector") for name in "abcd"]
    apply_to_units(units, rep, base=tmp_path)
    assert [u.verify for u in units] == ["passed", "failed", "not-available", None]


# ---- where the originals come from --------------------------------------------------------------

def test_snapshot_dir_and_git_bases(tmp_path):
    from rbmigrate.verify.base import BaseError, from_dir, from_git, from_snapshot, snapshot_originals

    work = tmp_path / "repo"
    (work / "c").mkdir(parents=True)
    (work / "c" / "manifest.json").write_text('{"id": "x", "role": "source", "protocol_version": "3"}')
    (work / "c" / "app.py").write_text("V = 3\n")
    snap = snapshot_originals([work], tmp_path / "cache")
    (work / "c" / "app.py").write_text("V = 4\n")
    assert (from_snapshot(work / "c", snap) / "app.py").read_text() == "V = 3\n"
    with pytest.raises(BaseError, match="has no original"):
        from_snapshot(tmp_path, snap)
    assert (from_dir(work / "c", work / "c", snap / "000-c") / "app.py").read_text() == "V = 3\n"

    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "v3"]):
        (work / "c" / "app.py").write_text("V = 3\n")
        subprocess.run(["git", *args], cwd=work, check=True, env=env, capture_output=True)
    (work / "c" / "app.py").write_text("V = 4\n")
    base = from_git(work / "c", "HEAD", tmp_path / "x")
    assert (base / "app.py").read_text() == "V = 3\n" and base.name == "c"
    with pytest.raises(BaseError, match="no such commit"):
        from_git(work / "c", "nope", tmp_path / "x")
    with pytest.raises(BaseError, match="not in a git work tree"):
        from_git(tmp_path / "cache", "HEAD", tmp_path / "x")


def test_find_connectors_in_testdata():
    from rbmigrate.verify.connectors import find_connectors

    found, problems = find_connectors([REPO / "testdata" / "python" / "v3", REPO / "testdata" / "rust" / "v3"])
    assert problems == []
    got = sorted((c.language, c.role, c.protocol, c.id) for c in found)
    assert ("python", "destination", 3, "rapidbyte/dest-postgres") in got
    assert ("rust", "source", 3, "rapidbyte/source-csv") in got
    assert not any(c.name == "rapidbyte-sdk" for c in found)  # the SDK is not a connector
    assert ("python", "transform", 3, "rapidbyte/transform-mask") in got
    assert len(got) == 8


# ---- a guest blocked outside wasm cannot hang verify ---------------------------------------------

def test_worker_budget_kills_a_guest_blocked_in_a_wasi_sleep(pg, rb_cache_dir):
    from rbmigrate.hosts import BuildError, build_python_component
    from rbmigrate.verify.runner import VersionJob
    from rbmigrate.verify.sandbox import Sandbox
    from rbmigrate.verify.worker import run_jobs

    try:
        wasm = build_python_component(REPO / "tests" / "guests" / "verify_sleepy", REPO / "wit" / "v4",
                                      "rapidbyte-source", cache_dir=rb_cache_dir)
    except BuildError as exc:
        pytest.fail(f"building the sleepy guest failed:\n{exc}", pytrace=False)
    sc = parse_scenario(SMALL)
    job = VersionJob(4, {"source": str(wasm)}, sc, pg, "rbv_sleepy_v4",
                     Sandbox(deadline_s=1.0, allow=[pg.address], grace_s=4.0), str(rb_cache_dir))
    try:
        (out,) = run_jobs([job])
    finally:
        pg.drop_database("rbv_sleepy_v4")
    assert out.killed and "did not finish within 10s" in out.killed and "killed" in out.killed
    assert out.seconds < 60

"""The rule table: data validity, derived spellings, `rules list` and `rules explain`."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.ruletable import RuleTableError, default_table, load, spellings


def test_every_rule_is_complete():
    table = default_table()
    assert len(table) > 40
    for rule in table:
        assert re.fullmatch(r"RB\d{3}", rule.id)
        assert rule.title and rule.why, rule.id
        assert rule.what or rule.wit or rule.rust or rule.python, f"{rule.id} has nothing to explain what it does"


def test_derived_spellings_of_a_function_rename():
    table = default_table()
    rename = next(r for r in table.renames if r.rule_id == "RB101")
    assert (rename.old.wit, rename.old.snake, rename.old.pascal, rename.old.screaming) == (
        "emit-batch", "emit_batch", "EmitBatch", "EMIT_BATCH")
    rows = {ctx: (old, new) for ctx, old, new in spellings(rename, table)}
    assert rows["Python"] == ("host.emit_batch", "host_io.batch_emit")
    assert rows["host string"] == ('"emit-batch"', '"batch-emit"')


def test_derived_spellings_of_interfaces_and_variants():
    table = default_table()
    host = table.interface_renames["host"]
    rows = {ctx: (old, new) for ctx, old, new in spellings(host, table)}
    assert rows["host string"] == ('"rapidbyte:connector/host@3.0.0"', '"rapidbyte:connector/host-io@4.0.0"')
    src = table.interface_renames["source-connector"]
    rows = {ctx: (old, new) for ctx, old, new in spellings(src, table)}
    assert rows["Python export class"] == ("SourceConnector", "Source")
    assert rows["bindgen accessor"] == ("rapidbyte_connector_source_connector()", "rapidbyte_connector_source()")
    assert table.variant_cases("socket-read-result") == ("data", "eof", "would-block")
    rows = [r for r in spellings(table.type_renames["socket-read-result"], table) if r[0] == "Python variant case"]
    assert ("Python variant case", "SocketReadResult_WouldBlock", "TcpReadResult_WouldBlock") in rows


def test_type_moves_follow_the_canonical_v4_package():
    table = default_table()
    assert table.type_move("read-summary") == ("RB011", "read-summary", "stream-types")
    assert table.type_move("validation-result") == ("RB201", "validation-report", "core-types")
    assert table.type_move("socket-write-result") == ("RB203", "tcp-write-result", "host-io")
    assert table.type_move("connector-error") == ("RB011", "connector-error", "core-types")


def test_malformed_rule_files_are_rejected(tmp_path):
    (tmp_path / "a.toml").write_text('[[rule]]\nid = "RB1"\nname = "x"\ntitle = "t"\nkind = "rename"\n'
                                     'fix = "safe"\nlanguages = ["wit"]\nwhy = "w"\n')
    with pytest.raises(RuleTableError, match="does not match"):
        load(tmp_path)
    (tmp_path / "a.toml").write_text('[[rule]]\nid = "RB100"\nname = "x"\ntitle = "t"\nkind = "rename"\n'
                                     'fix = "safe"\nlanguages = ["wit"]\nwhy = "w"\n'
                                     '[[rule]]\nid = "RB100"\nname = "y"\ntitle = "t"\nkind = "rename"\n'
                                     'fix = "safe"\nlanguages = ["wit"]\nwhy = "w"\n')
    with pytest.raises(RuleTableError, match="declared twice"):
        load(tmp_path)


def test_rules_list_prints_the_table():
    result = CliRunner().invoke(main, ["rules", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["Code", "Name", "Fix"]
    ids = [line.split()[0] for line in lines[2:]]
    assert ids == [r.id for r in default_table()]


def test_rules_explain_reads_like_ruff_rule():
    result = CliRunner().invoke(main, ["rules", "explain", "RB101"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("# batch-emit (RB101)\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "Use instead:", "## Fix safety"):
        assert section in out
    assert "emit-batch: func(handle: u64) -> result<_, connector-error>;" in out
    assert "batch-emit: func(handle: u64) -> result<_, connector-error>;" in out
    assert "Fix is always available." in out


def test_rules_explain_accepts_names_and_rejects_unknown_ids():
    assert CliRunner().invoke(main, ["rules", "explain", "batch-emit"]).exit_code == 0
    assert CliRunner().invoke(main, ["rules", "explain", "rb101"]).exit_code == 0
    bad = CliRunner().invoke(main, ["rules", "explain", "RB999"])
    assert bad.exit_code == 2
    assert "no rule" in bad.output


@pytest.mark.parametrize("rule_id", [r.id for r in default_table()])
def test_every_rule_explains(rule_id):
    result = CliRunner().invoke(main, ["rules", "explain", rule_id])
    assert result.exit_code == 0
    assert "## What it does" in result.output and "## Fix safety" in result.output
    assert "(no description)" not in result.output, f"{rule_id} does not say what it does"

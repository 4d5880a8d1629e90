"""The closing per-unit summary table."""

from __future__ import annotations

from report_samples import sample_run

from rbmigrate.report import table


def test_plain_table():
    text = table.render_plain(sample_run("check"))
    lines = text.splitlines()
    assert lines[0].split() == ["Unit", "Kind", "Status", "Changed", "Edits", "Findings", "Errors", "Verify", "Problem"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:8] == ["connectors/source-a", "rust-crate", "pending", "2", "4", "1", "0", "passed"]
    assert lines[3].split()[:8] == ["connectors/dest-b", "python-connector", "error", "0", "0", "0", "1", "-"]
    assert lines[3].endswith("connectors/dest-b/app.py:1:7: invalid syntax")
    assert lines[4].endswith("the worker process died while migrating this unit (killed by signal 9)")
    assert lines[0].index("Kind") == lines[2].index("rust-crate")  # aligned columns


def test_apply_counts_written_files():
    run = sample_run("apply")
    run.units[0].files[1].written = False
    assert table.rows(run)[0][3] == "1"


def test_colour_only_marks_the_status():
    plain = table.render_plain(sample_run("check"))
    coloured = table.render_plain(sample_run("check"), color=True)
    assert "\x1b[1;31merror" in coloured and "\x1b[33mpending" in coloured
    assert coloured.replace("\x1b[1;31m", "").replace("\x1b[33m", "").replace("\x1b[0m", "") == plain


def test_long_problems_are_shortened():
    run = sample_run("check")
    run.units[1].files[0].error.message = "x" * 200
    assert table.rows(run)[1][8].endswith("…") and len(table.rows(run)[1][8]) == 70


def test_empty_run_has_no_table():
    run = sample_run("check")
    run.units = []
    assert table.render_plain(run) == ""

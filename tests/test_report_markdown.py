"""`--format markdown`: a pull-request comment, checked against golden files in tests/golden/.

Refresh the golden files after an intended change with ``RBMIGRATE_UPDATE_GOLDEN=1 pytest tests/test_report_markdown.py``
and review the diff.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from report_samples import sample_run
from workflow_support import REPO, make_batch, wit_adapter

from rbmigrate.cli import main
from rbmigrate.model import FileResult, RunResult, UnitResult
from rbmigrate.report import markdown

GOLDEN = REPO / "tests" / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RBMIGRATE_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"missing golden file {path}; create it with RBMIGRATE_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8")  # bytes: the CRLF lines of a diff are kept


@pytest.mark.parametrize("mode", ["check", "apply"])
def test_markdown_golden(mode):
    check_golden(f"markdown-{mode}.md", markdown.render(sample_run(mode)))


def test_markdown_structure():
    text = markdown.render(sample_run("check"))
    assert text.startswith("## rbmigrate would migrate 2 files (4 edits)\n")
    assert "| `connectors/source-a` | rust-crate | changes pending | 2 | 4 | 1 (+1 info) | 0 | passed |" in text
    assert text.count("<details>") == text.count("</details>") == 2
    # a finding message holding a pipe stays inside its table cell
    assert "`format!(\"{}\\|{}\", a, b)`" in text
    # CRLF lines are kept in the diff body
    assert "-    host::emit_batch(h);\r\n+    host_io::batch_emit(h);\r\n" in text


def test_no_verify_column_when_nothing_was_verified():
    run = sample_run("check")
    for unit in run.units:
        unit.verify = None
    assert "Verify" not in markdown.render(run)


def test_diffs_that_do_not_fit_are_listed():
    before = b"package rapidbyte:connector@3.0.0;\n" + b"// filler line\n" * 400
    after = before.replace(b"@3.0.0", b"@4.0.0")
    files = [FileResult(path=f"big{i}.wit", language="wit", before=before, after=after) for i in range(5)]
    run = RunResult(units=[UnitResult(root=".", kind="wit-package", files=files)], mode="check")
    text = markdown.render(run, budget=3000)
    assert text.count("<details>") < 5
    assert "left out to fit the comment (use `--patch`)" in text
    assert "`big4.wit`" in text


def test_backticks_in_a_diff_do_not_break_the_fence():
    before = b"```\nrapidbyte:connector@3.0.0\n```\n"
    after = before.replace(b"@3.0.0", b"@4.0.0")
    run = RunResult(units=[UnitResult(root=".", kind="wit-package",
                                      files=[FileResult(path="a.wit", language="wit", before=before, after=after)])])
    text = markdown.render(run)
    assert "````diff\n" in text and "\n````\n" in text


def test_real_run_markdown(tmp_path, monkeypatch):
    wit_adapter()
    make_batch(tmp_path, 3, mixed=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["apply", "--check", "--format", "markdown", "-j", "1", "units"])
    assert result.exit_code == 1, result.output
    text = result.stdout
    assert text.startswith("## rbmigrate would migrate 3 files")
    for unit in ("u000-plain", "u001-crlf", "u002-no-final-newline"):
        assert f"| `units/{unit}` | wit-package | changes pending | 1 |" in text
        assert f"<summary><code>units/{unit}/connector.wit</code>" in text

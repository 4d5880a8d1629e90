"""`--format github`: workflow commands, one per error, finding and (under --check/scan) pending rewrite."""

from __future__ import annotations

from click.testing import CliRunner
from report_samples import sample_run
from workflow_support import make_batch, wit_adapter

from rbmigrate.cli import main
from rbmigrate.report import github


def test_sample_annotations():
    lines = github.render(sample_run("check")).splitlines()
    assert "::error file=connectors/dest-b/app.py,line=1,col=7,title=rbmigrate parse error::invalid syntax" in lines
    assert (
        "::error title=rbmigrate internal error,file=wit::the worker process died while migrating this unit (killed by signal 9)"
        not in lines
    )  # the file property comes first
    assert "::error file=wit,title=rbmigrate internal error::the worker process died while migrating this unit (killed by signal 9)" in lines
    assert (
        "::error file=connectors/source-a/src/lib.rs,line=2,col=5,title=RB901::"
        "payload built at run time: `format!(\"{}|{}\", a, b)`%0AManual step: build the v4 record by hand"
    ) in lines
    assert "::warning file=wit/extra.wit,line=1,col=1,title=RB910::v3 name in a v4 package%0AManual step: rename it" in lines
    assert "::notice file=connectors/source-a/src/lib.rs,line=1,col=1,title=RB904::v3 name `emit-batch` in a log string" in lines
    pending = [line for line in lines if line.startswith("::warning") and ("title=RB0" in line or "title=RB1" in line)]
    assert len(pending) == 4  # one per pending edit
    assert any(line.startswith("::warning file=connectors/source-a/wit/connector.wit,line=1,col=28,endLine=1,endColumn=34,title=RB001::")
               for line in pending), pending


def test_pending_rewrites_only_under_check_and_scan():
    assert "title=RB101" in github.render(sample_run("scan"))
    assert "title=RB101" not in github.render(sample_run("apply"))
    assert "title=RB101" not in github.render(sample_run("diff"))


def test_escaping():
    assert github.escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert github.escape_property("a:b,c") == "a%3Ab%2Cc"
    assert github.command("error", "m", file="x,y.wit", line=3, col=0) == "::error file=x%2Cy.wit,line=3::m"


def test_real_run_annotations(tmp_path, monkeypatch):
    wit_adapter()
    make_batch(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["apply", "--check", "--format", "github", "-j", "1", "units"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(line.startswith("::warning file=units/u000-plain/connector.wit,line=2,") for line in lines)

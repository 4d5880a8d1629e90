"""Command-line interface. Heavy modules (libcst, wasmtime, rich) load lazily."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_PENDING, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="rbmigrate")
def main() -> None:
    """Migrate Rapidbyte connectors from protocol v3 to v4.

    \b
    Exit codes:
      0  nothing to do, or applied cleanly
      1  changes pending (--check, scan) or findings needing manual work (--strict)
      2  usage or input errors
    """


def _paths_argument(func):
    return click.argument(
        "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
    )(func)


def _exit_code(run, check: bool, strict: bool) -> int:
    summary = run.summary()
    if summary["errors"]:
        return EXIT_ERROR
    if check and summary["files_changed"]:
        return EXIT_PENDING
    if strict and summary["blocking_findings"]:
        return EXIT_PENDING
    return EXIT_OK


def _run(paths, mode: str, jobs: int):
    from .engine import Options, run

    options = Options(mode=mode, jobs=jobs, base=Path.cwd())
    return run(list(paths), options)


@main.command()
@_paths_argument
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when anything would change.")
@click.option("--strict", is_flag=True, help="Exit 1 when findings need manual work.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("-v", "--verbose", is_flag=True, help="Also list informational findings and skipped files.")
@click.option("--color/--no-color", default=None, help="Colour the diff (default: when stdout is a terminal).")
def apply(paths, show_diff, check, strict, jobs, verbose, color):
    """Migrate every v3 file under PATHS to v4 (in place unless --diff/--check)."""
    from .engine import write_results
    from .report import text

    mode = "diff" if show_diff else "check" if check else "apply"
    run, path_map = _run(paths, mode, jobs)
    if mode == "apply":
        write_results(run, path_map)
    if show_diff:
        use_color = sys.stdout.isatty() if color is None else color
        click.echo(text.render_diff(run, color=use_color), nl=False)
    if mode == "check":
        for f in run.files:
            if f.changed:
                click.echo(f"would migrate {f.path}", err=True)
    click.echo(text.render_problems(run, verbose=verbose), nl=False, err=True)
    click.echo(text.render_summary(run), nl=False, err=True)
    sys.exit(_exit_code(run, check=check, strict=strict))


@main.command()
@_paths_argument
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("-v", "--verbose", is_flag=True, help="Also list informational findings.")
def scan(paths, jobs, verbose):
    """List every remaining v3 usage with its rule id; exit 1 if any remain."""
    from .report import scan as scan_report
    from .report import text

    run, _ = _run(paths, "scan", jobs)
    click.echo(scan_report.render_usages(run), nl=False)
    click.echo(text.render_problems(run, verbose=verbose), nl=False, err=True)
    click.echo(text.render_summary(run), nl=False, err=True)
    summary = run.summary()
    if summary["errors"]:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_PENDING if summary["files_changed"] or summary["blocking_findings"] else EXIT_OK)


@main.group()
def rules() -> None:
    """Inspect and test the v3 → v4 rule table."""


@rules.command("list")
def rules_list():
    """Print the rule table."""
    from .report.rules import render_table
    from .ruletable import default_table

    click.echo(render_table(default_table()), nl=False)


@rules.command("explain")
@click.argument("rule_id")
def rules_explain(rule_id):
    """Explain one rule, e.g. `rbmigrate rules explain RB101`."""
    from .report.rules import render_explain
    from .ruletable import default_table

    table = default_table()
    matches = [r for r in table if rule_id.upper() in (r.id, r.name.upper())]
    if not matches:
        raise click.UsageError(f"no rule {rule_id!r}; `rbmigrate rules list` shows them all")
    click.echo(render_explain(matches[0], table), nl=False)

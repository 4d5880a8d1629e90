"""Command-line interface. Heavy modules (libcst, wasmtime, rich) load lazily.

Shared pieces for every command that works on a set of connectors live at the
top: the :func:`selection_options` decorator (PATHS, ``--from-file``,
``--include``/``--exclude``, ``--shard``) hands the command a
:class:`Selection`; :func:`output_options` (``--format``, ``--output``,
``--patch``, ``--color``) an :class:`Output`; :func:`run_options` adds ``-j``
and ``-v``. :func:`run_selection`, :func:`emit` and :func:`exit_code` do the
rest, so a new command is a few lines.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_PENDING, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
FORMATS = ("text", "json", "markdown", "github", "sarif")


DEBUG = False  # --debug: tracebacks of unexpected exceptions are printed (JSON reports always keep them)


class _Main(click.Group):
    """The command group: an unexpected exception is one line and a hint, its traceback only with --debug."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if DEBUG:
                raise
            from .model import internal_error

            click.echo(f"rbmigrate: error: {internal_error('', exc).message}", err=True)
            click.echo("rbmigrate: this is a bug in rbmigrate; rerun with --debug for the traceback", err=True)
            sys.exit(EXIT_ERROR)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="rbmigrate")
@click.option("--debug", is_flag=True, envvar="RBMIGRATE_DEBUG",
              help="Print the traceback of an unexpected error (also: RBMIGRATE_DEBUG=1).")
def main(debug: bool) -> None:
    """Migrate Rapidbyte connectors from protocol v3 to v4.

    \b
    Exit codes:
      0  nothing to do, or applied cleanly
      1  changes pending (--check, scan) or findings needing manual work (--strict, scan)
      2  usage or input errors (bad paths, parse errors, unwritable or uncommitted files)
    """
    global DEBUG
    DEBUG = debug


# ====================================================================== shared options


@dataclass
class Selection:
    """Which files and units a command works on."""

    paths: list[Path]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    shard: tuple[int, int] | None = None


@dataclass
class Output:
    format: str = "text"
    output: Path | None = None
    patch: Path | None = None
    color: bool | None = None

    def stdout_color(self) -> bool:
        """``--color`` forces colour (also into a pipe), ``--no-color`` and ``NO_COLOR`` turn it off;
        by default stdout is coloured on a terminal."""
        if self.color is not None:
            return self.color
        return _isatty(sys.stdout) and not os.environ.get("NO_COLOR") and self.output is None

    def stderr_color(self) -> bool:
        if self.color is not None:
            return self.color
        return _isatty(sys.stderr) and not os.environ.get("NO_COLOR")


def _isatty(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


def _compose(func, decorators):
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def selection_options(func):
    """PATHS... plus --from-file/--include/--exclude/--shard, passed on as ``selection: Selection``."""

    @functools.wraps(func)
    def wrapper(*args, paths, from_file, include, exclude, shard, **kwargs):
        from .batch import InputError, parse_shard, read_path_list

        chosen = list(paths)
        try:
            if from_file is not None:
                chosen += read_path_list(from_file)
            parsed_shard = parse_shard(shard) if shard else None
        except InputError as exc:
            raise click.UsageError(str(exc)) from None
        if not chosen:
            raise click.UsageError("give at least one PATH, or --from-file LIST")
        selection = Selection(chosen, tuple(include), tuple(exclude), parsed_shard)
        return func(*args, selection=selection, **kwargs)

    return _compose(
        wrapper,
        [
            click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path)),
            click.option("--from-file", metavar="LIST", help="Also read paths (one per line; - for stdin) from LIST."),
            click.option("--include", multiple=True, metavar="GLOB",
                         help="Only files matching GLOB (gitignore syntax, relative to each PATH). Repeatable."),
            click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB. Repeatable."),
            click.option("--shard", metavar="K/N", help="Only the units in shard K of N (stable hash of the unit path)."),
        ],
    )


def output_options(func):
    """--format/--output/--patch/--color, passed on as ``output: Output``."""

    @functools.wraps(func)
    def wrapper(*args, fmt, output, patch, color, **kwargs):
        return func(*args, output=Output(fmt, output, patch, color), **kwargs)

    return _compose(
        wrapper,
        [
            click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                         help="Report format (see docs/output.md)."),
            click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                         help="Write the report to FILE (atomically) instead of stdout."),
            click.option("--patch", type=click.Path(dir_okay=False, path_type=Path),
                         help="Also write every change as a patch for `git apply`."),
            click.option("--color/--no-color", default=None,
                         help="Colour the diff and the unit table, even into a pipe (default: on a terminal, "
                              "unless NO_COLOR is set)."),
        ],
    )


def run_options(func):
    return _compose(
        func,
        [
            click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                         help="Worker processes (default: the number of cores)."),
            click.option("-v", "--verbose", is_flag=True,
                         help="Also list every finding and action of a batch, informational findings, skipped "
                              "files, every unit's progress and the per-unit table."),
            click.option("-q", "--quiet", is_flag=True, help="Print only errors (and the report asked for)."),
            click.option("--no-cache", is_flag=True, envvar="RBMIGRATE_NO_CACHE",
                         help="Compute every unit again: neither read nor write the result cache "
                              "($RBMIGRATE_CACHE_DIR/results, see docs/output.md; also: RBMIGRATE_NO_CACHE=1)."),
        ],
    )


def run_selection(selection: Selection, mode: str, jobs: int | None, verbose: bool = False, allow_dirty: bool = False,
                  quiet: bool = False, unsafe_fixes: bool = False, typecheck: bool = False,
                  cache_dir: Path | None = None, no_cache: bool = False):
    """Discover, shard and migrate; in ``apply`` mode also write. Returns ``(RunResult, path map)``."""
    from .batch import BatchOptions, InputError, run_batch
    from .discover import DiscoverOptions

    options = BatchOptions(
        mode=mode,
        jobs=jobs or os.cpu_count() or 1,
        base=Path.cwd(),
        discover=DiscoverOptions(include=selection.include, exclude=selection.exclude, explain=verbose),
        shard=selection.shard,
        allow_dirty=allow_dirty,
        verbose=verbose,
        progress="none" if quiet else "auto",
        unsafe_fixes=unsafe_fixes,
        typecheck=typecheck,
        cache=not no_cache,
        cache_dir=cache_dir,
    )
    try:
        return run_batch(selection.paths, options)
    except InputError as exc:
        for line in str(exc).splitlines():
            click.echo(f"rbmigrate: error: {line}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("rbmigrate: interrupted; every file written so far is whole (old or new)", err=True)
        sys.exit(EXIT_INTERRUPTED)


def render(run, fmt: str) -> str:
    if fmt == "json":
        from .report import json as renderer
    elif fmt == "markdown":
        from .report import markdown as renderer
    elif fmt == "github":
        from .report import github as renderer
    elif fmt == "sarif":
        from .report import sarif as renderer
    else:
        raise ValueError(fmt)
    return renderer.render(run)


def _write_file(path: Path, data: bytes) -> None:
    from .textio import write_output

    try:
        write_output(path, data)
    except OSError as exc:
        click.echo(f"rbmigrate: cannot write {path}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)


def emit(run, output: Output, text_report: str, verbose: bool, quiet: bool = False) -> None:
    """Print (or write) the report in the chosen format, the patch, and the closing lines on stderr.

    On stderr: every error once; then, unless ``quiet``, actions and findings (a batch groups the
    findings by rule; ``verbose`` lists each and adds the per-unit table) and the summary line."""
    from .report import text

    if output.patch is not None:
        from .report import patch

        _write_file(output.patch, patch.render(run))
    report = text_report if output.format == "text" else render(run, output.format)
    if output.output is not None:
        _write_file(output.output, report.encode("utf-8", errors="surrogateescape"))
    elif report:
        click.echo(report, nl=False, color=output.stdout_color())
    if quiet:
        click.echo(text.render_errors(run, debug=DEBUG), nl=False, err=True)
        return
    if output.format == "text":
        click.echo(text.render_problems(run, verbose=verbose, debug=DEBUG), nl=False, err=True)
        if len(run.units) > 1 and verbose:
            from .report import table

            color = output.stderr_color()
            click.echo(table.render_plain(run, color=color), nl=False, err=True, color=color)
    click.echo(text.render_summary(run), nl=False, err=True)


def exit_code(run, check: bool = False, strict: bool = False, pending_fails: bool = False) -> int:
    """0 clean; 1 pending changes (``check``) or blocking findings (``strict``); 2 any error."""
    summary = run.summary()
    if summary["errors"]:
        return EXIT_ERROR
    if (check or pending_fails) and summary["files_changed"]:
        return EXIT_PENDING
    if (strict or pending_fails) and summary["blocking_findings"]:
        return EXIT_PENDING
    return EXIT_OK


# ====================================================================== apply, scan


@main.command()
@selection_options
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when anything would change.")
@click.option("--strict", is_flag=True, help="Exit 1 when findings need manual work.")
@click.option("--allow-dirty", is_flag=True, help="Write even into files with uncommitted changes.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply unsafe fixes (rules with fix = unsafe); without it they are findings showing the edit.")
@click.option("--typecheck", is_flag=True,
              help="Type-check each migrated Python connector against the v4 bindings with mypy; type errors "
                   "that involve the bindings are findings (RB918).")
@click.option("--verify", "verify_after", is_flag=True,
              help="After writing, verify each migrated connector against a snapshot of its v3 original "
                   "(see `rbmigrate verify`).")
@click.option("--pg-dsn", metavar="DSN", help="With --verify: use this PostgreSQL server instead of a throwaway cluster.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where rbmigrate keeps what it can compute again: the result cache of apply/scan (results/), "
                   "and with --verify / --typecheck snapshots, builds, compiled components and bindings "
                   "(default: $RBMIGRATE_CACHE_DIR, $XDG_CACHE_HOME/rbmigrate or ~/.cache/rbmigrate).")
@output_options
@run_options
def apply(selection: Selection, show_diff, check, strict, allow_dirty, unsafe_fixes, typecheck, verify_after, pg_dsn,
          cache_dir, output: Output, jobs, verbose, quiet, no_cache):
    """Migrate every v3 file under PATHS to v4 (in place unless --diff/--check).

    PATHS may be files, connectors or whole repositories: every connector
    root under them (Cargo crate, componentize-py project, WIT package) is a
    unit, migrated in a process pool. A unit is written only when all of it
    can be: a unit with an error, a read-only file or (in a git work tree)
    uncommitted changes to a file it would touch is left as it is.
    """
    if show_diff and output.format != "text" and output.output is None:
        raise click.UsageError(f"--diff and --format {output.format} both write to stdout; add --output FILE")
    mode = "diff" if show_diff else "check" if check else "apply"
    if verify_after and mode != "apply":
        raise click.UsageError("--verify runs after writing; it cannot be combined with --diff or --check")
    snapshot = None
    if verify_after:
        from .cli_verify import snapshot_originals

        snapshot = snapshot_originals(selection.paths, cache_dir)
    run, _ = run_selection(selection, mode, jobs, verbose=verbose, allow_dirty=allow_dirty, quiet=quiet,
                           unsafe_fixes=unsafe_fixes, typecheck=typecheck, cache_dir=cache_dir, no_cache=no_cache)
    verify_code = EXIT_OK
    if snapshot is not None:
        from .cli_verify import verify_units
        from .report.verify import render as render_verify

        report = verify_units(run, snapshot, pg_dsn=pg_dsn, cache_dir=cache_dir)
        if report is not None:
            click.echo(render_verify(report, "text", verbose), nl=False, err=True)
            verify_code = report.exit_code
    from .report import text

    diff = text.render_diff(run, color=output.stdout_color() and output.format == "text") if show_diff else ""
    if show_diff and output.format != "text":
        click.echo(diff, nl=False, color=output.stdout_color())
    emit(run, output, diff, verbose, quiet)
    sys.exit(max(exit_code(run, check=check, strict=strict), verify_code))


@main.command()
@selection_options
@click.option("--unsafe-fixes", is_flag=True, help="List unsafe fixes as pending edits instead of findings.")
@click.option("--typecheck", is_flag=True, help="Also type-check Python connectors against the v4 bindings (RB918).")
@output_options
@run_options
def scan(selection: Selection, unsafe_fixes, typecheck, output: Output, jobs, verbose, quiet, no_cache):
    """List every remaining v3 usage with its rule id; exit 1 if any remain."""
    from .report import scan as scan_report

    run, _ = run_selection(selection, "scan", jobs, verbose=verbose, quiet=quiet, unsafe_fixes=unsafe_fixes,
                           typecheck=typecheck, no_cache=no_cache)
    emit(run, output, scan_report.render_usages(run), verbose, quiet)
    sys.exit(exit_code(run, pending_fails=True))


# ====================================================================== rules


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


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@click.option("--update", is_flag=True, help="Rewrite the snapshots from the current output.")
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only failures.")
def rules_test(rule_ids, update, verbose):
    """Run every rule's before/after cases (rules/cases/<ID>/); exit 1 on a failing case."""
    from .rulecases import iter_cases, run_case
    from .ruletable import default_table

    table = default_table()
    wanted = {r.upper() for r in rule_ids}
    unknown = sorted(w for w in wanted if w not in table)
    if unknown:
        raise click.UsageError(f"unknown rule ids: {', '.join(unknown)}")
    failed = total = updated = 0
    covered = set()
    for rule_id, name, path in iter_cases(rule_ids=wanted or None):
        if rule_id not in table:
            click.echo(f"rules/cases/{rule_id}/{name}: error: no rule {rule_id}", err=True)
            failed += 1
            continue
        total += 1
        covered.add(rule_id)
        outcome = run_case(rule_id, path, update=update)
        updated += outcome.updated
        if outcome.ok:
            if verbose:
                click.echo(f"ok      {rule_id} {name}")
        else:
            failed += 1
            click.echo(f"FAILED  {rule_id} {name}")
            for problem in outcome.problems:
                click.echo(problem if problem.endswith("\n") else problem + "\n", nl=False)
    missing = [r.id for r in table if r.id not in covered and (not wanted or r.id in wanted)]
    if missing and verbose:
        click.echo(f"rules without cases: {', '.join(missing)}", err=True)
    verb = "updated" if update else "passed"
    click.echo(f"{total} cases, {total - failed if not update else updated} {verb}, {failed} failed", err=True)
    sys.exit(1 if failed else 0)


def _register_commands() -> None:
    """Commands that live in their own modules (imported lazily by their callbacks)."""
    from .cli_bindings import bindings
    from .cli_verify import verify

    main.add_command(bindings)
    main.add_command(verify)


_register_commands()

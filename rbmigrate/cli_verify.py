"""`rbmigrate verify PATH...`, and what `rbmigrate apply --verify` calls.

Registered in cli.py by the lead (`main.add_command(verify)`); `apply --verify` uses:

    snap = snapshot_originals(selection.paths, cache_dir)     # BEFORE apply writes anything
    run, _ = run_selection(...)                               # migrate and write
    report = verify_units(run, snap, ...)                     # sets UnitResult.verify of verified units

Exit codes of `verify`: 0 every connector passed; 1 a connector failed verification or could not be
verified here ("not available", e.g. no wasm32-wasip2 target for Rust); 2 usage or input errors (bad
options, an unreadable scenario, no connector, no original to compare with, no PostgreSQL).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

FORMATS = ("text", "json", "markdown")


def run_verify(paths: list[Path], *, scenario: Path | None = None, base: str | None = None,
               base_dir: Path | None = None, snapshot: Path | None = None, pg_dsn: str | None = None,
               deadline: float | None = None, memory_limit: int | None = None, cache_dir: Path | None = None,
               no_cache: bool = False, rust_sdk: Path | None = None, jobs: int | None = None,
               progress=None, in_process: bool = False):
    """Verify the connectors under `paths`; returns a `rbmigrate.verify.model.VerifyReport`.

    At most one of `base` (a git revision; the default is HEAD), `base_dir` and `snapshot` names
    where the v3 originals are. Raises ValueError when more than one is given."""
    from .verify.base import BaseSpec
    from .verify.run import VerifyOptions, verify
    from .verify.sandbox import DEFAULT_DEADLINE_S, DEFAULT_MEMORY_LIMIT, Sandbox

    given = [(k, v) for k, v in (("git", base), ("dir", base_dir), ("snapshot", snapshot)) if v is not None]
    if len(given) > 1:
        raise ValueError("give only one of --base, --base-dir and --snapshot")
    spec = BaseSpec(given[0][0], str(given[0][1])) if given else None
    options = VerifyOptions(
        scenario=scenario, base=spec, pg_dsn=pg_dsn,
        sandbox=Sandbox(deadline if deadline is not None else DEFAULT_DEADLINE_S,
                        memory_limit if memory_limit is not None else DEFAULT_MEMORY_LIMIT),
        cache_dir=cache_dir, no_cache=no_cache, rust_sdk=rust_sdk, jobs=jobs or min(2, os.cpu_count() or 1),
        progress=progress, in_process=in_process,
    )
    return verify([Path(p) for p in paths], options)


def verify_units(run, snapshot: Path, **kwargs):
    """`apply --verify`: verify every connector unit `apply` migrated (status `migrated`) against the
    originals in `snapshot`, and set each unit's `verify` field. Returns the report (None when no unit
    needed verifying)."""
    from .verify.units import apply_to_units

    from .verify.connectors import find_connectors

    roots = [Path(u.root) for u in run.units if u.kind in ("python-connector", "rust-crate") and u.status == "migrated"]
    found, _ = find_connectors(roots) if roots else ([], [])
    if not found:  # e.g. only SDK or runtime crates were migrated: nothing to run
        return None
    roots = [c.root for c in found]
    report = run_verify(roots, snapshot=snapshot, **kwargs)
    apply_to_units(run.units, report)
    return report


def snapshot_originals(paths: list[Path], cache_dir: Path | None = None) -> Path:
    """Copy the connectors under `paths` (the v3 originals, before `apply` writes) for `verify_units`."""
    from .hosts.spec import default_cache_dir
    from .verify.base import snapshot_originals as snap

    return snap([Path(p) for p in paths], Path(cache_dir or default_cache_dir()))


def _size(ctx, param, value):
    if value is None:
        return None
    from .verify.sandbox import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Scenario file (TOML; see docs/verify.md). Default: the built-in scenario.")
@click.option("--base", "base_ref", metavar="REF", help="Take the v3 originals from this git revision (default: HEAD).")
@click.option("--base-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Take the v3 originals from this folder (mirroring PATH).")
@click.option("--snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Take the v3 originals from a snapshot made by `apply --verify`.")
@click.option("--pg-dsn", metavar="DSN", help="Use this PostgreSQL server (postgresql://user:pw@host:port/db; the "
              "user needs CREATEDB) instead of starting a throwaway cluster.")
@click.option("--deadline", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
              help="Deadline of every guest call (default 30).")
@click.option("--memory-limit", callback=_size, default=None, metavar="SIZE",
              help="Memory limit of every instance, e.g. 512MiB (the default).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Cache of built and compiled components (default: $RBMIGRATE_CACHE_DIR, $XDG_CACHE_HOME/rbmigrate or ~/.cache/rbmigrate).")
@click.option("--no-cache", is_flag=True, help="Build and compile everything afresh (nothing is read or kept).")
@click.option("--rust-sdk", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="For Rust crates: a folder holding rapidbyte-sdk/ (e.g. the v4 SDK) to check against.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Parallel builds and workers (default 2).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option("-v", "--verbose", is_flag=True, help="Progress on stderr and every detail in the text report.")
def verify(paths, scenario, base_ref, base_dir, snapshot, pg_dsn, deadline, memory_limit, cache_dir, no_cache,
           rust_sdk, jobs, fmt, output, verbose):
    """Build, instantiate and differentially run the migrated connectors under PATHS.

    Each connector is built for the protocol it targets, checked against the v4 world of its role,
    run through the scenario on a real PostgreSQL with the reference v4 host, and compared with its
    v3 original run on the reference v3 host.

    \b
    Exit codes:
      0  every connector passed
      1  a connector failed, or could not be verified here (not available)
      2  usage or input errors
    """
    from .report.verify import render

    if sum(x is not None for x in (base_ref, base_dir, snapshot)) > 1:
        raise click.UsageError("give only one of --base, --base-dir and --snapshot")
    show = verbose or sys.stderr.isatty()
    progress = (lambda text: click.echo(f"rbmigrate verify: {text}", err=True)) if show else None
    report = run_verify(list(paths), scenario=scenario, base=base_ref, base_dir=base_dir, snapshot=snapshot,
                        pg_dsn=pg_dsn, deadline=deadline, memory_limit=memory_limit, cache_dir=cache_dir,
                        no_cache=no_cache, rust_sdk=rust_sdk, jobs=jobs, progress=progress)
    text = render(report, fmt, verbose)
    if output is not None:
        from .textio import write_output

        try:
            write_output(output, text.encode("utf-8"))
        except OSError as exc:
            click.echo(f"rbmigrate: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        from .report.verify import summary_line

        click.echo(summary_line(report), err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(report.exit_code)


if __name__ == "__main__":  # `python -m rbmigrate.cli_verify ...` (the same command as `rbmigrate verify`)
    verify(prog_name="rbmigrate verify")

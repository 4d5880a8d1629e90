"""`rbmigrate bindings PATH`: regenerate a connector's checked-in ``wit_world/`` from wit/v4."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("bindings")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--world", default=None, help="World to generate (default: from the role in manifest.json).")
@click.option("--wit", "wit_dir", default=None, type=click.Path(exists=True, path_type=Path),
              help="WIT package to generate from (default: the canonical wit/v4).")
def bindings(paths, world, wit_dir):
    """Regenerate the componentize-py bindings (wit_world/) of each connector folder in PATHS.

    The new bindings are generated into a temporary folder and swapped in
    atomically: on any failure the old bindings stay in place. Exit 0 when all
    succeed, 2 otherwise.
    """
    from .batch import InputError, finish_interrupted_writes
    from .bindings import BindingsError, regenerate

    try:
        finish_interrupted_writes(list(paths), Path.cwd())
    except InputError as exc:
        for line in str(exc).splitlines():
            click.echo(f"rbmigrate: error: {line}", err=True)
        sys.exit(2)
    failed = False
    for path in paths:
        try:
            replaced = regenerate(str(path), world, str(wit_dir) if wit_dir else None)
        except BindingsError as exc:
            click.echo(f"{path}: error: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{path}: regenerated {', '.join(replaced)}")
    sys.exit(2 if failed else 0)

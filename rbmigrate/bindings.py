"""Regenerate checked-in componentize-py bindings (``wit_world/``) from the canonical v4 WIT (RB505).

Generated trees are never hand-edited: ``componentize-py bindings`` writes a
fresh copy into a scratch folder inside the connector (same filesystem),
then every generated item is swapped in through the write journal
(:mod:`rbmigrate.journal`): the old one is renamed aside, the new one renamed
into place, and only then the old one is deleted. A failure before the swap
leaves the old bindings untouched; a failure during the swap puts the old
items back; a crash during it is finished by the next rbmigrate command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import tools

BINDINGS_DIR = "wit_world"
# What `componentize-py bindings` writes beside wit_world/; refreshed only when checked in.
RUNTIME_ITEMS = ("componentize_py_types.py", "componentize_py_runtime.pyi", "componentize_py_async_support",
                 "poll_loop.py")
ROLE_WORLDS = {"source": "rapidbyte-source", "destination": "rapidbyte-destination", "transform": "rapidbyte-transform"}


class BindingsError(RuntimeError):
    """componentize-py failed, or the swap could not complete (the old bindings are in place)."""


def world_for(root: Path) -> str:
    """The world of a connector, from the role in its manifest.json."""
    import json

    try:
        manifest = json.loads((Path(root) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BindingsError(f"{root}: cannot read manifest.json ({exc}); pass the world explicitly") from None
    role = manifest.get("role") if isinstance(manifest, dict) else None
    if role not in ROLE_WORLDS:
        raise BindingsError(f"{root}/manifest.json: role {role!r} is not one of {', '.join(ROLE_WORLDS)}")
    return ROLE_WORLDS[role]


def generate(out: Path, world: str, wit_dir: Path) -> None:
    """``componentize-py -d WIT -w WORLD bindings OUT``."""
    cmd = [tools.find("componentize-py", BindingsError), "-d", str(wit_dir), "-w", world, "bindings", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0 or not (out / BINDINGS_DIR).is_dir():
        raise BindingsError(
            f"componentize-py bindings failed (exit {proc.returncode}) for world {world}:\n"
            + (proc.stdout + proc.stderr).strip()
        )


def swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; the previous ``target`` is deleted only once ``new`` is in (journalled)."""
    from .journal import UnitWrite

    write = UnitWrite()
    write.add_tree(Path(new), Path(target))
    write.commit()


def prepare(root: str, world: str | None = None, wit_dir: str | None = None) -> tuple[Path, list[tuple[Path, Path]]]:
    """Generate ``root/wit_world`` (and the runtime files checked in beside it) from ``wit_dir`` into a
    scratch folder inside ``root``; returns the scratch folder and ``(new item, target)`` pairs to swap in.

    ``world`` defaults to the one of the manifest role; ``wit_dir`` to the canonical ``wit/v4``. On a
    failure nothing is left behind and the old bindings are untouched."""
    from .journal import SCRATCH_PREFIX
    from .resources import wit_dir as canonical

    base = Path(root).resolve()
    if not base.is_dir():
        raise BindingsError(f"{base} is not a folder")
    world = world or world_for(base)
    wit = Path(wit_dir).resolve() if wit_dir else canonical("v4")
    if not wit.exists():
        raise BindingsError(f"WIT path {wit} does not exist")
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=base))
    try:
        out = scratch / "out"
        generate(out, world, wit)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    items = [BINDINGS_DIR] + [name for name in RUNTIME_ITEMS if (base / name).exists() and (out / name).exists()]
    return scratch, [(out / name, base / name) for name in items]


def regenerate(root: str, world: str | None = None, wit_dir: str | None = None) -> list[str]:
    """Regenerate ``root/wit_world`` (and the runtime files checked in beside it): :func:`prepare`, then
    swap everything in at once through the write journal. Returns the names of the items replaced."""
    from .journal import UnitWrite, WriteError

    scratch, swaps = prepare(root, world, wit_dir)
    write = UnitWrite()
    write.add_scratch(scratch)
    for new, target in swaps:
        write.add_tree(new, target)
    try:
        write.commit()
    except WriteError as exc:
        raise BindingsError(exc.message) from None
    return [target.name for _, target in swaps]

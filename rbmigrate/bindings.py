"""Regenerate checked-in componentize-py bindings (``wit_world/``) from the canonical v4 WIT (RB505).

Generated trees are never hand-edited: ``componentize-py bindings`` writes a
fresh copy into a temporary folder inside the connector (same filesystem),
then each generated item is swapped in atomically: the old one is renamed
aside, the new one renamed into place, and only then the old one is deleted.
A failure at any point before the swap leaves the old bindings untouched; a
failure during the swap puts the old item back.
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
    """Put ``new`` at ``target`` atomically; the previous ``target`` is deleted only once ``new`` is in."""
    aside = target.with_name(f".{target.name}.rbmigrate-old-{os.getpid()}")
    had_old = target.exists() or target.is_symlink()
    if had_old:
        if aside.exists():
            _remove(aside)
        os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        if had_old:
            os.rename(aside, target)
        raise
    if had_old:
        _remove(aside)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def regenerate(root: str, world: str | None = None, wit_dir: str | None = None) -> list[str]:
    """Regenerate ``root/wit_world`` (and the runtime files checked in beside it) from ``wit_dir``.

    ``world`` defaults to the one of the manifest role; ``wit_dir`` to the
    canonical ``wit/v4``. Returns the names of the items replaced.
    """
    from .resources import wit_dir as canonical

    base = Path(root).resolve()
    if not base.is_dir():
        raise BindingsError(f"{base} is not a folder")
    world = world or world_for(base)
    wit = Path(wit_dir).resolve() if wit_dir else canonical("v4")
    if not wit.exists():
        raise BindingsError(f"WIT path {wit} does not exist")
    replaced: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".rbmigrate-bindings-", dir=base) as tmp:
        out = Path(tmp) / "out"
        generate(out, world, wit)
        items = [BINDINGS_DIR] + [name for name in RUNTIME_ITEMS if (base / name).exists() and (out / name).exists()]
        for name in items:
            try:
                swap(out / name, base / name)
            except OSError as exc:
                raise BindingsError(f"cannot swap in {name}: {exc} (the old {name} is in place)") from None
            replaced.append(name)
    return replaced

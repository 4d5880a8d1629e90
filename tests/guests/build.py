"""Build the host-test guests (cached): a test world that includes all three role worlds.

componentize-py 0.25 panics when several `-w` worlds are merged on the command line, but a world
that `include`s them works; it lives in a package of its own with the canonical one under deps/.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rbmigrate.hosts import build_python_component

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def probe_wit_dir(version: int, work: Path) -> Path:
    """Assemble the probe world and the canonical package in a private directory (pytest-xdist
    workers build concurrently; the build cache key depends on file contents, not on this path)."""
    work.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f"probe-wit-v{version}-", dir=work))
    deps = out / "deps" / f"rapidbyte-connector-v{version}"
    deps.mkdir(parents=True)
    shutil.copy(HERE / "worlds" / f"probe-v{version}.wit", out / "probe.wit")
    for f in sorted((REPO / "wit" / f"v{version}").glob("*.wit")):
        shutil.copy(f, deps / f.name)
    return out


def build_probe(version: int, cache_dir: Path) -> Path:
    wit = probe_wit_dir(version, cache_dir / "probe-wit")
    try:
        return build_python_component(HERE / f"probe_v{version}", wit, "probe", cache_dir=cache_dir)
    finally:
        shutil.rmtree(wit, ignore_errors=True)

"""Where the v3 original of a connector comes from, for the differential run.

- `git`: the connector's folder at a git revision (`--base REF`), extracted with `git archive`.
- `snapshot`: a copy `apply --verify` made before writing (`snapshot_originals`), found by the
  connector's absolute path in the snapshot's `index.json`.
- `dir`: a folder mirroring the verified paths (`--base-dir DIR`): a connector found at `PATH/x/y`
  has its original at `DIR/x/y` (and `DIR` itself when PATH is the connector).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "target", ".git", "node_modules")


class BaseError(ValueError):
    """The original of a connector cannot be found (an input error)."""


@dataclass
class BaseSpec:
    kind: str  # git | snapshot | dir
    value: str  # the revision, or the folder

    def describe(self) -> str:
        return {"git": f"git revision {self.value}", "snapshot": f"snapshot {self.value}",
                "dir": f"folder {self.value}"}[self.kind]


def _git(args: list[str], cwd: Path, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=not binary, check=False)


def from_git(root: Path, ref: str, work: Path, whole: bool = False) -> Path:
    """The folder `root` at `ref`. `whole`: extract the whole tree (a Rust crate needs its workspace)."""
    top = _git(["rev-parse", "--show-toplevel"], root)
    if top.returncode != 0:
        raise BaseError(f"{root} is not in a git work tree; --base needs one (or use --base-dir / --snapshot)")
    top_dir = Path(top.stdout.strip())
    rel = root.resolve().relative_to(top_dir.resolve()).as_posix()
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top_dir).returncode != 0:
        raise BaseError(f"--base {ref}: no such commit in {top_dir}")
    proc = _git(["archive", "--format=tar", ref, "--", "." if whole else (rel or ".")], top_dir, binary=True)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise BaseError(f"{rel or '.'} does not exist at {ref} ({err})")
    dest = work / f"git-{uuid.uuid4().hex[:8]}"
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    out = dest / rel if rel else dest
    if not out.is_dir():
        raise BaseError(f"{rel} does not exist at {ref}")
    return out


def snapshot_originals(roots: list[Path], cache_dir: Path) -> Path:
    """Copy each connector folder (as it is now: the v3 original, before `apply` writes) into a new
    snapshot under `cache_dir/snapshots/`, and return the snapshot folder (for `--snapshot`).

    `roots` may be any paths: every connector found under them is copied."""
    from .connectors import find_connectors

    found, _ = find_connectors([Path(r) for r in roots])
    snap = Path(cache_dir) / "snapshots" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    snap.mkdir(parents=True)
    index = {}
    for i, conn in enumerate(found):
        sub = f"{i:03d}-{conn.root.name}"
        shutil.copytree(conn.root, snap / sub, ignore=_IGNORE, symlinks=True)
        index[str(conn.root)] = sub
    (snap / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return snap


def from_snapshot(root: Path, snapshot: Path) -> Path:
    try:
        index = json.loads((Path(snapshot) / "index.json").read_text())
    except (OSError, ValueError) as exc:
        raise BaseError(f"{snapshot} is not a verify snapshot (index.json: {exc})") from None
    sub = index.get(str(root.resolve()))
    if sub is None:
        raise BaseError(f"the snapshot {snapshot} has no original of {root}")
    return Path(snapshot) / sub


def from_dir(root: Path, found_under: Path, base_dir: Path) -> Path:
    try:
        rel = root.resolve().relative_to(found_under.resolve())
    except ValueError:
        rel = Path(root.name)
    out = Path(base_dir) / rel
    if not out.is_dir():
        raise BaseError(f"--base-dir: no original of {root} at {out}")
    return out


def resolve(spec: BaseSpec, root: Path, found_under: Path, work: Path, whole: bool = False) -> Path:
    if spec.kind == "git":
        return from_git(root, spec.value, work, whole)
    if spec.kind == "snapshot":
        return from_snapshot(root, Path(spec.value))
    return from_dir(root, found_under, Path(spec.value))

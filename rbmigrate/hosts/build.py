"""Build componentize-py guests, cached by the content hash of everything that goes into them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import tools
from ..skipdirs import GENERATED, SKIP_DIRS
from .spec import default_cache_dir

# Not hashed into the build key: the folders never looked into, except checked-in wit_world/ bindings,
# which sit on the guest's module path and so may go into the component.
_SKIP_DIRS = SKIP_DIRS - GENERATED
_SKIP_SUFFIXES = (".pyc", ".pyo", ".wasm", ".cwasm")


class BuildError(RuntimeError):
    """componentize-py failed; `output` carries what it printed."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(f"{message}\n{output}".rstrip())
        self.output = output


def componentize_py() -> str:
    """The componentize-py of this interpreter's environment (next to sys.executable), else PATH."""
    return tools.find("componentize-py", BuildError)


def componentize_py_version() -> str:
    try:
        from importlib.metadata import version

        return version("componentize-py")
    except Exception:  # not installed as a distribution: ask the binary
        out = subprocess.run([componentize_py(), "--version"], capture_output=True, text=True, check=False)
        return out.stdout.strip() or "unknown"


def _hash_tree(h: "hashlib._Hash", root: Path, label: str) -> None:
    root = Path(root)
    if root.is_file():
        files = [root]
        base = root.parent
    else:
        files = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                if not name.endswith(_SKIP_SUFFIXES):
                    files.append(Path(dirpath) / name)
        base = root
    h.update(f"<{label}>".encode())
    for f in files:
        rel = f.relative_to(base).as_posix()
        data = f.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)


def build_key(app_dir: Path, wit_dir: Path, worlds: Sequence[str], module: str) -> str:
    h = hashlib.sha256()
    h.update(f"componentize-py {componentize_py_version()}\0module {module}\0worlds {','.join(worlds)}\0".encode())
    _hash_tree(h, Path(app_dir), "app")
    _hash_tree(h, Path(wit_dir), "wit")
    return h.hexdigest()


def build_python_component(
    app_dir: Path,
    wit_dir: Path,
    world: str | Sequence[str],
    module: str = "app",
    cache_dir: Path | None = None,
) -> Path:
    """`componentize-py -d WIT -w WORLD componentize -p APP MODULE -o OUT`, cached by content hash.

    `world` may be a list: componentize-py merges the worlds (one component exporting several roles).
    Returns the path of the cached .wasm. Raises BuildError with componentize-py's output on failure.
    """
    worlds = [world] if isinstance(world, str) else list(world)
    app_dir, wit_dir = Path(app_dir).resolve(), Path(wit_dir).resolve()
    if not (app_dir / f"{module}.py").exists() and not (app_dir / module / "__init__.py").exists():
        raise BuildError(f"no module {module!r} in {app_dir}")
    if not wit_dir.exists():
        raise BuildError(f"WIT path {wit_dir} does not exist")
    out_dir = Path(cache_dir or default_cache_dir()) / "components"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{build_key(app_dir, wit_dir, worlds, module)}.wasm"
    if out.exists():
        return out
    cmd = [componentize_py(), "-q", "-d", str(wit_dir)]
    for w in worlds:
        cmd += ["-w", w]
    fd, tmp_name = tempfile.mkstemp(prefix=".build-", suffix=".wasm", dir=out_dir)
    os.close(fd)
    cmd += ["componentize", "-p", str(app_dir), module, "-o", tmp_name]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(app_dir), check=False)
        if proc.returncode != 0 or os.path.getsize(tmp_name) == 0:
            raise BuildError(
                f"componentize-py failed (exit {proc.returncode}) for {app_dir} (world {', '.join(worlds)})",
                (proc.stdout + proc.stderr).strip(),
            )
        os.replace(tmp_name, out)  # atomic: concurrent builders of the same key just race to the same bytes
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return out

"""Test support for the review and batch workflow (discover, reports, batch, git safety, exit codes).

- ``make_batch(root, n)``: ``n`` connector units built from ``wit/v3`` copies with
  small variations (CRLF, no final newline, extra comments, split packages),
  plus the Python and Rust testdata connectors (their adapters have landed).
- ``cli(...)``: runs ``rbmigrate`` in a real subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from rbmigrate.lang import base as lang_base
from rbmigrate.lang.base import Adapter

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PYTHON = sys.executable
V3_WIT = (REPO / "wit" / "v3" / "rapidbyte-connector.wit").read_bytes()


# ----------------------------------------------------------------- adapters and the CLI


def wit_adapter() -> Adapter:
    """The WIT adapter (``rbmigrate/lang/wit/adapter.py``)."""
    adapter = lang_base.get_adapter("wit")
    assert adapter is not None, "the WIT adapter is missing"
    return adapter


def cli_argv(*args: str) -> list[str]:
    return [PYTHON, "-m", "rbmigrate", *map(str, args)]


def cli(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``rbmigrate ARGS`` in a real process (PYTHONPATH points at this checkout)."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(cli_argv(*args), cwd=cwd, env=full_env, capture_output=True, text=True, **kw)


# ----------------------------------------------------------------- test trees


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def wit_variants() -> list[tuple[str, dict[str, bytes]]]:
    """Small variations of the canonical v3 package, each a dict of file name -> bytes."""
    text = V3_WIT
    # split the package in two files: the types interface, and everything else
    start = text.index(b"/// Shared records")
    end = text.index(b"/// Host functions")
    head = text[:start]
    types_only = b"package rapidbyte:connector@3.0.0;\n\n" + text[start:end]
    return [
        ("plain", {"connector.wit": text}),
        ("crlf", {"connector.wit": crlf(text)}),
        ("no-final-newline", {"connector.wit": text.rstrip(b"\n")}),
        ("commented", {"connector.wit": b"// Vendored copy of the connector protocol.\n" + text}),
        ("split", {"types.wit": types_only, "world.wit": head + text[end:]}),
    ]


def make_wit_unit(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def adapter_landed(language: str) -> bool:
    try:
        return lang_base.get_adapter(language) is not None
    except Exception:  # an adapter still being written
        return False


def make_batch(root: Path, count: int, mixed: bool = True) -> list[Path]:
    """``count`` WIT units under ``root/units/`` (plus, when ``mixed``, the Python and Rust
    testdata connectors once their adapters have landed); returns the top folders (sorted).

    The Rust testdata is a Cargo workspace: it discovers as several units.
    """
    variants = wit_variants()
    folders = []
    for i in range(count):
        name, files = variants[i % len(variants)]
        folder = root / "units" / f"u{i:03d}-{name}"
        make_wit_unit(folder, files)
        folders.append(folder)
    # Python and Rust units join the batch once their adapters land.
    if mixed and adapter_landed("python"):
        src = REPO / "testdata" / "python" / "v3" / "source-postgres"
        if src.is_dir():
            dst = root / "units" / "py-source-postgres"
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
            folders.append(dst)
    if mixed and adapter_landed("rust"):
        src = REPO / "testdata" / "rust" / "v3"
        if (src / "Cargo.toml").is_file():
            dst = root / "units" / "rust-workspace"
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("target", "__pycache__"))
            folders.append(dst)
    return sorted(folders)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path -> bytes), skipping .git."""
    out = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or not path.is_file():
            continue
        out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial", "--allow-empty")

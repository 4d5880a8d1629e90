"""Test support for the review and batch workflow (discover, reports, batch, git safety, exit codes).

- ``wit_adapter()``: the real WIT adapter once ``rbmigrate/lang/wit/adapter.py`` has
  landed, else :class:`MiniWitAdapter`, a tiny stand-in installed into
  ``rbmigrate.lang.base._loaded`` (tests only).
- ``make_batch(root, n)``: ``n`` connector units built from ``wit/v3`` copies with
  small variations (CRLF, no final newline, extra comments, split packages),
  plus Python/Rust units once those adapters land.
- ``cli(...)``: runs ``rbmigrate`` in a subprocess (the stand-in adapter is
  installed there too when the real one is missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rbmigrate.lang import base as lang_base
from rbmigrate.lang.base import Adapter, ParseError
from rbmigrate.model import Edit, Finding, Severity

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PYTHON = sys.executable
V3_WIT = (REPO / "wit" / "v3" / "rapidbyte-connector.wit").read_bytes()


# ----------------------------------------------------------------- adapters


class MiniWitAdapter(Adapter):
    """A deliberately small WIT stand-in: token renames, a brace-balance syntax check, one finding.

    ``parse_calls`` counts every parse (including validation re-parses) in this process.
    """

    name = "wit"
    parse_calls = 0
    RENAMES = [
        (b"rapidbyte:connector@3.0.0", "rapidbyte:connector@4.0.0", "RB001"),
        (b"emit-batch", "batch-emit", "RB101"),
        (b"next-batch", "batch-next", "RB102"),
    ]
    TOKEN = re.compile(rb"rapidbyte:connector@3\.0\.0|emit-batch|next-batch")

    def matches(self, path):
        return path.suffix == ".wit"

    def prefilter(self, data):
        return self.TOKEN.search(data) is not None

    def parse(self, data, ctx):
        type(self).parse_calls += 1
        depth = 0
        for offset, byte in enumerate(data):
            if byte == ord("{"):
                depth += 1
            elif byte == ord("}"):
                depth -= 1
                if depth < 0:
                    raise ParseError(ctx.display, *_line_col(data, offset), "unexpected `}`")
        if depth:
            raise ParseError(ctx.display, *_line_col(data, len(data)), "unexpected end of file: missing `}`")
        return data

    def plan(self, tree, data, ctx):
        edits = []
        for old, new, rule in self.RENAMES:
            for m in re.finditer(re.escape(old), data):
                edits.append(Edit(m.start(), m.end(), new, rule))
        findings = []
        for m in re.finditer(rb"state-cas", data):
            line, col = _line_col(data, m.start())
            findings.append(
                Finding(ctx.display, line, col, "RB905", Severity.ERROR, "state-cas needs a look",
                        "check the compare-and-set semantics by hand")
            )
        return edits, findings

    def validate(self, data, ctx):
        self.parse(data, ctx)
        return []


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    from rbmigrate.textio import line_col

    return line_col(data, offset)


def real_wit_available() -> bool:
    return (REPO / "rbmigrate" / "lang" / "wit" / "adapter.py").exists()


def install_stand_in() -> None:
    """Make ``get_adapter("wit")`` return the stand-in when the real adapter has not landed."""
    if not real_wit_available():
        lang_base._loaded["wit"] = MiniWitAdapter()


def wit_adapter(monkeypatch) -> Adapter:
    if not real_wit_available():
        monkeypatch.setitem(lang_base._loaded, "wit", MiniWitAdapter())
    adapter = lang_base.get_adapter("wit")
    assert adapter is not None
    return adapter


# ----------------------------------------------------------------- subprocess CLI

_BOOT = (
    "import sys; sys.path.insert(0, {tests!r}); import workflow_support; workflow_support.install_stand_in(); "
    "from rbmigrate.cli import main; sys.argv[0] = 'rbmigrate'; main()"
)


def cli_argv(*args: str) -> list[str]:
    return [PYTHON, "-c", _BOOT.format(tests=str(TESTS)), *map(str, args)]


def cli(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
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


def make_batch(root: Path, count: int) -> list[Path]:
    """``count`` units under ``root/units/``; returns their folders (sorted)."""
    variants = wit_variants()
    folders = []
    for i in range(count):
        name, files = variants[i % len(variants)]
        folder = root / "units" / f"u{i:03d}-{name}"
        make_wit_unit(folder, files)
        folders.append(folder)
    # Python and Rust units join the batch once their adapters land.
    if adapter_landed("python"):
        src = REPO / "testdata" / "python" / "v3" / "source-postgres"
        if src.is_dir():
            dst = root / "units" / "py-source-postgres"
            shutil.copytree(src, dst)
            folders.append(dst)
    if adapter_landed("rust"):
        src = REPO / "testdata" / "rust" / "v3"
        if (src / "Cargo.toml").is_file():
            dst = root / "units" / "rust-workspace"
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("target"))
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

"""Type-check a Python connector against the v4 bindings with mypy (RB918): the counterpart of `cargo check`.

componentize-py generates fully typed bindings (``wit_world`` with dataclass records, ``Enum`` enums and
annotated functions). The connector's modules (migrated text, or what is on disk) are copied beside a fresh
copy of nothing else, and mypy checks them with the bindings of the connector's world on its search path
(``--check-untyped-defs``: most connectors annotate nothing). Each error that involves the bindings becomes an
RB918 finding with mypy's message:

- its message names a bindings type, module or host function (``expected "LogLevel"``, ``"MetricEvent"``), or
- its line refers to a name the file binds from ``wit_world``, or
- its line was written by the migration.

Errors in code that never touches the protocol are the connector's own (they were there in v3) and are not
reported; nor is an error on a line that already has a finding.

The bindings are generated once per world and componentize-py version and kept in the cache
(``CACHE/bindings/<key>/``). mypy's own cache is not safe for concurrent writers (verify type-checks its
connectors in parallel, and batch workers share one cache), so it is split into slots ``CACHE/mypy/<n>/``:
each run takes the first slot whose ``flock`` it gets. A run that mypy aborts with an internal error is
retried once with a throwaway cache. mypy's output for the same inputs is kept too
(``CACHE/mypy/results/``, see :func:`_memo_path`): a warm run does not start mypy at all.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ...ruletable import RuleTable, pascal, snake
from ...textio import atomic_write

RULE = "RB918"
_SKIP = {"wit_world", "__pycache__", ".git", ".venv", "venv", ".mypy_cache", "node_modules", "target", "wit"}
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$")


class TypeCheckUnavailable(RuntimeError):
    """mypy or componentize-py is missing, or the bindings cannot be generated."""


@dataclass(frozen=True)
class TypeError_:
    path: str  # relative to the connector root (posix)
    line: int
    col: int
    message: str
    code: str

    def text(self) -> str:
        return f"{self.message} [{self.code}]" if self.code else self.message


def mypy_available() -> bool:
    try:
        import mypy  # noqa: F401
    except ImportError:
        return False
    return True


def bindings_for(world: str, wit_dir: Path, cache_dir: Path) -> Path:
    """The v4 bindings of a world (``componentize-py bindings``), generated once into the cache."""
    from ...bindings import BindingsError, generate
    from ...hosts.build import _hash_tree, componentize_py_version

    h = hashlib.sha256(f"componentize-py {componentize_py_version()}\0world {world}\0".encode())
    _hash_tree(h, Path(wit_dir), "wit")
    target = Path(cache_dir) / "bindings" / h.hexdigest()[:24]
    if (target / "wit_world").is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        generate(work, world, Path(wit_dir))
        try:
            os.rename(work, target)
        except OSError:  # another process won
            if not (target / "wit_world").is_dir():
                raise
    except BindingsError as exc:
        raise TypeCheckUnavailable(str(exc)) from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def connector_files(root: Path) -> dict[str, bytes]:
    """Every Python module of a connector (not its checked-in bindings)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = Path(dirpath) / name
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


_SLOTS = 8  # more parallel type checks than this wait for a slot
_FLAGS = ("--check-untyped-defs", "--ignore-missing-imports", "--follow-imports=silent", "--show-column-numbers",
          "--show-error-codes", "--no-error-summary", "--hide-error-context", "--no-color-output", "--no-pretty",
          "--explicit-package-bases")


@contextlib.contextmanager
def _cache_slot(cache_dir: Path):
    """A mypy cache directory no other rbmigrate process is using (see the module doc)."""
    root = Path(cache_dir) / "mypy"
    root.mkdir(parents=True, exist_ok=True)
    fd = -1
    for n in range(_SLOTS + 1):
        slot = n % _SLOTS
        fd = os.open(root / f"{slot}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:  # every slot busy: the last try waits for slot 0
            fcntl.flock(fd, fcntl.LOCK_EX if n == _SLOTS else fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            os.close(fd)
    try:
        yield root / str(slot)
    finally:
        os.close(fd)  # releases the lock


def _mypy(work: Path, files: dict[str, bytes], bindings: Path, mypy_cache: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mypy", *_FLAGS, "--cache-dir", str(mypy_cache), *sorted(files)]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH", "PYTHONHOME")}
    env["MYPYPATH"] = str(bindings)
    return subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, check=False)


def _mypy_version() -> str:
    from importlib.metadata import version

    return version("mypy")


def _memo_path(files: dict[str, bytes], bindings: Path, cache_dir: Path) -> Path:
    """Where mypy's output for exactly these inputs is kept: the modules' paths and bytes, the bindings
    (their folder is named by the world, the WIT and componentize-py's version), mypy's and Python's
    versions and the command line. The same inputs give the same output, so a warm `verify` or
    `apply --typecheck` does not start mypy again."""
    h = hashlib.sha256(f"mypy {_mypy_version()}\0python {sys.version}\0bindings {bindings}\0".encode())
    h.update(" ".join(_FLAGS).encode() + b"\0")
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return Path(cache_dir) / "mypy" / "results" / f"{h.hexdigest()[:32]}.txt"


def run_mypy(files: dict[str, bytes], bindings: Path, cache_dir: Path) -> list[TypeError_]:
    """mypy over ``files`` (relative path -> text) with ``bindings`` on its search path."""
    if not mypy_available():
        raise TypeCheckUnavailable("mypy is not installed (pip install mypy)")
    memo = _memo_path(files, bindings, cache_dir)
    try:
        return _errors(memo.read_text(encoding="utf-8"), files)
    except OSError:
        pass
    stdout = _run_mypy(files, bindings, cache_dir)
    try:  # atomic: a concurrent reader sees the whole output or none; a read-only cache only costs the memo
        memo.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(memo, stdout.encode("utf-8"))
    except OSError:
        pass
    return _errors(stdout, files)


def _errors(stdout: str, files: dict[str, bytes]) -> list[TypeError_]:
    out = []
    for line in stdout.splitlines():
        m = _LINE.match(line)
        if m and m["path"] in files:
            out.append(TypeError_(m["path"], int(m["line"]), int(m["col"]), m["message"], m["code"] or ""))
    return out


def _run_mypy(files: dict[str, bytes], bindings: Path, cache_dir: Path) -> str:
    """mypy's output (exit 0 or 1: no errors, or errors), else TypeCheckUnavailable."""
    with tempfile.TemporaryDirectory(prefix="rbmigrate-typecheck-") as tmp:
        work = Path(tmp) / "src"
        for rel, data in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_bytes(data)
        with _cache_slot(cache_dir) as slot:
            proc = _mypy(work, files, bindings, slot)
        if proc.returncode not in (0, 1) and "INTERNAL ERROR" in proc.stdout + proc.stderr:
            proc = _mypy(work, files, bindings, Path(tmp) / "mypy-cache")  # a cache mypy cannot read
    if proc.returncode not in (0, 1):
        raise TypeCheckUnavailable(f"mypy failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-500:]}")
    return proc.stdout


# --- what involves the bindings --------------------------------------------------------------------


def vocabulary(table: RuleTable) -> frozenset[str]:
    """Names of the v4 bindings: modules, types (and variant case classes), host functions."""
    from .names import names_for

    names = names_for(table)
    words = {"wit_world"} | set(names.v4_modules)
    for iface in names.v4.values():
        for kind in ("records", "enums", "variants", "types"):
            for type_name in getattr(iface, kind, {}) or {}:
                words.add(pascal(type_name))
                for case in (getattr(iface, "variants", {}) or {}).get(type_name, []):
                    words.add(f"{pascal(type_name)}_{pascal(case)}")
        for fn in iface.functions:
            words.add(snake(fn))
    return frozenset(words)


_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def names_bindings(message: str, words: frozenset[str]) -> bool:
    return any(w in words for q in _QUOTED.findall(message) for w in _WORD.findall(q))


def binding_locals(text: str) -> set[str]:
    """Names a module binds from ``wit_world`` (imports, ``importlib.import_module``)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == "wit_world"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "wit_world":
            out |= {a.asname or a.name for a in node.names if a.name != "*"}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args \
                and isinstance(node.value.args[0], ast.Constant) and str(node.value.args[0].value).startswith("wit_world"):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return out


def changed_lines(before: bytes, after: bytes) -> set[int]:
    """1-based lines of ``after`` that the migration wrote."""
    a = before.decode("utf-8", "replace").splitlines()
    b = after.decode("utf-8", "replace").splitlines()
    out: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out.update(range(j1 + 1, j2 + 1))
    return out


def involved(error: TypeError_, text: str, words: frozenset[str], local_names: set[str], changed: set[int]) -> bool:
    if names_bindings(error.message, words) or error.line in changed:
        return True
    lines = text.splitlines()
    line = lines[error.line - 1] if 0 < error.line <= len(lines) else ""
    return any(re.search(rf"\b{re.escape(n)}\b", line) for n in local_names)


def check(files: dict[str, bytes], world: str, table: RuleTable, cache_dir: Path,
          before: dict[str, bytes] | None = None, wit_dir: Path | None = None) -> list[TypeError_]:
    """The type errors of a connector's modules that involve the v4 bindings (``before``: the v3 text of the
    migrated files, to tell the lines the migration wrote; ``wit_dir``: a vendored v4 package, else the
    canonical one)."""
    from ...resources import wit_dir as canonical

    bindings = bindings_for(world, wit_dir or canonical("v4"), cache_dir)
    words = vocabulary(table)
    out = []
    for error in run_mypy(files, bindings, cache_dir):
        text = files[error.path].decode("utf-8", "replace")
        changed = changed_lines(before[error.path], files[error.path]) if before and error.path in before else set()
        if involved(error, text, words, binding_locals(text), changed):
            out.append(error)
    return out


# --- positions: findings are located in the text a file had when it was read ----------------------------


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def carry(offset: int, edits) -> int:
    """Input offset -> output offset (inside a replaced span: where its replacement starts)."""
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.end <= offset and not (e.start == e.end == offset):
            shift += len(e.replacement.encode("utf-8")) - (e.end - e.start)
        elif e.start <= offset < e.end:
            return e.start + shift
    return offset + shift


def carry_back(offset: int, edits) -> int:
    """Output offset -> input offset (inside a replacement: the start of the span it replaced)."""
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        start = e.start + shift
        length = len(e.replacement.encode("utf-8"))
        if offset < start:
            break
        if offset < start + length:
            return e.start
        shift += length - (e.end - e.start)
    return offset - shift

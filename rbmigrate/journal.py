"""Crash-consistent unit writes: a small write-ahead journal.

A unit is written in four steps (:class:`UnitWrite`):

1. every new file is written to a temporary file beside its target and fsynced; a regenerated
   folder (``wit_world/`` bindings) is generated into a scratch folder inside the unit;
2. the journal, ``.rbmigrate-journal`` in the folder holding everything written, records the list
   (temporary → target, with content hashes) and is fsynced: from here on the write is decided;
3. each regenerated folder is swapped in (old one renamed aside, new one renamed into place), then
   each temporary file is renamed over its target, and the folders are fsynced;
4. the old folders and the scratch folder are removed, then the journal.

Ctrl-C (SIGINT) and SIGTERM wait until step 4 is over. A crash (SIGKILL, power loss) before step 2
leaves the targets untouched plus temporary files; after it, the journal. The next rbmigrate
command on that tree (:func:`recover`) first finishes every journalled write (roll forward: every
new content is on disk already), removes stale temporary files (roll back), and says so.

``RBMIGRATE_FAULT=STEP[@N]`` makes the process SIGKILL itself the N-th time (default: first) it
reaches STEP, to test exactly this: ``temp`` (a temporary file written), ``journal`` (journal
written, nothing renamed), ``swap`` (an old folder moved aside, the new one not yet in), ``rename``
(a file renamed), ``commit`` (all renamed, nothing cleaned up), ``cleanup`` (cleaned up, the
journal not yet removed).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

JOURNAL = ".rbmigrate-journal"
TMP_SUFFIX = ".rbmigrate-tmp"
SCRATCH_PREFIX = ".rbmigrate-bindings-"
ASIDE_SUFFIX = ".rbmigrate-old"
# .NAME.PID.RANDOM.rbmigrate-tmp, .NAME.PID.rbmigrate-old, .rbmigrate-bindings-PID-RANDOM
_PID = re.compile(r"\.(\d+)\.[0-9a-z_]+\.rbmigrate-tmp$|\.(\d+)\.rbmigrate-old$|^\.rbmigrate-bindings-(\d+)-")


class WriteError(OSError):
    """A unit could not be written. ``rolled_back``: nothing of it is on disk (else the journal is
    left for the next command to finish)."""

    def __init__(self, message: str, rolled_back: bool):
        super().__init__(message)
        self.message = message
        self.rolled_back = rolled_back


# ------------------------------------------------------------------ fault injection (tests)

_hits: dict[str, int] = {}


def fault(step: str) -> None:
    """SIGKILL this process here when ``RBMIGRATE_FAULT`` names ``step`` (see the module doc)."""
    wanted = os.environ.get("RBMIGRATE_FAULT")
    if not wanted:
        return
    name, _, nth = wanted.partition("@")
    if name != step:
        return
    _hits[step] = _hits.get(step, 0) + 1
    if _hits[step] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


# ------------------------------------------------------------------ small file-system helpers


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")


def aside_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}{ASIDE_SUFFIX}")


def write_synced(path: Path, data: bytes, mode: int | None = None) -> None:
    """Create ``path`` (it must not exist) with ``data``, fsynced, with ``mode``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(path, mode)
    except BaseException:
        _unlink(path)
        raise


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        _unlink(path)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha_of(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has nothing in flight when it recovers
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def signals_deferred():
    """Hold SIGINT and SIGTERM until the block is over (a decided write is finished first)."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # not the main thread, or no such call
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ------------------------------------------------------------------ one unit's write


@dataclass
class _File:
    temp: Path
    target: Path
    before: str | None  # sha256 of the target when the write was planned (None: no target yet)
    after: str


@dataclass
class _Tree:
    new: Path
    target: Path
    aside: Path


@dataclass
class UnitWrite:
    """Collect a unit's new files and folders (step 1), then :meth:`commit` them (steps 2-4)."""

    files: list[_File] = field(default_factory=list)
    trees: list[_Tree] = field(default_factory=list)
    scratch: list[Path] = field(default_factory=list)
    decided: bool = False  # the journal is written: what step 1 made belongs to it now

    def add_file(self, target: Path, data: bytes, mode: int | None, before: bytes | None) -> None:
        """Write ``data`` to a temporary file beside ``target`` and fsync it (``before``: the target's
        current content, checked again if an interrupted write is finished later)."""
        temp = temp_name(target)
        write_synced(temp, data, mode)
        self.files.append(_File(temp, target, _sha(before) if before is not None else None, _sha(data)))
        fault("temp")

    def add_tree(self, new: Path, target: Path) -> None:
        """Swap the prepared folder ``new`` (inside a scratch folder of the unit) in at ``target``."""
        self.trees.append(_Tree(new, target, aside_name(target)))

    def add_scratch(self, folder: Path) -> None:
        self.scratch.append(folder)

    def paths(self) -> list[Path]:
        return [f.target for f in self.files] + [t.target for t in self.trees] + self.scratch

    def home(self) -> Path:
        """The folder the journal goes in: the deepest one holding everything written."""
        return Path(os.path.commonpath([str(p.parent) for p in self.paths()]))

    def abort(self) -> None:
        """Before the journal: remove what step 1 made; the targets were never touched."""
        if self.decided:
            return
        for f in self.files:
            _unlink(f.temp)
        for folder in self.scratch:
            _remove(folder)

    def commit(self) -> None:
        """Steps 2-4. Raises :class:`WriteError` (the targets are then all old, or the journal is left)."""
        if not self.paths():
            return
        home = self.home()
        journal = home / JOURNAL
        if journal.exists():
            self.abort()
            raise WriteError(f"{journal} is there: an interrupted write is pending; run rbmigrate on the tree "
                             "again to finish it", rolled_back=True)
        record = {
            "version": 1,
            "pid": os.getpid(),
            "files": [{"temp": _rel(f.temp, home), "target": _rel(f.target, home), "before": f.before, "after": f.after}
                      for f in self.files],
            "trees": [{"new": _rel(t.new, home), "target": _rel(t.target, home), "aside": _rel(t.aside, home)}
                      for t in self.trees],
            "scratch": [_rel(s, home) for s in self.scratch],
        }
        with signals_deferred():
            temp = temp_name(journal)
            try:
                write_synced(temp, json.dumps(record, indent=1).encode("utf-8"))
                os.replace(temp, journal)
                fsync_dir(home)
            except OSError as exc:
                _unlink(temp)
                self.abort()
                raise WriteError(f"cannot write the journal {journal}: {exc.strerror or exc}", rolled_back=True) from None
            self.decided = True
            fault("journal")
            swapped: list[_Tree] = []
            for tree in self.trees:  # folders first: until a file is renamed, all of it can be undone
                try:
                    _swap_in(tree)
                except OSError as exc:
                    for done in reversed(swapped):
                        _swap_back(done)
                    _swap_back(tree)
                    self.decided = False
                    self.abort()
                    _unlink(journal)
                    raise WriteError(f"cannot swap in {tree.target.name}: {exc.strerror or exc} "
                                     f"(the old {tree.target.name} is in place)", rolled_back=True) from None
                swapped.append(tree)
            failed = None
            for f in self.files:
                try:
                    os.replace(f.temp, f.target)
                except OSError as exc:
                    failed = failed or f"cannot rename {f.temp.name} to {f.target}: {exc.strerror or exc}"
                    continue
                fault("rename")
            for folder in {f.target.parent for f in self.files} | {t.target.parent for t in self.trees}:
                fsync_dir(folder)
            if failed:
                raise WriteError(f"{failed}; the journal {journal} is left: run rbmigrate on the tree again to "
                                 "finish the write", rolled_back=False)
            fault("commit")
            self._cleanup()
            fault("cleanup")
            _unlink(journal)

    def _cleanup(self) -> None:
        for tree in self.trees:
            _remove(tree.aside)
        for folder in self.scratch:
            _remove(folder)


def _rel(path: Path, home: Path) -> str:
    return Path(os.path.relpath(path, home)).as_posix()


def _swap_in(tree: _Tree) -> None:
    """``target`` → ``aside``, ``new`` → ``target``; safe to repeat after a crash at any point."""
    if tree.new.exists() or tree.new.is_symlink():
        if (tree.target.exists() or tree.target.is_symlink()) and not tree.aside.exists():
            os.rename(tree.target, tree.aside)
            fault("swap")
        if tree.target.exists() or tree.target.is_symlink():  # a stale aside was in the way: drop the old target
            _remove(tree.target)
        os.rename(tree.new, tree.target)


def _swap_back(tree: _Tree) -> None:
    """Undo :func:`_swap_in` before cleanup (the old folder is still aside)."""
    try:
        if tree.aside.exists():
            if tree.target.exists() and not tree.new.exists():
                os.rename(tree.target, tree.new)
            elif tree.target.exists():
                _remove(tree.target)
            os.rename(tree.aside, tree.target)
    except OSError:
        pass


# ------------------------------------------------------------------ recovery


@dataclass
class Recovery:
    """What :func:`recover` did: notes for the user, and errors (the command should stop)."""

    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def recover(paths: list[Path], shown=None) -> Recovery:
    """Finish every interrupted write under (or above) ``paths`` and remove stale temporary files.

    A journal in a folder above a given path belongs to a unit holding it, so those are looked at
    too. A journal or temporary file of a live process (another rbmigrate run) is left alone."""
    shown = shown or (lambda p: str(p))
    out = Recovery()
    journals: dict[Path, None] = {}
    strays: dict[Path, None] = {}
    for top in paths:
        top = Path(top).resolve()
        for folder in [top, *top.parents] if top.is_dir() else list(top.parents):
            if (folder / JOURNAL).is_file():
                journals[folder / JOURNAL] = None
        if top.is_dir():
            _scan(top, journals, strays)
    kept: set[Path] = set()  # what a journal that is still there (a live run's, or one in conflict) names
    for journal in journals:
        _finish(journal, out, shown)
        if journal.exists():
            kept.update(_named_by(journal))
    if out.errors:
        return out  # leave everything as it is until the user has looked
    removed = []
    for path in strays:
        if path in kept or not (path.exists() or path.is_symlink()):
            continue  # belongs to a journal, or was taken care of by one
        match = _PID.search(path.name)
        pid = next((int(g) for g in match.groups() if g), None) if match else None
        if pid is not None and _alive(pid):
            continue
        if path.name.endswith(ASIDE_SUFFIX):  # an old folder set aside: put it back if nothing took its place
            target = path.with_name(path.name[1:].rsplit(".", 2)[0])
            if not (target.exists() or target.is_symlink()):
                try:
                    os.rename(path, target)
                    out.notes.append(f"{shown(target)}: put back (it was set aside by an interrupted run)")
                    continue
                except OSError:
                    pass
        _remove(path)
        removed.append(path)
    if removed:
        listed = ", ".join(shown(p) for p in removed[:3]) + (", …" if len(removed) > 3 else "")
        out.notes.append(f"removed {len(removed)} stale temporary file{'s' if len(removed) != 1 else ''} of an "
                         f"interrupted run (nothing of it had been written): {listed}")
    return out


def _scan(top: Path, journals: dict, strays: dict) -> None:
    from .discover import SKIP_DIRS

    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name == JOURNAL:
                journals[Path(entry.path)] = None
            elif name.endswith(TMP_SUFFIX) or name.endswith(ASIDE_SUFFIX) or name.startswith(SCRATCH_PREFIX):
                strays[Path(entry.path)] = None
            elif entry.is_dir(follow_symlinks=False) and name not in SKIP_DIRS:
                stack.append(Path(entry.path))


def _named_by(journal: Path) -> set[Path]:
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        home = journal.parent
        return ({home / i["temp"] for i in record["files"]} | {home / i["aside"] for i in record["trees"]}
                | {home / rel for rel in record["scratch"]})
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _finish(journal: Path, out: Recovery, shown) -> None:
    """Roll a journalled write forward: every new content was on disk before the journal was."""
    home = journal.parent
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        files = record["files"]
        trees = record["trees"]
        scratch = record["scratch"]
        pid = int(record.get("pid", 0))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        out.errors.append(f"{shown(journal)}: cannot read this journal of an interrupted write ({exc}); "
                          "check the files it names by hand, then delete it")
        return
    if pid and _alive(pid):
        return  # another run is writing right now
    conflicts = []
    for item in files:
        temp, target = home / item["temp"], home / item["target"]
        if temp.exists() and _sha_of(target) not in (item["before"], item["after"]):
            conflicts.append(shown(target))
    if conflicts:
        out.errors.append(f"{shown(journal)}: an interrupted write cannot be finished: {', '.join(conflicts)} "
                          "changed since; check them by hand, then delete the journal and the "
                          f"*{TMP_SUFFIX} files beside them")
        return
    put = 0
    try:
        for item in trees:
            tree = _Tree(home / item["new"], home / item["target"], home / item["aside"])
            if tree.new.exists():
                _swap_in(tree)
                put += 1
        for item in files:
            temp, target = home / item["temp"], home / item["target"]
            if temp.exists():
                os.replace(temp, target)
                put += 1
        for item in trees:
            _remove(home / item["aside"])
        for rel in scratch:
            _remove(home / rel)
        for folder in {(home / i["target"]).parent for i in files + trees}:
            fsync_dir(folder)
        _unlink(journal)
    except OSError as exc:
        out.errors.append(f"{shown(journal)}: cannot finish an interrupted write: {exc}")
        return
    names = len(files) + len(trees)
    out.notes.append(f"{shown(home)}: finished the write of {names} file{'s' if names != 1 else ''} an interrupted "
                     f"run had started ({put} put in place now); the unit is whole again")

"""Batch runs: many units (connectors, crates, WIT packages) in one command.

- units are found by :mod:`rbmigrate.discover` under every given path (or the
  paths listed in ``--from-file``) and optionally narrowed to one shard;
- each unit is read here and its files selected by the adapters' prefilters; a
  unit with nothing to parse is done on the spot, the others run through
  :func:`rbmigrate.engine.migrate_unit` in a process pool (none for a single
  one); a unit that raises, or whose worker process dies, becomes an error of
  that unit only (a dead worker's suspects are re-run one by one in their own
  process to find the culprit);
- in ``apply`` mode each unit is written by the parent as soon as its result
  arrives (git safety first), so an interrupted run leaves whole files;
- progress: a rich bar on a terminal, a few plain lines in CI or a pipe.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .discover import DiscoverOptions, Unit, discover_all
from .engine import Options, display_path, has_work, migrate_unit, read_unit, write_unit
from .model import FileError, PhaseTimes, RunResult, UnitResult


class InputError(ValueError):
    """Bad input from the user (a missing path in a list file, a bad shard): exit code 2."""


# ----------------------------------------------------------------- sharding


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` (1 <= K <= N) to ``(K, N)``."""
    k, sep, n = text.partition("/")
    try:
        kk, nn = int(k), int(n)
    except ValueError:
        kk = nn = 0
    if not sep or nn < 1 or not 1 <= kk <= nn:
        raise InputError(f"--shard must be K/N with 1 <= K <= N, got {text!r}")
    return kk, nn


def shard_of(key: str, count: int) -> int:
    """The 1-based shard of a unit: a stable hash of its path, independent of order and machine."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# ----------------------------------------------------------------- path lists


def read_path_list(source: str | Path, stdin=None) -> list[Path]:
    """Paths from a list file (``-`` for stdin): one per line, ``#`` comments and blank lines ignored.

    Relative paths are taken relative to the current directory.
    """
    if str(source) == "-":
        text = (stdin or sys.stdin).read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    paths = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        path = Path(line).expanduser()
        if not path.exists():
            raise InputError(f"{source}:{number}: {line}: no such file or directory")
        paths.append(path)
    return paths


# ----------------------------------------------------------------- progress


QUIET_BELOW = 20  # without a terminal, a run of fewer units prints no progress lines (errors still show)


class Progress:
    """Tells how far a batch is: ``bar`` (rich, terminal), ``lines`` (CI, pipes) or ``none``."""

    def __init__(self, total: int, style: str, stream=None, verbose: bool = False):
        self.total = total
        self.style = style
        self.stream = stream or sys.stderr
        self.verbose = verbose
        self.done = 0
        self._bar = None
        self._every = max(1, math.ceil(total / 10))

    @staticmethod
    def choose(total: int, stream=None) -> str:
        stream = stream or sys.stderr
        if total <= 1:
            return "none"
        tty = hasattr(stream, "isatty") and stream.isatty()
        return "bar" if tty and not os.environ.get("CI") else "lines"

    def start(self) -> None:
        if self.style == "bar":
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

            self._bar = RichProgress(
                TextColumn("[bold]rbmigrate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.description}"), console=Console(file=self.stream, highlight=False), auto_refresh=False,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
            self._bar.refresh()

    def advance(self, result: UnitResult) -> None:
        self.done += 1
        status = result.status
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=result.root)
            if status == "error":
                self._bar.console.print(f"[red]error[/red] {_escape(result.root)}: {_escape(_first_error(result))}")
            self._bar.refresh()
        elif self.style == "lines":
            if self.verbose or status == "error":
                detail = f": {_first_error(result)}" if status == "error" else ""
                self._line(f"[{self.done}/{self.total}] {result.root}: {status}{detail}")
            elif self.total >= QUIET_BELOW and (self.done % self._every == 0 or self.done == self.total):
                self._line(f"{self.done}/{self.total} units done")

    def _line(self, text: str) -> None:
        print(f"rbmigrate: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _first_error(result: UnitResult) -> str:
    errors = result.all_errors
    if not errors:
        return ""
    err = errors[0]
    first = (err.message.splitlines() or [""])[0]
    return f"{err.location()}: {first}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")


# ----------------------------------------------------------------- running


def _crashed(unit: Unit, options: Options, why: str) -> UnitResult:
    root = display_path(unit.root, options.base)
    return UnitResult(root=root, kind=unit.kind, errors=[FileError(path=root, message=why, kind="internal")])


def worker_init(parent: int) -> None:
    """Set up a worker process: it ends with its parent and leaves Ctrl-C to it.

    Without this, workers of a parent killed with SIGKILL would live on forever,
    blocked on the task queue (and holding the parent's stdout/stderr open).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _child(conn, unit: Unit, options: Options, parent: int) -> None:  # pragma: no cover - runs in a child process
    worker_init(parent)
    conn.send(migrate_unit(unit, options))
    conn.close()


def _run_isolated(unit: Unit, options: Options) -> UnitResult:
    """Run one unit in a process of its own, to tell a crashing unit from its neighbours."""
    import multiprocessing

    ctx = multiprocessing.get_context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, unit, options, os.getpid()), daemon=True)
    proc.start()
    send.close()
    try:
        result = receive.recv()
    except EOFError:
        result = None
    proc.join()
    if result is None:
        code = proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return _crashed(unit, options, f"the worker process died while migrating this unit ({how})")
    return result


def _scan(units: list[Unit], options: Options, rules, finish: Callable[[int, UnitResult], None]):
    """Read each unit here and yield ``(index, files, times)`` of the ones with a file to parse;
    a unit with none (no v3 anywhere in it) is finished on the spot, without a worker."""
    for index, unit in enumerate(units):
        times = PhaseTimes()
        try:
            files = read_unit(unit, options, times)
        except Exception:  # a selection that fails is retried (and reported) by the unit's own run
            yield index, None, times
            continue
        if has_work(files):
            yield index, files, times
        else:
            finish(index, _timed(migrate_unit(unit, options, rules, files), times))


def _timed(result: UnitResult, times: PhaseTimes) -> UnitResult:
    result.times.add(times)
    return result


def run_units(
    units: list[Unit], options: Options, jobs: int, on_result: Callable[[int, UnitResult], None] | None = None
) -> list[UnitResult]:
    """Migrate every unit; ``on_result(index, result)`` runs in this process as each one finishes.

    Units are read (and their files selected) here; only units with a file to parse go to the
    process pool, and no pool is started when at most one unit has one.
    """
    from .ruletable import default_table

    results: list[UnitResult | None] = [None] * len(units)

    def finish(index: int, result: UnitResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    rules = default_table()  # load once here; forked workers inherit it
    scan = _scan(units, options, rules, finish)
    ahead = scan if jobs <= 1 else list(itertools.islice(scan, jobs))
    if jobs <= 1 or len(ahead) <= 1:
        for index, files, times in ahead:
            finish(index, _timed(migrate_unit(units[index], options, rules, files), times))
        return results  # type: ignore[return-value]

    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = deque(ahead)  # (index, files, times): what was read here goes along
    more = iter(scan)

    def fill(count: int) -> int:
        """Scan on until ``count`` units wait for the pool (or none are left); how many wait."""
        while len(queue) < count:
            item = next(more, None)
            if item is None:
                break
            queue.append(item)
        return len(queue)

    suspects: list[int] = []
    while fill(jobs) or suspects:
        if suspects:
            index = suspects.pop(0)
            finish(index, _run_isolated(units[index], options))
            continue
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(queue)), initializer=worker_init, initargs=(os.getpid(),))
        inflight: dict = {}
        broken = False
        try:
            while (fill(1) or inflight) and not broken:
                while len(inflight) < 2 * jobs and fill(1):  # one waiting per worker: no idle worker while this scans
                    index, files, times = queue.popleft()
                    try:
                        inflight[pool.submit(migrate_unit, units[index], options, None, files)] = (index, times)
                    except BrokenProcessPool:
                        queue.appendleft((index, files, times))
                        broken = True
                        break
                if not inflight:
                    break
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                for future in done:
                    index, times = inflight.pop(future)
                    try:
                        result = _timed(future.result(), times)
                    except BrokenProcessPool:
                        suspects.append(index)
                        broken = True
                        continue
                    except Exception as exc:  # e.g. a result that cannot be pickled
                        result = _crashed(units[index], options, f"worker failed: {exc!r}")
                    finish(index, result)
            if broken:
                suspects.extend(index for index, _times in inflight.values())
                suspects.sort()
                inflight.clear()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    return results  # type: ignore[return-value]


# ----------------------------------------------------------------- one batch


@dataclass
class BatchOptions:
    mode: str = "apply"  # apply | diff | check | scan
    jobs: int = 1
    base: Path | None = None
    discover: DiscoverOptions = field(default_factory=DiscoverOptions)
    shard: tuple[int, int] | None = None
    allow_dirty: bool = False
    progress: str = "auto"  # auto | bar | lines | none
    verbose: bool = False
    unsafe_fixes: bool = False
    typecheck: bool = False
    cache_dir: Path | None = None


def guard_and_write(result: UnitResult, path_map: dict[str, Path], safety) -> None:
    """Apply mode, per unit: refuse files with uncommitted work (unless ``safety`` is None), then write."""
    changed = [f for f in result.files if f.changed]
    if not changed:
        return
    if safety is not None:
        from .gitsafety import refusal_message

        dirty = safety.uncommitted(path_map[f.path] for f in changed)
        for fres in changed:
            reason = dirty.get(path_map[fres.path].resolve())
            if reason:
                fres.error = FileError(path=fres.path, message=refusal_message(reason), kind="dirty")
    write_unit(result, path_map)


def run_batch(paths: list[Path], options: BatchOptions) -> tuple[RunResult, dict[str, Path]]:
    """Discover, shard, migrate (and in apply mode write) every unit under ``paths``."""
    base = options.base or Path.cwd()
    found = discover_all(paths, DiscoverOptions(**{**options.discover.__dict__, "base": base}))
    units = found.units
    if options.shard is not None:
        k, n = options.shard
        units = [u for u in units if shard_of(display_path(u.root, base), n) == k]
    engine_options = Options(mode=options.mode, jobs=options.jobs, base=base, unsafe_fixes=options.unsafe_fixes,
                             typecheck=options.typecheck, cache_dir=options.cache_dir)
    path_map = {display_path(f, base): f for unit in units for f in unit.files}

    style = Progress.choose(len(units)) if options.progress == "auto" else options.progress
    progress = Progress(len(units), style if len(units) > 1 else "none", verbose=options.verbose)
    safety = None
    if options.mode == "apply" and not options.allow_dirty:
        from .gitsafety import GitSafety

        safety = GitSafety()

    def on_result(index: int, result: UnitResult) -> None:
        if options.mode == "apply":
            try:
                guard_and_write(result, path_map, safety)
            except Exception as exc:  # never let one unit's write stop the batch
                result.errors.append(FileError(path=result.root, message=f"internal error while writing: {exc!r}", kind="internal"))
        progress.advance(result)

    progress.start()
    try:
        results = run_units(units, engine_options, options.jobs, on_result)
    finally:
        progress.close()
    return RunResult(units=results, mode=options.mode, skipped=list(found.skipped)), path_map

"""Batch runs: many units (connectors, crates, WIT packages) in one command.

- units are found by :mod:`rbmigrate.discover` under every given path (or the
  paths listed in ``--from-file``) and optionally narrowed to one shard;
- the units run through :func:`rbmigrate.engine.run_units` (the one executor of
  ``-j1`` and ``-jN``): each unit is read in the parent and its files selected by
  the adapters' prefilters; a unit with nothing to parse is done on the spot, the
  others run through :func:`rbmigrate.engine.migrate_unit` in a process pool
  (none for a single one); a unit that raises, or whose worker process dies,
  becomes an error of that unit only (a dead worker's suspects are re-run one by
  one in their own process to find the culprit);
- in ``apply`` mode each unit is written by the parent as soon as its result
  arrives (git safety first), whole or not at all (:mod:`rbmigrate.journal`);
  every run first finishes the writes an interrupted run had started;
- progress: a rich bar on a terminal, a few plain lines in CI or a pipe.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .discover import DiscoverOptions, Unit, discover_all
from .engine import Options, display_path, run_units, write_unit
from .model import FileError, RunResult, UnitResult, internal_error


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
TICK_AFTER = 2.0  # on a terminal, a run with no unit finished for this long says it is still working


def _tick_after() -> float:
    """:data:`TICK_AFTER`, or ``$RBMIGRATE_PROGRESS_AFTER`` seconds (tests of the status line)."""
    try:
        return float(os.environ.get("RBMIGRATE_PROGRESS_AFTER", TICK_AFTER))
    except ValueError:
        return TICK_AFTER


class Progress:
    """Tells how far a batch is: ``bar`` (rich, terminal), ``lines`` (CI, pipes) or ``none``."""

    def __init__(self, total: int, style: str, stream=None, verbose: bool = False, ticker: bool = False,
                 label: str = ""):
        self.total = total
        self.style = style
        self.stream = stream or sys.stderr
        self.verbose = verbose
        self.done = 0
        self.failed = 0
        self._bar = None
        self._every = max(1, math.ceil(total / 10))
        self.ticker = ticker  # on a terminal: say that a long unit is still running (after TICK_AFTER seconds)
        self.label = label  # what is being migrated (a single unit's root)
        self._last = 0.0
        self._started = 0.0
        self._stop = None
        self._status_shown = False

    @staticmethod
    def choose(total: int, stream=None) -> str:
        stream = stream or sys.stderr
        if total <= 1:
            return "none"
        tty = hasattr(stream, "isatty") and stream.isatty()
        return "bar" if tty and not os.environ.get("CI") else "lines"

    def start(self) -> None:
        import time

        self._started = self._last = time.monotonic()
        if self.ticker:
            import threading

            self._stop = threading.Event()
            threading.Thread(target=self._tick, name="rbmigrate-progress", daemon=True).start()
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

    def _tick(self) -> None:
        """Every half second: keep the bar's clock going; without a bar, once nothing has finished for
        :data:`TICK_AFTER` seconds, a status line (cleared at the end) that says the run is alive."""
        import time

        while not self._stop.wait(0.5):
            now = time.monotonic()
            if self._bar is not None:
                self._bar.refresh()
            elif now - self._last >= _tick_after():
                what = self.label or f"{self.done}/{self.total} units done"
                self._write(f"\r\x1b[Krbmigrate: {what}: still working ({now - self._started:.0f} s)")
                self._status_shown = True

    def _write(self, text: str) -> None:
        """Straight to the file descriptor where there is one: no lock of the stream's buffer is ever held
        by this thread when the pool forks a worker."""
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.stream.write(text)
            self.stream.flush()
            return
        os.write(fd, text.encode("utf-8", "replace"))

    def advance(self, result: UnitResult) -> None:
        """One unit done. Errors are not printed here: the closing report lists each one once."""
        import time

        self._last = time.monotonic()
        self.done += 1
        status = result.status
        self.failed += status == "error"
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=result.root)
            self._bar.refresh()
        elif self.style == "lines":
            if self.verbose:
                self._line(f"[{self.done}/{self.total}] {result.root}: {status}")
            elif self.total >= QUIET_BELOW and (self.done % self._every == 0 or self.done == self.total):
                failed = f" ({self.failed} with errors)" if self.failed else ""
                self._line(f"{self.done}/{self.total} units done{failed}")

    def _line(self, text: str) -> None:
        print(f"rbmigrate: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
        if self._status_shown:
            self._write("\r\x1b[K")
            self._status_shown = False
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


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
    cache: bool = False  # use the result cache (rbmigrate.resultcache); the CLI turns it on unless --no-cache
    cache_dir: Path | None = None  # --cache-dir: the result cache goes to <cache_dir>/results


def finish_interrupted_writes(paths: list[Path], base: Path, stream=None) -> None:
    """Before anything else: finish what an interrupted run had started writing under ``paths``
    (:func:`rbmigrate.journal.recover`), saying so; an interrupted write that cannot be finished is an
    :class:`InputError`."""
    from .journal import recover

    done = recover(paths, shown=lambda p: display_path(Path(p), base))
    for note in done.notes:
        print(f"rbmigrate: {note}", file=stream or sys.stderr, flush=True)
    if done.errors:
        raise InputError("\n".join(done.errors))


LOOKED_FOR = ("a Cargo crate, a componentize-py connector or a WIT package: files named *.rs, *.py, *.wit, "
              "Cargo.toml, manifest.json, pyproject.toml or rapidbyte.toml")


def check_nonempty(paths: list[Path], units: list[Unit], skipped: list[tuple[str, str]], discover: DiscoverOptions,
                   base: Path) -> None:
    """Raise :class:`InputError` for each given path that holds no file to look at: an empty run is no success."""
    from .lang.base import language_of

    covered: set[str] = set()  # every file looked at and every folder above one (strings: pathlib is slow here)
    for unit in units:
        for path in unit.files:
            if language_of(path) is None:
                continue
            folder = str(path)
            while folder not in covered:  # (once a folder is in, so is every folder above it)
                covered.add(folder)
                parent = os.path.dirname(folder)
                if parent == folder:
                    break
                folder = parent
    empty = [p for p in paths if str(Path(p).resolve()) not in covered]
    if not empty:
        return
    problems = []
    for path in empty:
        shown = display_path(Path(path).resolve(), base)
        if Path(path).is_file():
            problems.append(f"{shown}: not a file rbmigrate migrates (it looks at {LOOKED_FOR})")
            continue
        why = f"{shown}: no connector found (looked for {LOOKED_FOR})"
        notes = []
        if discover.include or discover.exclude:
            notes.append("after --include/--exclude")
        inside = [(p, r) for p, r in skipped if shown == "." or p == shown or p.startswith(shown.rstrip("/") + "/")]
        if inside:
            listed = ", ".join(f"{p} ({r})" for p, r in inside[:3]) + (", …" if len(inside) > 3 else "")
            notes.append(f"left out: {listed}")
        problems.append(why + (f" ({'; '.join(notes)})" if notes else ""))
    raise InputError("\n".join(problems))


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


def _fewer_collections() -> None:
    """libcst builds a node object for every token and keeps the trees alive while a unit is planned; with
    CPython's default thresholds the cyclic collector walks them over and over (20% of a big module's
    time). Collect 100× less often, as mypy does: the trees are freed by reference counting anyway."""
    import gc

    first, *_rest = gc.get_threshold()
    if first < GC_THRESHOLD[0]:
        gc.set_threshold(*GC_THRESHOLD)


GC_THRESHOLD = (100_000, 50, 100)


def run_batch(paths: list[Path], options: BatchOptions) -> tuple[RunResult, dict[str, Path]]:
    """Discover, shard, migrate (and in apply mode write) every unit under ``paths``."""
    base = options.base or Path.cwd()
    _fewer_collections()
    finish_interrupted_writes(paths, base)
    found = discover_all(paths, DiscoverOptions(**{**options.discover.__dict__, "base": base}))
    units = found.units
    check_nonempty(paths, units, found.skipped, options.discover, base)
    if options.shard is not None:
        k, n = options.shard
        units = [u for u in units if shard_of(display_path(u.root, base), n) == k]
    engine_options = Options(mode=options.mode, jobs=options.jobs, base=base, unsafe_fixes=options.unsafe_fixes,
                             typecheck=options.typecheck, cache_dir=options.cache_dir)
    path_map = {display_path(f, base): f for unit in units for f in unit.files}

    style = Progress.choose(len(units)) if options.progress == "auto" else options.progress
    tty = hasattr(sys.stderr, "isatty") and sys.stderr.isatty() and not os.environ.get("CI")
    progress = Progress(len(units), style if len(units) > 1 else "none", verbose=options.verbose,
                        ticker=options.progress == "auto" and tty and bool(units),
                        label=display_path(units[0].root, base) if len(units) == 1 else "")
    safety = None
    if options.mode == "apply" and not options.allow_dirty:
        from .gitsafety import GitSafety

        safety = GitSafety()

    def on_result(index: int, result: UnitResult) -> None:
        if options.mode == "apply":
            try:
                guard_and_write(result, path_map, safety)
            except Exception as exc:  # never let one unit's write stop the batch
                result.errors.append(internal_error(result.root, exc, "writing"))
        progress.advance(result)

    cache = None
    if options.cache:
        from .resultcache import ResultCache, cacheable_options

        if cacheable_options(engine_options):
            cache = ResultCache(engine_options, options.cache_dir / "results" if options.cache_dir else None)
    progress.start()
    try:
        results = run_units(units, engine_options, options.jobs, on_result, cache=cache)
    finally:
        progress.close()
    if cache is not None:
        cache.close()
    return RunResult(units=results, mode=options.mode, skipped=list(found.skipped)), path_map

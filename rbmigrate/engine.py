"""The one pipeline: discover → prefilter → parse → plan → apply → validate → write.

``migrate_unit`` is pure computation (no writes) so units can run in worker
processes (``run_units``, the one executor of ``-j1`` and ``-jN``);
``write_results`` performs the atomic writes in the parent.
"""

from __future__ import annotations

import itertools
import json
import os
import stat
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import edits as edit_ops
from .discover import Unit, discover, is_generated
from .inputs import depends_on, recording
from .lang.base import FileContext, ParseError, UnitContext, get_adapter, language_of
from .model import (NOT_WRITTEN, Edit, FileError, FileResult, Finding, PhaseTimes, RunResult, Severity, UnitResult,
                    internal_error)
from .residue import check as residue_check
from .ruletable import RuleTable, default_table


@dataclass
class Options:
    mode: str = "apply"  # apply | diff | check | scan
    jobs: int = 1
    base: Path | None = None  # paths in reports are shown relative to this
    unsafe_fixes: bool = False  # apply edits whose applicability is `unsafe` (else they are findings)
    typecheck: bool = False  # type-check Python connectors against the v4 bindings (RB918)
    cache_dir: Path | None = None  # where the type check keeps bindings and mypy's cache
    residue: bool = True  # the residue pass (RB920); also off with RBMIGRATE_RESIDUE=0
    disable_rules: frozenset = frozenset()  # tests only: drop the planned edits of these rules


def display_path(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def read_manifest(root: Path) -> dict:
    """The connector manifest (id, role, capabilities, protocol_version), if the unit has one."""
    path = root / "manifest.json"
    depends_on(path)
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
    return {}


@dataclass
class UnitFile:
    """One file of a unit as read before anything is parsed."""

    path: Path
    shown: str
    language: str | None
    data: bytes = b""
    mode: int = 0
    skipped: str | None = None  # why it is not looked at (no adapter)
    error: str | None = None  # why it cannot be read
    keep: bool = False  # the adapter's selection: parse it
    residue: bool = False  # not parsed, but the residue pass scans it (it can hold a v3 spelling)


def read_unit(unit: Unit, options: Options, times: PhaseTimes | None = None,
              rules: RuleTable | None = None, preread: dict[str, bytes] | None = None) -> list[UnitFile]:
    """Read every file of a unit and let each adapter select the ones to parse (its prefilter);
    the residue pass keeps the bytes of the others that can hold a v3 spelling. ``preread``: bytes
    already read (by the result cache), by path."""
    t0 = time.perf_counter()
    scan = residue_check.enabled(options)
    files: list[UnitFile] = []
    for path in unit.files:
        language = language_of(path)
        entry = UnitFile(path, display_path(path, options.base), language)
        if (get_adapter(language) if language else None) is None:
            if not residue_check.wants(path):
                entry.skipped = f"no {language} adapter"
            elif not scan:
                continue  # found for the residue pass only
            else:
                entry.language = None
                try:
                    entry.data = path.read_bytes()
                except OSError as exc:
                    entry.skipped = f"cannot read: {exc.strerror}"
            files.append(entry)
            continue
        files.append(entry)
        try:
            entry.data = preread.pop(str(path)) if preread and str(path) in preread else path.read_bytes()
        except OSError as exc:
            entry.error = f"cannot read: {exc.strerror}"
    by_language: dict[str, list[UnitFile]] = {}
    for entry in files:
        if entry.skipped is None and entry.error is None and entry.language is not None:
            by_language.setdefault(entry.language, []).append(entry)
    for language, entries in by_language.items():
        adapter = get_adapter(language)
        keep = adapter.select(unit.root, [e.data for e in entries])  # with the whole unit in view
        for entry, flag in zip(entries, keep):
            entry.keep = bool(flag)
            if not entry.keep:
                continue
            try:
                entry.mode = stat.S_IMODE(entry.path.stat().st_mode)
            except OSError as exc:
                entry.error, entry.keep, entry.data = f"cannot read: {exc.strerror}", False, b""
    t1 = time.perf_counter()
    for entry in files:
        if not entry.keep and entry.data:  # never looked at again (nor sent to a worker), unless the pass wants it
            entry.residue = scan and residue_check.gate(entry.path, entry.data, rules or default_table())
            if not entry.residue:
                entry.data = b""
    if times is not None:
        times.prefilter += t1 - t0
        times.residue += time.perf_counter() - t1
    return files


def has_work(files: list[UnitFile]) -> bool:
    """Does any file of the unit need parsing? (A unit where none does is done once read.)"""
    return any(f.keep for f in files)


def migrate_unit(unit: Unit, options: Options, rules: RuleTable | None = None,
                 files: list[UnitFile] | None = None) -> UnitResult:
    """Run one unit through the pipeline (``files``: what :func:`read_unit` read, if done already).
    Never raises: failures become errors."""
    rules = rules or default_table()
    result = UnitResult(root=display_path(unit.root, options.base), kind=unit.kind, skipped=list(unit.skipped))
    times = result.times
    with recording() as inputs:  # what the result depends on outside the unit's files (for the result cache)
        try:
            _migrate_unit(unit, options, rules, result, times, files)
        except ParseError as exc:  # a located error, wherever in the unit it came from
            result.errors.append(exc.to_file_error())
        except Exception as exc:  # a crash in one unit never stops the others
            result.errors.append(internal_error(result.root, exc))
    result.inputs = sorted(inputs)
    return result


def _migrate_unit(unit: Unit, options: Options, rules: RuleTable, result: UnitResult, times: PhaseTimes,
                  files: list[UnitFile] | None) -> None:
    if files is None:
        files = read_unit(unit, options, times)
    uctx = UnitContext(root=unit.root, kind=unit.kind, rules=rules,
                       manifest=read_manifest(unit.root) if has_work(files) else {})
    parsed: dict[str, list[tuple[FileContext, bytes, object, FileResult]]] = {}
    failed: dict[str, list[FileResult]] = {}
    for entry in files:
        path, language, shown, data = entry.path, entry.language, entry.shown, entry.data
        if entry.skipped is not None:
            result.skipped.append((shown, entry.skipped))
            continue
        if entry.error is not None:
            result.errors.append(FileError(path=shown, message=entry.error, kind="io"))
            continue
        if not entry.keep:
            continue  # (the residue pass may still scan it)
        if is_generated(data[:2048]):
            result.skipped.append((shown, "generated file"))
            continue
        adapter = get_adapter(language)
        fctx = FileContext(path=path, display=shown, unit=uctx)
        fres = FileResult(path=shown, language=language, before=data, mode=entry.mode)
        result.files.append(fres)
        t1 = time.perf_counter()
        try:
            data, fres.encoding = adapter.decode_source(data, fctx)  # e.g. a latin-1 coding cookie: work in UTF-8
            fres.before = data
            tree = adapter.parse(data, fctx)
        except ParseError as exc:
            fres.error = exc.to_file_error()
            fres.error.path = shown
            failed.setdefault(language, []).append(fres)
            continue
        finally:
            times.parse += time.perf_counter() - t1
        fctx.tree = tree
        parsed.setdefault(language, []).append((fctx, data, tree, fres))

    for language in sorted(set(parsed) | set(failed)):
        adapter = get_adapter(language)
        items = parsed.get(language, [])
        t0 = time.perf_counter()
        adapter.prepare_unit([(fctx, data) for fctx, data, _, _ in items], uctx)
        times.plan += time.perf_counter() - t0
        # tests only: drop the planned edits of these rules (what if an adapter missed them?); the
        # adapter's own checks, which may rely on its whole plan, are then skipped
        disabled = frozenset(options.disable_rules)
        dropped = [_plan_file(adapter, fctx, data, tree, fres, times, options.unsafe_fixes, disabled)
                   for fctx, data, tree, fres in items]
        if any(dropped):
            continue
        t0 = time.perf_counter()
        result.errors.extend(adapter.validate_unit([item[3] for item in items] + failed.get(language, []), uctx))
        times.validate += time.perf_counter() - t0
    result.actions.extend(uctx.actions)
    if options.typecheck and unit.kind == "python-connector" and not result.all_errors:
        from .lang.python.adapter import typecheck_unit

        t0 = time.perf_counter()
        by_path = {fctx.path: fres for fctx, _data, _tree, fres in parsed.get("python", [])}
        result.files.extend(typecheck_unit(unit.root, by_path, rules, options, result, read_manifest(unit.root),
                                           lambda path: display_path(path, options.base)))
        times.validate += time.perf_counter() - t0
    if residue_check.enabled(options):  # nothing v3 left silently (RB920)
        residue_check.check_unit(files, result, rules)


def _plan_file(adapter, fctx: FileContext, data: bytes, tree, fres: FileResult, times: PhaseTimes,
               unsafe_fixes: bool = False, disabled: frozenset = frozenset()) -> bool:
    """Plan, apply and validate one file; True when edits of ``disabled`` rules were dropped."""
    t0 = time.perf_counter()
    try:
        planned, findings = adapter.plan(tree, data, fctx)
        planned = edit_ops.drop_noops(data, planned)
        kept = [e for e in planned if e.rule_id not in disabled] if disabled else planned
        dropped, planned = len(kept) != len(planned), kept
        applied, suggested = edit_ops.by_applicability(planned, unsafe_fixes)
        fres.findings = list(findings) + [_suggestion(fctx, data, e) for e in suggested]
        fres.edits = edit_ops.normalize(applied)
        after = edit_ops.apply_edits(data, fres.edits) if fres.edits else data
    except ParseError as exc:
        fres.error = exc.to_file_error()
        fres.error.path = fctx.display
        return False
    except Exception as exc:
        fres.error = internal_error(fctx.display, exc, "planning")
        return False
    finally:
        times.plan += time.perf_counter() - t0
    t1 = time.perf_counter()
    try:
        if after != data:
            if not dropped:  # (edits dropped by a test: the adapter's check may rely on its whole plan)
                fres.findings.extend(adapter.validate(after, fctx))
            fres.after = after
    except ParseError as exc:
        fres.error = FileError(
            path=fctx.display,
            message=f"the migrated file does not parse ({exc.message}); left untouched",
            line=exc.line,
            col=exc.col,
            kind="validate",
        )
    finally:
        times.validate += time.perf_counter() - t1
    return dropped


def _suggestion(fctx: FileContext, data: bytes, edit: Edit) -> Finding:
    """An edit that is not applied (unsafe without ``--unsafe-fixes``, or display-only), shown as a finding."""
    from .textio import line_col

    rule = fctx.rules.get(edit.rule_id)
    line, col = line_col(data, edit.start)
    old = data[edit.start : edit.end].decode("utf-8", "replace")
    how = ("Review it and apply it by hand, or rerun with `--unsafe-fixes`" if edit.applicability == "unsafe"
           else "Review it and apply it by hand")
    return Finding(
        path=fctx.display, line=line, col=col, rule_id=edit.rule_id, severity=Severity.WARNING,
        message=f"{rule.title} ({edit.applicability} fix, not applied): `{old}` → `{edit.replacement}`",
        manual_step=f"{how}.", suggestion=edit.replacement,
    )


def write_results(run: RunResult, base_for: dict[str, Path]) -> None:
    """Write every changed file atomically, unit by unit (see :func:`write_unit`)."""
    for unit in run.units:
        write_unit(unit, base_for)


def write_unit(unit: UnitResult, base_for: dict[str, Path]) -> None:
    """Write a unit's changed files atomically, all or none where it can be known up front.

    Nothing is written when the unit has an error, or when any file it would
    touch is read-only (by its mode bits, even for root) or changed on disk
    since it was read; those files get the error. Each write replaces the file
    by rename, so every file is always either its old or its new content, and
    the unit's files and regenerated folders go in together through a
    write-ahead journal (:mod:`rbmigrate.journal`): a crash leaves either none
    of them, or a journal the next command finishes.
    """
    t0 = time.perf_counter()
    changed = sorted((f for f in unit.files if f.changed), key=lambda f: f.path)
    if (not changed and not unit.actions) or unit.all_errors:
        return
    for fres in changed:
        target = base_for[fres.path]
        try:
            mode = target.stat().st_mode
            if not mode & 0o222 or not os.access(target, os.W_OK):
                fres.error = FileError(path=fres.path, message=f"file is read-only; {NOT_WRITTEN}", kind="io")
            elif target.read_bytes() != fres.on_disk(fres.before):
                fres.error = FileError(
                    path=fres.path, message=f"changed on disk since it was read; {NOT_WRITTEN}", kind="io"
                )
        except OSError as exc:
            fres.error = FileError(path=fres.path, message=f"cannot write: {exc.strerror or exc}", kind="io")
    if unit.all_errors:
        return
    _write_journalled(unit, changed, base_for)
    unit.times.write += time.perf_counter() - t0


def _write_journalled(unit: UnitResult, changed: list[FileResult], base_for: dict[str, Path]) -> None:
    """Temporary files and regenerated folders first, then all of them in at once (or none)."""
    from .actions import prepare
    from .journal import UnitWrite, WriteError

    write = UnitWrite()
    try:
        for fres in changed:
            try:
                write.add_file(base_for[fres.path], fres.on_disk(fres.after), fres.mode, fres.on_disk(fres.before))
            except (OSError, UnicodeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                fres.error = FileError(path=fres.path, message=f"cannot write: {why}; {NOT_WRITTEN}", kind="io")
                break
        pending = [a for a in unit.actions if not a.done] if not unit.all_errors else []
        for action in pending:
            try:
                scratch, swaps = prepare(action)
            except Exception as exc:
                action.error = (str(exc) or repr(exc)).strip()
                unit.errors.append(FileError(path=action.path, message=f"{action.description} failed: {action.error}",
                                             kind="action"))
                break
            write.add_scratch(scratch)
            for new, target in swaps:
                write.add_tree(new, target)
        if unit.all_errors:
            write.abort()
            return
        write.commit()
    except WriteError as exc:  # rolled back, or left for the next command to finish (the message says which)
        unit.errors.append(FileError(path=unit.root, message=exc.message, kind="io"))
        return
    except BaseException:
        write.abort()  # before the journal (after it, signals wait and nothing raises)
        raise
    for fres in changed:
        fres.written = True
    for action in pending:
        action.done = True


def run(paths: list[Path], options: Options, rules: RuleTable | None = None) -> tuple[RunResult, dict[str, Path]]:
    """Discover and migrate (``options.jobs`` worker processes, see :func:`run_units`); returns the
    result and a map from shown path to real path."""
    t0 = time.perf_counter()
    units = discover(paths)
    discover_time = time.perf_counter() - t0
    results = run_units(units, options, options.jobs, rules=rules)
    if results:
        results[0].times.discover += discover_time
    path_map = {display_path(f, options.base): f for unit in units for f in unit.files}
    return RunResult(units=results, mode=options.mode), path_map


# ---- running many units: one path for -j1 and -jN ------------------------------------------------

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


def _child(conn, unit: Unit, options: Options, rules: RuleTable | None, parent: int) -> None:  # pragma: no cover
    worker_init(parent)  # (runs in a child process)
    conn.send(migrate_unit(unit, options, rules))
    conn.close()


def _run_isolated(unit: Unit, options: Options, rules: RuleTable | None) -> UnitResult:
    """Run one unit in a process of its own, to tell a crashing unit from its neighbours."""
    import multiprocessing

    ctx = multiprocessing.get_context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, unit, options, rules, os.getpid()), daemon=True)
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


def _scan(units: list[Unit], options: Options, rules, finish: Callable[[int, UnitResult], None], cache=None):
    """Read each unit here and yield ``(index, files, times)`` of the ones with a file to parse;
    a unit with none (no v3 anywhere in it) is finished on the spot, without a worker, and so is a
    unit the result ``cache`` holds."""
    for index, unit in enumerate(units):
        times = PhaseTimes()
        preread = None
        if cache is not None:
            hit = cache.lookup(unit, times)
            if hit is not None:
                finish(index, hit)
                continue
            preread = cache.preread(unit)
        try:
            with recording() as inputs:
                files = read_unit(unit, options, times, preread=preread)
        except Exception:  # a selection that fails is retried (and reported) by the unit's own run
            yield index, None, times
            continue
        if cache is not None:
            cache.note_inputs(unit, inputs)
        if has_work(files):
            yield index, files, times
        else:
            finish(index, _timed(migrate_unit(unit, options, rules, files), times))


def _warm_adapters(queue) -> None:
    """Forked workers inherit what this process has imported and built: the adapters the queued units
    need warm up here, once, instead of in every worker (libcst alone is ~0.1 s of imports)."""
    import multiprocessing

    if multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return
    languages = {f.language for _index, files, _times in queue if files for f in files if f.keep}
    for language in sorted(languages):
        adapter = get_adapter(language)
        if adapter is not None:
            try:
                adapter.warm()
            except Exception:  # (the workers meet it again and report it)
                pass


def _timed(result: UnitResult, times: PhaseTimes) -> UnitResult:
    result.times.add(times)
    return result


def run_units(
    units: list[Unit], options: Options, jobs: int, on_result: Callable[[int, UnitResult], None] | None = None,
    rules: RuleTable | None = None, cache=None,
) -> list[UnitResult]:
    """Migrate every unit; ``on_result(index, result)`` runs in this process as each one finishes.

    Units are read (and their files selected) here; only units with a file to parse go to the
    process pool, and no pool is started when at most one unit has one. ``rules`` defaults to the
    rule table in rules/. ``cache`` (a :class:`rbmigrate.resultcache.ResultCache`, used only with the
    default rule table) gives the results of unchanged units and keeps the new ones.
    """
    results: list[UnitResult | None] = [None] * len(units)
    if rules is not None and rules is not default_table():
        cache = None  # the cache key knows the rule table on disk only

    def finish(index: int, result: UnitResult) -> None:
        if cache is not None:
            cache.store(units[index], result)  # first: writing it changes the result
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    rules = rules or default_table()  # load once here; forked workers inherit the default one
    sent = None if rules is default_table() else rules  # what a worker is given: only a table of its own
    scan = _scan(units, options, rules, finish, cache)
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
            finish(index, _run_isolated(units[index], options, sent))
            continue
        _warm_adapters(queue)
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(queue)), initializer=worker_init, initargs=(os.getpid(),))
        inflight: dict = {}
        broken = False
        try:
            while (fill(1) or inflight) and not broken:
                while len(inflight) < 2 * jobs and fill(1):  # one waiting per worker: no idle worker while this scans
                    index, files, times = queue.popleft()
                    try:
                        inflight[pool.submit(migrate_unit, units[index], options, sent, files)] = (index, times)
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
                        root = display_path(units[index].root, options.base)
                        result = UnitResult(root=root, kind=units[index].kind,
                                            errors=[internal_error(root, exc, "receiving the result")])
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

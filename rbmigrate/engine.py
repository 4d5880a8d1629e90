"""The one pipeline: discover → prefilter → parse → plan → apply → validate → write.

``migrate_unit`` is pure computation (no writes) so units can run in worker
processes; ``write_results`` performs the atomic writes in the parent.
"""

from __future__ import annotations

import json
import os
import stat
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import edits as edit_ops
from .discover import Unit, discover, is_generated
from .lang.base import FileContext, ParseError, UnitContext, get_adapter, language_of
from .model import FileError, FileResult, PhaseTimes, RunResult, UnitResult
from .residue import check as residue_check
from .ruletable import RuleTable, default_table


@dataclass
class Options:
    mode: str = "apply"  # apply | diff | check | scan
    jobs: int = 1
    base: Path | None = None  # paths in reports are shown relative to this
    extra: dict = field(default_factory=dict)  # "residue": False turns RB920 off; "disable_rules": test-only


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
              rules: RuleTable | None = None) -> list[UnitFile]:
    """Read every file of a unit and let each adapter select the ones to parse (its prefilter);
    the residue pass keeps the bytes of the others that can hold a v3 spelling."""
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
            entry.data = path.read_bytes()
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
    try:
        _migrate_unit(unit, options, rules, result, times, files)
    except Exception as exc:  # a crash in one unit never stops the others
        result.errors.append(
            FileError(path=result.root, message=f"internal error: {exc!r}\n{traceback.format_exc()}", kind="internal")
        )
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
        disabled = frozenset(options.extra.get("disable_rules", ()))
        dropped = [_plan_file(adapter, fctx, data, tree, fres, times, disabled) for fctx, data, tree, fres in items]
        if any(dropped):
            continue
        t0 = time.perf_counter()
        result.errors.extend(adapter.validate_unit([item[3] for item in items] + failed.get(language, []), uctx))
        times.validate += time.perf_counter() - t0
    result.actions.extend(uctx.actions)
    if residue_check.enabled(options):  # nothing v3 left silently (RB920)
        residue_check.check_unit(files, result, rules)


def _plan_file(adapter, fctx: FileContext, data: bytes, tree, fres: FileResult, times: PhaseTimes,
               disabled: frozenset = frozenset()) -> bool:
    """Plan, apply and validate one file; True when edits of ``disabled`` rules were dropped."""
    t0 = time.perf_counter()
    try:
        planned, findings = adapter.plan(tree, data, fctx)
        planned = edit_ops.drop_noops(data, planned)
        kept = [e for e in planned if e.rule_id not in disabled] if disabled else planned
        dropped, planned = len(kept) != len(planned), kept
        fres.findings = findings
        fres.edits = edit_ops.normalize(planned)
        after = edit_ops.apply_edits(data, fres.edits) if fres.edits else data
    except ParseError as exc:
        fres.error = exc.to_file_error()
        fres.error.path = fctx.display
        return False
    except Exception as exc:
        fres.error = FileError(path=fctx.display, message=f"internal error while planning: {exc!r}", kind="internal")
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


def write_results(run: RunResult, base_for: dict[str, Path]) -> None:
    """Write every changed file atomically, unit by unit (see :func:`write_unit`)."""
    for unit in run.units:
        write_unit(unit, base_for)


def write_unit(unit: UnitResult, base_for: dict[str, Path]) -> None:
    """Write a unit's changed files atomically, all or none where it can be known up front.

    Nothing is written when the unit has an error, or when any file it would
    touch is read-only (by its mode bits, even for root) or changed on disk
    since it was read; those files get the error. Each write replaces the file
    by rename, so every file is always either its old or its new content.
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
                fres.error = FileError(path=fres.path, message="file is read-only; nothing in this unit was written", kind="io")
            elif target.read_bytes() != fres.before:
                fres.error = FileError(
                    path=fres.path, message="changed on disk since it was read; nothing in this unit was written", kind="io"
                )
        except OSError as exc:
            fres.error = FileError(path=fres.path, message=f"cannot write: {exc.strerror or exc}", kind="io")
    if unit.all_errors:
        return
    from .textio import atomic_write

    for fres in changed:
        try:
            atomic_write(base_for[fres.path], fres.after, fres.mode)
            fres.written = True
        except OSError as exc:
            fres.error = FileError(path=fres.path, message=f"cannot write: {exc.strerror or exc}", kind="io")
    if not unit.all_errors:
        from .actions import perform

        for action in unit.actions:
            if action.done:
                continue
            try:
                perform(action)
                action.done = True
            except Exception as exc:
                action.error = str(exc) or repr(exc)
                unit.errors.append(FileError(path=action.path, message=f"{action.description} failed: {action.error}", kind="action"))
    unit.times.write += time.perf_counter() - t0


def run(paths: list[Path], options: Options, rules: RuleTable | None = None) -> tuple[RunResult, dict[str, Path]]:
    """Discover and migrate; returns the result and a map from shown path to real path."""
    t0 = time.perf_counter()
    units = discover(paths)
    discover_time = time.perf_counter() - t0
    rules = rules or default_table()
    results: list[UnitResult | None] = [None] * len(units)
    work: dict[int, tuple[list[UnitFile], PhaseTimes]] = {}
    for index, unit in enumerate(units):  # read and select here: only units with work may go to the pool
        times = PhaseTimes()
        files = read_unit(unit, options, times)
        if has_work(files) and options.jobs > 1:
            work[index] = (files, times)
            continue
        results[index] = migrate_unit(unit, options, rules, files)
        results[index].times.add(times)
    if len(work) == 1:  # no pool for one unit
        (index, (files, times)), = work.items()
        results[index] = migrate_unit(units[index], options, rules, files)
        results[index].times.add(times)
    elif work:
        with ProcessPoolExecutor(max_workers=min(options.jobs, len(work))) as pool:
            futures = {index: pool.submit(migrate_unit, units[index], options) for index in work}
            for index, future in futures.items():
                try:
                    results[index] = future.result()
                except Exception as exc:  # the worker died: isolate the unit
                    unit = units[index]
                    results[index] = UnitResult(
                        root=display_path(unit.root, options.base),
                        kind=unit.kind,
                        errors=[FileError(path=str(unit.root), message=f"worker crashed: {exc!r}", kind="internal")],
                    )
    if results:
        results[0].times.discover += discover_time
    path_map = {display_path(f, options.base): f for unit in units for f in unit.files}
    return RunResult(units=results, mode=options.mode), path_map


def default_jobs() -> int:
    return os.cpu_count() or 1

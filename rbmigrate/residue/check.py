"""The pass: scan the planned output of a unit's files and report what is still v3 (RB920).

Covered, and so not reported, is a spelling on the line of a blocking finding
(error or warning) an adapter made for the file, or in the statement or item
that starts at it (after mapping the spelling back to the original, see
:mod:`.locate`): the adapter has already told the user what to do there (an
RB906 collision, an RB910 name in a v4 package, an RB001 binding tree, an RB903
template, …). Informational findings cover nothing: they say "prose, left as
it is" (RB904), and the pass does not read the prose of strings and comments,
only code (Rust raw strings and comment code spans included) and strings that
are a whole protocol name, such as ``importlib.import_module("wit_world.imports.host")``,
which an informational finding would otherwise wave through.

An edit never covers anything by itself: the pass reads the output, in which
every planned edit is already applied, so a spelling still there was either
never edited or written (or carried along, as in a moved body) by an edit. Both
are what the pass exists to report.
"""

from __future__ import annotations

import os
import time
from pathlib import PurePath

from ..model import FileResult, Finding, Severity, UnitResult
from ..ruletable import RuleTable
from ..textio import line_col
from . import RULE_ID, scan_text
from .gate import gates_for, scan_kind
from .hits import Hits
from .locate import OutputMap, covered_lines
from .rust import RustScanner
from .spellings import describe, manual_step, spellings_for

ENV_SWITCH = "RBMIGRATE_RESIDUE"  # "0" turns the pass off (for measuring what it costs)


def enabled(options=None) -> bool:
    if options is not None and not getattr(options, "residue", True):
        return False
    return os.environ.get(ENV_SWITCH, "1") not in ("0", "off", "no", "false")


def wants(path: PurePath) -> bool:
    """Is a file with no adapter read for the pass? (By name, no I/O.)"""
    return scan_kind(path) is not None


def gate(path: PurePath, data: bytes, rules: RuleTable) -> bool:
    """Can these bytes hold a v3 spelling? (The one cheap check every file of a run goes through.)"""
    return gates_for(spellings_for(rules))(scan_kind(path), data)


def check_unit(files, result: UnitResult, rules: RuleTable) -> None:
    """Append RB920 findings to ``result`` for the unit's ``files`` (the engine's ``UnitFile`` list)."""
    t0 = time.perf_counter()
    s = spellings_for(rules)
    gates = gates_for(s)
    by_path = {f.path: f for f in result.files}
    todo = []
    for entry in files:
        if entry.error is not None or entry.skipped is not None:
            continue
        kind = scan_kind(entry.path)
        if kind is None:
            continue
        fres = by_path.get(entry.shown)
        if fres is not None:
            if fres.error is not None:
                continue
            data = fres.after if fres.after is not None else fres.before
            if not gates(kind, data):
                continue
        elif getattr(entry, "residue", False):
            data = entry.data
            from ..discover import is_generated

            if is_generated(data[:2048]):
                continue
        else:
            continue
        todo.append((entry, fres, kind, data))
    if not todo:
        result.times.residue += time.perf_counter() - t0
        return
    protocol_folders = _protocol_folders(files, by_path)
    severity = Severity(rules.get(RULE_ID).severity) if RULE_ID in rules else Severity.ERROR
    scanned = []
    crate: list = []  # Rust scanners: names a crate defines itself are known once all its files are read
    own: dict = {}  # crate root -> the workspace's own struct fields
    for entry, fres, kind, data in todo:
        text = data.decode("utf-8", "surrogateescape")
        if kind == "rust":
            bom = 1 if text.startswith("\ufeff") else 0
            scanner = RustScanner(s, text[bom:])
            if any(name in text for name in s.fields):
                scanner.own_fields = _own_fields(entry.path, rules, own)
            hits = scanner.scan(Hits(bom), defer=True)
            crate.append(scanner)
        else:
            hits = scan_text(kind, text, s, protocol_folders.get(entry.path.parent) if kind == "wit" else None)
        scanned.append((entry, fres, kind, data, text, hits))
    if crate:
        free = set().union(*(sc.local_free for sc in crate))
        methods = set().union(*(sc.local_methods for sc in crate))
        for scanner in crate:
            scanner.finish(free, methods)
    for entry, fres, kind, data, text, hits in scanned:
        found = hits
        if not found.by_start:
            continue
        if fres is None:
            fres = FileResult(path=entry.shown, language=entry.language or kind, before=data, mode=entry.mode or None)
            result.files.append(fres)
        _report(fres, kind, data, text, found, rules, severity)
    result.times.residue += time.perf_counter() - t0


def _report(fres: FileResult, kind: str, data: bytes, text: str, found: list, rules: RuleTable,
            severity: Severity) -> None:
    before = fres.before
    mapping = OutputMap(before, data, fres.edits) if fres.after is not None and fres.after is data else None
    covered = covered_lines(before, kind, [f for f in fres.findings if f.severity.blocking])
    ascii_only = len(text) == len(data)

    def original_line_col(start: int) -> tuple[int, int]:
        offset = start if ascii_only else len(text[:start].encode("utf-8", "surrogateescape"))
        return line_col(before, mapping.to_before(offset) if mapping is not None else offset)

    def kept_for_covered_use(hit) -> bool:  # an import left for a use a blocking finding reports
        return any(original_line_col(use)[0] in covered for name in hit.binds for use in uses.get(name, ()))

    uses = found.uses if isinstance(found, Hits) else {}
    seen = set()
    for hit in (found.sorted() if isinstance(found, Hits) else found):
        line, col = original_line_col(hit.start)
        if line in covered or (line, col, hit.shown) in seen or (hit.binds and kept_for_covered_use(hit)):
            continue
        seen.add((line, col, hit.shown))
        fres.findings.append(Finding(
            path=fres.path, line=line, col=col, rule_id=RULE_ID, severity=severity,
            message=describe(hit.name, rules, hit.shown), manual_step=manual_step(hit.name, rules),
        ))


def _own_fields(path, rules: RuleTable, cache: dict) -> frozenset[str]:
    """Struct fields the workspace's protocol crates declare themselves (see ``workspace.own_fields``)."""
    folder = path.parent
    while not (folder / "Cargo.toml").is_file():
        if folder.parent == folder:
            return frozenset()
        folder = folder.parent
    if folder not in cache:
        from ..lang.rust.vocab import protocol_names, vocab
        from ..lang.rust.workspace import own_fields

        cache[folder] = own_fields(folder, protocol_names(vocab(rules)))
    return cache[folder]


def _protocol_folders(files, by_path: dict) -> dict:
    """Folders whose WIT package is ``rapidbyte:connector`` (for files that declare no package)."""
    from .wit import declares_protocol

    folders: dict = {}
    for entry in files:
        if scan_kind(entry.path) != "wit":
            continue
        fres = by_path.get(entry.shown)
        data = fres.before if fres is not None else entry.data
        if b"rapidbyte:connector" in data and declares_protocol(data):
            folders[entry.path.parent] = True
    return folders

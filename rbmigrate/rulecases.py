"""`rbmigrate rules test`: every rule's before/after cases, kept beside the rules.

Layout, under ``rules/cases/<RULE_ID>/``:

- a file case ``<name>.<ext>`` with its snapshot ``<name>.<ext>.after`` (the
  expected output) and, optionally, ``<name>.<ext>.findings`` (one line per
  finding: ``line:col RULE severity message``) and ``<name>.manifest.json``
  (placed as ``manifest.json`` beside the file);
- a folder case ``<name>/``: a whole unit; each file that changes has a
  ``<file>.after`` snapshot beside it, findings go to ``<name>/.findings``.

A case passes when the pipeline's output equals the snapshots, the rule it is
filed under actually fired (an edit or a finding with that id), and a second
run on the output changes nothing. ``--update`` rewrites the snapshots.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .resources import rules_dir

SNAPSHOT = ".after"
FINDINGS = ".findings"
MANIFEST = ".manifest.json"


@dataclass
class CaseOutcome:
    rule_id: str
    name: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    updated: bool = False


def case_root() -> Path:
    return rules_dir() / "cases"


def iter_cases(root: Path | None = None, rule_ids: set[str] | None = None):
    """(rule id, case name, path) for every case, sorted."""
    root = root or case_root()
    if not root.is_dir():
        return
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if rule_ids and rule_dir.name not in rule_ids:
            continue
        for entry in sorted(rule_dir.iterdir()):
            name = entry.name
            if entry.is_dir():
                yield rule_dir.name, name, entry
            elif not name.endswith((SNAPSHOT, FINDINGS, MANIFEST)) and not name.startswith("."):
                yield rule_dir.name, name, entry


def _materialise(case: Path, work: Path) -> dict[Path, Path]:
    """Copy a case into ``work``; returns {work file: snapshot path}."""
    snapshots: dict[Path, Path] = {}
    if case.is_dir():
        unit = work / case.name
        for src in sorted(case.rglob("*")):
            if src.is_dir() or src.name.endswith(SNAPSHOT) or src.name == FINDINGS:
                continue
            dst = unit / src.relative_to(case)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            snapshots[dst] = src.with_name(src.name + SNAPSHOT)
    else:
        unit = work / "unit"
        unit.mkdir()
        dst = unit / case.name
        shutil.copy2(case, dst)
        snapshots[dst] = case.with_name(case.name + SNAPSHOT)
        manifest = case.with_name(case.name.split(".")[0] + MANIFEST)
        if manifest.is_file():
            shutil.copy2(manifest, unit / "manifest.json")
    return snapshots


def _findings_snapshot(case: Path) -> Path:
    return case / FINDINGS if case.is_dir() else case.with_name(case.name + FINDINGS)


def _render_findings(run) -> str:
    lines = []
    for f in sorted(run.findings, key=lambda f: (f.path, f.line, f.col, f.rule_id)):
        where = Path(f.path).name
        lines.append(f"{where}:{f.line}:{f.col} {f.rule_id} {f.severity.value} {f.message}")
    return "".join(line + "\n" for line in lines)


def _diff(label: str, expected: str, actual: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), f"{label} (snapshot)", f"{label} (actual)"
        )
    )


def run_case(rule_id: str, case: Path, update: bool = False) -> CaseOutcome:
    """Run one case. Cases of an unsafe rule run with ``--unsafe-fixes`` (their snapshot shows the fix)."""
    from .engine import Options, run
    from .ruletable import default_table

    from .lang.python.typecheck import RULE as TYPECHECK_RULE

    table = default_table()
    unsafe = rule_id in table and table.get(rule_id).applicability == "unsafe"
    typecheck = rule_id == TYPECHECK_RULE  # the type check's own cases run with `--typecheck`

    outcome = CaseOutcome(rule_id=rule_id, name=case.name, ok=True)
    with tempfile.TemporaryDirectory(prefix="rbmigrate-case-") as tmp:
        work = Path(tmp)
        snapshots = _materialise(case, work)
        result, path_map = run([work], Options(mode="diff", base=work, unsafe_fixes=unsafe, typecheck=typecheck))
        by_real = {path_map[f.path]: f for f in result.files if f.path in path_map}
        fired = {e.rule_id for f in result.files for e in f.edits} | {x.rule_id for x in result.findings}
        for err in result.errors:
            outcome.problems.append(f"error: {err.location()}: {err.message}")
        if rule_id not in fired and not result.errors:
            outcome.problems.append(f"rule {rule_id} did not fire (fired: {', '.join(sorted(fired)) or 'nothing'})")
        for work_file, snapshot in snapshots.items():
            fres = by_real.get(work_file)
            actual = fres.after if fres is not None and fres.changed else work_file.read_bytes()
            if update:
                if actual != work_file.read_bytes() or snapshot.exists():
                    snapshot.write_bytes(actual)
                    outcome.updated = True
                continue
            if not snapshot.exists():
                if actual != work_file.read_bytes():
                    outcome.problems.append(f"missing snapshot {snapshot.name} (run `rbmigrate rules test --update`)")
                continue
            expected = snapshot.read_bytes()
            if expected != actual:
                outcome.problems.append(
                    _diff(work_file.name, expected.decode("utf-8", "replace"), actual.decode("utf-8", "replace"))
                )
        findings_text = _render_findings(result)
        fsnap = _findings_snapshot(case)
        if update:
            if findings_text or fsnap.exists():
                fsnap.write_text(findings_text, encoding="utf-8")
                outcome.updated = True
        elif (fsnap.read_text(encoding="utf-8") if fsnap.exists() else "") != findings_text:
            expected = fsnap.read_text(encoding="utf-8") if fsnap.exists() else ""
            outcome.problems.append(_diff(fsnap.name, expected, findings_text))
        # idempotency: migrate the output again; nothing may change
        if not update and not result.errors:
            for work_file, fres in by_real.items():
                if fres.changed:
                    work_file.write_bytes(fres.after)
            again, _ = run([work], Options(mode="diff", base=work, unsafe_fixes=unsafe, typecheck=typecheck))
            for f in again.files:
                if f.changed:
                    outcome.problems.append(f"not idempotent: a second run changes {Path(f.path).name}")
    outcome.ok = not outcome.problems
    return outcome

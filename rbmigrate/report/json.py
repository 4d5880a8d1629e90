"""``--format json``: the result model as a versioned JSON document (``docs/json-schema.json``).

Bump :data:`SCHEMA_VERSION` on any incompatible change (a removed or renamed
field, a changed meaning); adding optional fields keeps the version.
"""

from __future__ import annotations

import json

from .. import __version__
from ..model import RESIDUE_RULE_ID, Action, Edit, FileError, FileResult, Finding, RunResult, UnitResult
from ..textio import line_col

SCHEMA_VERSION = 1


def _pick(obj: object, *names: str) -> dict:
    """The named attributes of a result object, in this order (the document's key order)."""
    return {name: getattr(obj, name) for name in names}


def _edit(fres: FileResult, edit: Edit) -> dict:
    line, col = line_col(fres.before, edit.start)
    end_line, end_col = line_col(fres.before, edit.end)
    return {
        **_pick(edit, "rule_id", "start", "end"),
        "line": line,
        "col": col,
        "end_line": end_line,
        "end_col": end_col,
        "original": fres.before[edit.start : edit.end].decode("utf-8", errors="replace"),
        "replacement": edit.replacement,
        "applicability": edit.applicability,
    }


def _finding(finding: Finding) -> dict:
    return {
        **_pick(finding, "path", "line", "col", "rule_id"),
        "severity": finding.severity.value,
        **_pick(finding, "message", "manual_step"),
        **({"suggestion": finding.suggestion} if finding.suggestion else {}),
        **({"end_line": finding.end_line, "end_col": finding.end_col} if finding.end_line else {}),
    }


def _error(error: FileError) -> dict:
    out = _pick(error, "path", "line", "col", "kind", "message")
    if error.traceback:  # an unexpected exception: the text report shows it only with --debug
        out["traceback"] = error.traceback
    return out


def _action(action: Action) -> dict:
    return _pick(action, "kind", "path", "rule_id", "description", "done", "error")


def _file(fres: FileResult) -> dict:
    return {
        **_pick(fres, "path", "language", "changed", "written"),
        "edits": [_edit(fres, e) for e in fres.edits],
        "findings": [_finding(f) for f in fres.findings],
        "error": _error(fres.error) if fres.error else None,
    }


def _unit(unit: UnitResult) -> dict:
    findings = unit.findings
    changed = unit.changed_files
    return {
        "root": unit.root,
        "kind": unit.kind,
        "status": unit.status,
        "verify": unit.verify,
        "summary": {
            "files": len(unit.files),
            "files_changed": len(changed),
            "files_written": sum(1 for f in unit.files if f.written),
            "edits": sum(len(f.edits) for f in changed),
            "findings": len(findings),
            "blocking_findings": sum(1 for f in findings if f.severity.blocking),
            "v3_spellings_left": sum(1 for f in findings if f.rule_id == RESIDUE_RULE_ID),
            "errors": len(unit.all_errors),
        },
        "files": [_file(f) for f in unit.files],
        "errors": [_error(e) for e in unit.errors],
        "actions": [_action(a) for a in unit.actions],
        "skipped": [{"path": p, "reason": r} for p, r in unit.skipped],
        "times": {name: round(getattr(unit.times, name), 6) for name in unit.times.__slots__},
    }


def to_document(run: RunResult) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "rbmigrate", "version": __version__},
        "mode": run.mode,
        "summary": run.summary(),
        "units": [_unit(u) for u in run.units],
        "skipped": [{"path": p, "reason": r} for p, r in run.skipped],
    }


def render(run: RunResult) -> str:
    return json.dumps(to_document(run), indent=2, ensure_ascii=False) + "\n"

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


def _edit(fres: FileResult, edit: Edit) -> dict:
    line, col = line_col(fres.before, edit.start)
    end_line, end_col = line_col(fres.before, edit.end)
    return {
        "rule_id": edit.rule_id,
        "start": edit.start,
        "end": edit.end,
        "line": line,
        "col": col,
        "end_line": end_line,
        "end_col": end_col,
        "original": fres.before[edit.start : edit.end].decode("utf-8", errors="replace"),
        "replacement": edit.replacement,
    }


def _finding(finding: Finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "col": finding.col,
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "message": finding.message,
        "manual_step": finding.manual_step,
    }


def _error(error: FileError) -> dict:
    return {"path": error.path, "line": error.line, "col": error.col, "kind": error.kind, "message": error.message}


def _action(action: Action) -> dict:
    return {
        "kind": action.kind,
        "path": action.path,
        "rule_id": action.rule_id,
        "description": action.description,
        "done": action.done,
        "error": action.error,
    }


def _file(fres: FileResult) -> dict:
    return {
        "path": fres.path,
        "language": fres.language,
        "changed": fres.changed,
        "written": fres.written,
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

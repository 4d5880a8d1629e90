"""``--format sarif``: the result model as a SARIF 2.1.0 log, for GitHub code scanning and other viewers.

One run. ``tool.driver.rules`` is the whole rule table (id, name, short and full
description, help from ``rbmigrate rules explain``, default level from the rule's
severity); results point at their rule by id and index. Results are:

- every finding, at its ``path:line:col``, level ``error`` / ``warning`` / ``note`` from its
  severity, the manual step after the message;
- under ``--check`` and ``scan``, every pending rewrite (level ``warning``) with its region
  and a SARIF ``fix`` (the replacement, by byte offset), so a viewer can show the change.

Errors (a file that does not parse, an unwritable file, a crashed unit) are tool execution
notifications of the run's invocation, which is then not successful. Paths are relative to
the directory rbmigrate ran in (``%SRCROOT%``); columns count Unicode code points.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..model import FileError, Finding, RunResult, Severity
from .pending import pending

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
BASE = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": BASE}


def _region(line: int, col: int, end_line: int = 0, end_col: int = 0) -> dict:
    region = {"startLine": max(line, 1), "startColumn": max(col, 1)}
    if end_line:
        region["endLine"] = end_line
        region["endColumn"] = max(end_col, 1)
    return region


def _location(path: str, region: dict | None) -> dict:
    physical = {"artifactLocation": _artifact(path)}
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _rules(table) -> tuple[list[dict], dict[str, int]]:
    from .rules import render_explain

    rules, index = [], {}
    for rule in table:
        level = _LEVEL[Severity(rule.severity)] if rule.is_finding else "warning"
        full = " ".join((rule.what or rule.title).split())
        rules.append({
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.title.replace("`", "")},
            "fullDescription": {"text": full},
            "help": {"text": " ".join(rule.why.split()), "markdown": render_explain(rule, table)},
            "defaultConfiguration": {"level": level},
            "properties": {"kind": rule.kind, "fix": rule.fix, "languages": list(rule.languages),
                           "tags": ["rbmigrate", "protocol-v4", rule.kind]},
        })
        index[rule.id] = len(rules) - 1
    return rules, index


def _finding(finding: Finding, index: dict[str, int]) -> dict:
    text = finding.message + (f"\nManual step: {finding.manual_step}" if finding.manual_step else "")
    result = {
        "ruleId": finding.rule_id,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding.path, _region(finding.line, finding.col, *(
            (finding.end_line, finding.end_col) if finding.end_line else ())))],
        "partialFingerprints": {"rbmigrateFinding/v1": _fingerprint(finding.path, finding.rule_id, finding.message)},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    return result


def _pending(run: RunResult, table, index: dict[str, int]) -> list[dict]:
    out = []
    for fres in sorted(run.files, key=lambda f: f.path):
        if not fres.changed:
            continue
        for edit in fres.edits:
            p = pending(fres, edit, table)
            original = fres.before[edit.start : edit.end].decode("utf-8", "replace")
            result = {
                "ruleId": edit.rule_id,
                "level": "warning",
                "message": {"text": p.message},
                "locations": [_location(fres.path, _region(p.line, p.col, p.end_line, p.end_col))],
                "partialFingerprints": {"rbmigrateEdit/v1": _fingerprint(fres.path, edit.rule_id, original, edit.replacement)},
                "fixes": [{
                    "description": {"text": f"{edit.rule_id}: {p.title}"},
                    "artifactChanges": [{
                        "artifactLocation": _artifact(fres.path),
                        "replacements": [{
                            "deletedRegion": {"byteOffset": edit.start, "byteLength": edit.end - edit.start},
                            "insertedContent": {"text": edit.replacement},
                        }],
                    }],
                }],
            }
            if edit.rule_id in index:
                result["ruleIndex"] = index[edit.rule_id]
            out.append(result)
    return out


def _notification(error: FileError) -> dict:
    note = {
        "level": "error",
        "message": {"text": f"{error.kind} error: {error.message.splitlines()[0] if error.message else error.kind}"},
        "descriptor": {"id": f"rbmigrate/{error.kind}"},
    }
    if error.path:
        note["locations"] = [_location(error.path, _region(error.line, error.col) if error.line else None)]
    return note


def to_document(run: RunResult) -> dict:
    from ..ruletable import default_table

    table = default_table()
    rules, index = _rules(table)
    findings = sorted(run.findings, key=lambda f: (f.path, f.line, f.col, f.rule_id, f.message))
    results = [_finding(f, index) for f in findings]
    if run.mode in ("check", "scan"):
        results += _pending(run, table, index)
    errors = run.errors
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rbmigrate",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [_notification(e) for e in errors],
            }],
            "originalUriBaseIds": {BASE: {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"mode": run.mode, "summary": run.summary()},
        }],
    }


def render(run: RunResult) -> str:
    return json.dumps(to_document(run), indent=2, ensure_ascii=False) + "\n"

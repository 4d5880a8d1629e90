"""Plain-text output: diffs, findings and a one-line summary (quiet by default)."""

from __future__ import annotations

from ..model import RunResult
from .diff import colorize, unified_diff


def render_diff(run: RunResult, color: bool = False) -> str:
    parts = [unified_diff(f.path, f.before, f.after) for f in run.files if f.changed]
    text = "".join(parts)
    return colorize(text) if color else text


def render_problems(run: RunResult, verbose: bool = False) -> str:
    """Errors and findings, one per line, ``path:line:col: CODE message`` like a compiler."""
    lines = []
    for err in run.errors:
        lines.append(f"{err.location()}: error: {err.message}")
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.col, f.rule_id)):
        if finding.severity.value == "info" and not verbose:
            continue
        step = f" (manual: {finding.manual_step})" if finding.manual_step and verbose else ""
        lines.append(f"{finding.location()}: {finding.rule_id} [{finding.severity.value}] {finding.message}{step}")
    if run.mode == "apply":
        for unit in run.units:
            pending = [f for f in unit.files if f.changed and not f.written]
            if pending and unit.all_errors:
                lines.append(f"{unit.root}: not written: the unit has errors ({_plural(len(pending), 'file')} left as they were)")
    if verbose:
        for path, reason in run.skipped:
            lines.append(f"{path}: skipped: {reason}")
        for unit in run.units:
            for path, reason in unit.skipped:
                lines.append(f"{path}: skipped: {reason}")
    return "".join(line + "\n" for line in lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_summary(run: RunResult) -> str:
    s = run.summary()
    mode = run.mode
    changed = s["files_changed"]
    if mode == "apply":
        written = s["files_written"]
        edits = sum(len(f.edits) for f in run.files if f.written)
        head = f"migrated {_plural(written, 'file')} ({_plural(edits, 'edit')})"
    elif mode == "scan":
        head = f"{_plural(changed, 'file')} with v3 usage ({_plural(s['edits'], 'rewrite')} pending)"
    else:
        head = f"{_plural(changed, 'file')} would be migrated ({_plural(s['edits'], 'edit')})"
    info = s["findings"] - s["blocking_findings"]
    left = s["v3_spellings_left"]
    tail = [
        _plural(s["blocking_findings"] - left, "finding") + " needing manual work",
    ]
    if left:
        tail.append(f"{left} v3 spelling{'' if left == 1 else 's'} left unmigrated")
    if info:
        tail.append(f"{info} informational")
    tail.append(_plural(s["errors"], "error"))
    return f"{head}; {', '.join(tail)}; {_plural(s['units'], 'unit')}, {_plural(s['files_scanned'], 'file')} parsed\n"

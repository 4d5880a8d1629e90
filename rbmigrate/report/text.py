"""Plain-text output: diffs, problems and a one-line summary (quiet by default).

One vocabulary: an *error* is a failure (the unit was not migrated; exit code 2). A *finding* is
a site that needs manual work; it keeps its severity, shown as ``[manual]`` (severity ``error``:
manual work is needed), ``[review]`` (``warning``: probably needs a look) or ``[info]``, with its
manual step on the same line. A batch (more than one unit) lists errors one by one but groups the
findings by rule, with counts; ``-v`` lists every finding, every action and the per-unit table.
"""

from __future__ import annotations

from collections import Counter

from ..model import NOT_WRITTEN, Action, FileError, Finding, RunResult, Severity
from .diff import colorize, unified_diff

# how findings are labelled in text: never "error", which is kept for failures
LABELS = {Severity.ERROR: "manual", Severity.WARNING: "review", Severity.INFO: "info"}
DEBUG_HINT = "this is a bug in rbmigrate; rerun with --debug for the traceback"


CHECK_LIST_MAX = 50  # `--check` lists the files it would migrate, up to this many in a batch


def render_diff(run: RunResult, color: bool = False) -> str:
    parts = [unified_diff(f.path, f.before, f.after) for f in run.files if f.changed]
    text = "".join(parts)
    return colorize(text) if color else text


def error_line(err: FileError, debug: bool = False) -> str:
    """``path:line:col: error: message``; an unexpected exception gets the --debug hint (or, with
    ``debug``, its traceback below)."""
    line = f"{err.location()}: error: {err.message}"
    if err.kind == "internal":
        if debug and err.traceback:
            return line + "\n" + "".join(f"    {t}\n" for t in err.traceback.rstrip("\n").splitlines()).rstrip("\n")
        line += f" ({DEBUG_HINT})"
    return line


def finding_line(finding: Finding) -> str:
    """One finding on one line: where, rule, ``[manual]``/``[review]``/``[info]``, message and manual step."""
    step = f" (manual step: {finding.manual_step})" if finding.manual_step else ""
    return f"{finding.location()}: {finding.rule_id} [{LABELS[finding.severity]}] {finding.message}{step}"


def action_line(action: Action, mode: str) -> str:
    """A unit-level change (e.g. regenerated ``wit_world/`` bindings), done or pending."""
    what = action.description
    if action.kind == "regenerate-bindings":
        what = f"from wit/v4 (world {action.params.get('world', '?')})"
        verb = "regenerated" if action.done else "not regenerated" if mode == "apply" else "would be regenerated"
        return f"{action.path}/: {action.rule_id} {verb} {what}"
    state = "done" if action.done else "not done" if mode == "apply" else "pending"
    return f"{action.path}: {action.rule_id} {state}: {what}"


def render_errors(run: RunResult, debug: bool = False) -> str:
    """Every error once, then a note for each unit whose pending changes were not written."""
    lines = [error_line(err, debug) for err in run.errors]
    if run.mode == "apply":
        for unit in run.units:
            pending = [f for f in unit.files if f.changed and not f.written]
            errors = unit.all_errors
            if pending and errors and not any(NOT_WRITTEN in e.message for e in errors):
                lines.append(f"{unit.root}: not written: the unit has errors ({_plural(len(pending), 'file')} left as they were)")
    return "".join(line + "\n" for line in lines)


def render_problems(run: RunResult, verbose: bool = False, debug: bool = False, batch: bool | None = None) -> str:
    """Errors, actions, findings (and with ``verbose`` what was skipped), for stderr.

    ``batch`` (default: more than one unit) groups findings by rule unless ``verbose``."""
    batch = len(run.units) > 1 if batch is None else batch
    lines = [render_errors(run, debug).rstrip("\n")] if run.errors else []
    actions = [a for u in run.units for a in u.actions if not a.error]
    if actions and (verbose or not batch):
        lines += [action_line(a, run.mode) for a in actions]
    elif actions:
        lines += _grouped_actions(actions, run.mode)
    findings = sorted(run.findings, key=lambda f: (f.path, f.line, f.col, f.rule_id))
    if not verbose:
        findings = [f for f in findings if f.severity.blocking]
    if findings and batch and not verbose:
        lines += _grouped_findings(findings)
    else:
        lines += [finding_line(f) for f in findings]
    pending = [f.path for f in run.files if f.changed] if run.mode == "check" else []
    if pending and (verbose or not batch or len(pending) <= CHECK_LIST_MAX):
        lines += [f"would migrate {path}" for path in pending]  # as `black --check` lists what it would reformat
    elif pending:
        lines.append(f"{len(pending)} files would be migrated (-v lists them)")
    if verbose:
        regenerated = {a.path for a in actions}
        for path, reason in run.skipped:
            if path not in regenerated:
                lines.append(f"{path}: skipped: {reason}")
        for unit in run.units:
            for path, reason in unit.skipped:
                if path not in regenerated:
                    lines.append(f"{path}: skipped: {reason}")
    return "".join(line + "\n" for line in lines)


def _grouped_findings(findings: list[Finding]) -> list[str]:
    from ..ruletable import default_table

    table = default_table()
    counts = Counter((f.rule_id, f.severity) for f in findings)
    units = {key: len({f.path for f in findings if (f.rule_id, f.severity) == key}) for key in counts}
    out = ["findings that need manual work, by rule (-v lists each with its manual step; "
           "`rbmigrate rules explain RBxxx` tells how to do it):"]
    width = len(str(max(counts.values())))
    for (rule_id, severity), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][0])):
        title = table.get(rule_id).title if rule_id in table else ""
        out.append(f"  {n:>{width}}  {rule_id} [{LABELS[severity]}] {title} ({_plural(units[(rule_id, severity)], 'file')})")
    return out


def _grouped_actions(actions: list[Action], mode: str) -> list[str]:
    counts = Counter((a.kind, a.rule_id, a.done) for a in actions)
    out = []
    for (kind, rule_id, done), n in sorted(counts.items()):
        if kind == "regenerate-bindings":
            verb = "regenerated" if done else "not regenerated" if mode == "apply" else "would be regenerated"
            out.append(f"{rule_id}: {_plural(n, 'checked-in wit_world/ binding tree')} {verb} from wit/v4 (-v lists them)")
        else:
            out.append(f"{rule_id}: {_plural(n, kind + ' action')} {'done' if done else 'pending'} (-v lists them)")
    return out


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
    actions = [a for u in run.units for a in u.actions if a.kind == "regenerate-bindings"]
    if actions:
        done = sum(1 for a in actions if a.done)
        if mode == "apply":
            head += f", regenerated {_plural(done, 'binding tree')}"
        else:
            head += f", {_plural(len(actions), 'binding tree')} to regenerate"
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

"""``--format markdown``: a pull-request comment.

A headline, a summary table with one row per connector unit, the findings and
errors, and one collapsible ``<details>`` diff per changed file. The comment
stays under GitHub's size limit: once the budget is spent, further diffs are
listed without their body (``--patch`` has them all).
"""

from __future__ import annotations

import html
import re

from ..model import RunResult, UnitResult
from .diff import unified_diff
from .text import LABELS

BUDGET = 60_000  # characters; GitHub rejects comments over 65 536

_HEADLINE = {
    "apply": "rbmigrate migrated {files} ({edits})",
    "diff": "rbmigrate would migrate {files} ({edits})",
    "check": "rbmigrate would migrate {files} ({edits})",
    "scan": "rbmigrate found v3 usage in {files} ({edits})",
}
_STATUS = {"error": "error", "migrated": "migrated", "pending": "changes pending", "clean": "nothing to do"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def inline(text: str) -> str:
    """Text safe as inline markdown (HTML and emphasis characters escaped)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def code(text: str) -> str:
    """An inline code span that survives backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced(body: str, lang: str) -> str:
    # a line of 3+ backticks indented by up to 3 spaces would close the fence (diff context lines start with a space)
    longest = max((len(m) for m in re.findall(r"^ {0,3}(`{3,})", body, flags=re.M)), default=0)
    fence = "`" * max(3, longest + 1)
    if not body.endswith("\n"):
        body += "\n"
    return f"{fence}{lang}\n{body}{fence}\n"


def _verify(unit: UnitResult) -> str:
    return unit.verify or "not run"


def _unit_table(run: RunResult) -> list[str]:
    show_verify = any(u.verify for u in run.units)
    head = "| Unit | Kind | Status | Files changed | Edits | Findings | Errors |"
    rule = "|---|---|---|---:|---:|---:|---:|"
    if show_verify:
        head += " Verify |"
        rule += "---|"
    out = [head, rule]
    for unit in run.units:
        changed = unit.changed_files
        findings = unit.findings
        blocking = sum(1 for f in findings if f.severity.blocking)
        found = f"{blocking}" + (f" (+{len(findings) - blocking} info)" if len(findings) > blocking else "")
        row = (
            f"| {code(unit.root)} | {cell(unit.kind)} | {_STATUS[unit.status]} | {len(changed)} "
            f"| {sum(len(f.edits) for f in changed)} | {found} | {len(unit.all_errors)} |"
        )
        if show_verify:
            row += f" {cell(_verify(unit))} |"
        out.append(row)
    return out


def render(run: RunResult, budget: int = BUDGET) -> str:
    s = run.summary()
    files = _plural(s["files_written"] if run.mode == "apply" else s["files_changed"], "file")
    edits = _plural(s["edits"], "edit")
    out = [f"## {_HEADLINE[run.mode].format(files=files, edits=edits)}", ""]
    info = s["findings"] - s["blocking_findings"]
    left = s["v3_spellings_left"]
    tally = [f"**{_plural(s['units'], 'unit')}**",
             f"**{_plural(s['blocking_findings'] - left, 'finding')}** needing manual work"]
    if left:
        tally.append(f"**{left} v3 spelling{'' if left == 1 else 's'}** left unmigrated")
    if info:
        tally.append(f"{info} informational")
    tally.append(f"**{_plural(s['errors'], 'error')}**")
    out += [" · ".join(tally), ""]
    if run.units:
        out += _unit_table(run) + [""]

    errors = run.errors
    if errors:
        out += ["### Errors", ""]
        for err in errors:
            out.append(f"- {code(err.location())} ({cell(err.kind)}): {inline(err.message.splitlines()[0] if err.message else '')}")
        out.append("")

    rank = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(run.findings, key=lambda f: (rank[f.severity.value], f.path, f.line, f.col, f.rule_id))
    if findings:
        out += ["### Findings", "", "| Severity | Rule | Location | Message | Manual step |", "|---|---|---|---|---|"]
        for f in findings:
            out.append(
                f"| {LABELS[f.severity]} | {f.rule_id} | {code(f.location())} | {cell(f.message)} | {cell(f.manual_step) or '—'} |"
            )
        out.append("")

    actions = [a for u in run.units for a in u.actions]
    if actions:
        out += ["### Other changes", ""]
        for a in actions:
            state = " (done)" if a.done else f" (failed: {inline(a.error)})" if a.error else ""
            out.append(f"- {a.rule_id} {code(a.path)}: {inline(a.description)}{state}")
        out.append("")

    changed = sorted((f for f in run.files if f.changed), key=lambda f: f.path)
    if changed:
        out += ["### Changes", ""]
        used = sum(len(line) + 1 for line in out)
        omitted = []
        for fres in changed:
            rules = ", ".join(sorted({e.rule_id for e in fres.edits}))
            summary = f"<summary><code>{html.escape(fres.path)}</code> — {_plural(len(fres.edits), 'edit')} ({rules})</summary>"
            body = _fenced(unified_diff(fres.path, fres.before, fres.after), "diff")
            block = ["<details>", summary, "", body, "</details>", ""]
            size = sum(len(line) + 1 for line in block)
            if used + size > budget:
                omitted.append(fres.path)
                continue
            used += size
            out += block
        if omitted:
            out += [
                f"{_plural(len(omitted), 'more diff')} left out to fit the comment (use `--patch`): "
                + ", ".join(code(p) for p in omitted),
                "",
            ]
    return "\n".join(out).rstrip("\n") + "\n"

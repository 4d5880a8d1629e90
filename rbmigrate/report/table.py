"""The closing summary table of a batch: one row per unit.

Plain aligned text, the same in CI logs and on a terminal (where the status
is coloured), so it can be read and grepped alike.
"""

from __future__ import annotations

from ..model import RunResult, UnitResult

HEADERS = ("Unit", "Kind", "Status", "Changed", "Edits", "Findings", "Errors", "Verify", "Problem")
_RIGHT = {3, 4, 5, 6}


def _problem(unit: UnitResult, width: int = 70) -> str:
    errors = unit.all_errors
    if not errors:
        return ""
    first = errors[0]
    text = (first.message.splitlines() or [""])[0]
    where = first.location()
    if where != unit.root:
        text = f"{where}: {text}"
    if len(errors) > 1:
        text += f" (+{len(errors) - 1} more)"
    return text if len(text) <= width else text[: width - 1] + "…"


def rows(run: RunResult) -> list[tuple[str, ...]]:
    out = []
    for unit in run.units:
        changed = unit.changed_files
        shown_changed = sum(1 for f in unit.files if f.written) if run.mode == "apply" else len(changed)
        out.append(
            (
                unit.root,
                unit.kind,
                unit.status,
                str(shown_changed),
                str(sum(len(f.edits) for f in changed)),
                str(sum(1 for f in unit.findings if f.severity.blocking)),
                str(len(unit.all_errors)),
                unit.verify or "-",
                _problem(unit),
            )
        )
    return out


_COLORS = {"error": "\x1b[1;31m", "migrated": "\x1b[32m", "pending": "\x1b[33m", "clean": "\x1b[2m"}


def render_plain(run: RunResult, color: bool = False) -> str:
    body = rows(run)
    if not body:
        return ""
    table = [HEADERS, *body]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = []
    for n, row in enumerate(table):
        cells = [row[i].rjust(widths[i]) if i in _RIGHT else row[i].ljust(widths[i]) for i in range(len(row))]
        if color and n > 0 and row[2] in _COLORS:
            cells[2] = f"{_COLORS[row[2]]}{cells[2]}\x1b[0m"
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths).rstrip())
    return "\n".join(lines) + "\n"

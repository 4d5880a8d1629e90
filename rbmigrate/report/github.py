"""``--format github``: GitHub Actions workflow commands that annotate the pull request.

``::error file=F,line=L,col=C,title=RB901::message``: errors and blocking
findings as ``error``, warnings as ``warning``, informational findings as
``notice``. Under ``--check`` and ``scan`` every pending rewrite is a
``warning`` titled with its rule id, so reviewers see what ``apply`` would change. A unit-level action
(regenerated ``wit_world/`` bindings) is a ``notice``.
"""

from __future__ import annotations

from ..model import RunResult, Severity
from .pending import pending

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props) -> str:
    names = {"end_line": "endLine", "end_col": "endColumn"}
    fields = ",".join(
        f"{names.get(key, key)}={escape_property(str(value))}" for key, value in props.items() if value not in (None, "", 0)
    )
    return f"::{level} {fields}::{escape_data(message)}" if fields else f"::{level}::{escape_data(message)}"


def render(run: RunResult) -> str:
    from ..ruletable import default_table

    lines = []
    for err in run.errors:
        lines.append(command("error", err.message, file=err.path, line=err.line, col=err.col, title=f"rbmigrate {err.kind} error"))
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.col, f.rule_id)):
        message = finding.message + (f"\nManual step: {finding.manual_step}" if finding.manual_step else "")
        lines.append(
            command(_LEVEL[finding.severity], message, file=finding.path, line=finding.line, col=finding.col, title=finding.rule_id)
        )
    for unit in run.units:  # unit-level changes (regenerated bindings): a notice each, done or pending
        for action in unit.actions:
            if action.error:
                continue  # reported as an error above
            state = "done" if action.done else "not done (the unit has errors)" if run.mode == "apply" else "pending"
            lines.append(command("notice", f"{action.path}: {action.description} ({state})", title=action.rule_id))
    if run.mode in ("check", "scan"):
        table = default_table()
        for fres in run.files:
            if not fres.changed:
                continue
            for edit in fres.edits:
                p = pending(fres, edit, table)
                lines.append(
                    command(
                        "warning", p.message,
                        file=fres.path, line=p.line, col=p.col, end_line=p.end_line,
                        end_col=p.end_col if p.end_line == p.line else None, title=edit.rule_id,
                    )
                )
    return "".join(line + "\n" for line in lines)

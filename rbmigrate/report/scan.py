"""`rbmigrate scan`: every remaining v3 usage, from the same plan `apply` makes."""

from __future__ import annotations

from ..model import RunResult
from ..textio import line_col


def render_usages(run: RunResult) -> str:
    from ..ruletable import default_table

    table = default_table()
    lines = []
    for fres in run.files:
        if not fres.changed:
            continue
        for edit in fres.edits:
            line, col = line_col(fres.before, edit.start)
            title = table.get(edit.rule_id).title if edit.rule_id in table else ""
            lines.append(f"{fres.path}:{line}:{col}: {edit.rule_id} {title}")
    return "".join(line + "\n" for line in lines)

"""`rbmigrate scan`: every remaining v3 usage, from the same plan `apply` makes.

Pending rewrites (one line per edit) and the v3 spellings no rewrite or finding
covers (RB920), in file order.
"""

from __future__ import annotations

from ..model import RESIDUE_RULE_ID, RunResult
from ..textio import line_col


def render_usages(run: RunResult) -> str:
    from ..ruletable import default_table

    table = default_table()
    lines = []
    for fres in run.files:
        rows = []
        if fres.changed:
            for edit in fres.edits:
                line, col = line_col(fres.before, edit.start)
                title = table.get(edit.rule_id).title if edit.rule_id in table else ""
                rows.append((line, col, f"{fres.path}:{line}:{col}: {edit.rule_id} {title}"))
        for finding in fres.findings:
            if finding.rule_id == RESIDUE_RULE_ID:
                rows.append((finding.line, finding.col, f"{finding.location()}: {finding.rule_id} {finding.message}"))
        lines += [text for _, _, text in sorted(rows, key=lambda r: (r[0], r[1]))]
    return "".join(line + "\n" for line in lines)

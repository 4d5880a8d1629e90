"""A pending edit as `check`/`scan` reports show it: where it is and what `apply` would write."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Edit, FileResult
from ..textio import line_col


@dataclass(frozen=True)
class Pending:
    line: int
    col: int
    end_line: int
    end_col: int
    title: str  # the rule's title (its id when the table does not know it)
    message: str  # "v3 usage: <title>. `rbmigrate apply` rewrites it to <new>."


def pending(fres: FileResult, edit: Edit, table) -> Pending:
    line, col = line_col(fres.before, edit.start)
    end_line, end_col = line_col(fres.before, edit.end)
    title = table.get(edit.rule_id).title if edit.rule_id in table else edit.rule_id
    short = len(edit.replacement) <= 60 and "\n" not in edit.replacement
    new = f"`{edit.replacement}`" if short else "its v4 form"
    return Pending(line, col, end_line, end_col, title, f"v3 usage: {title}. `rbmigrate apply` rewrites it to {new}.")

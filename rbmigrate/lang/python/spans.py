"""Turn what the transforms recorded into byte-span edits of the original file.

Replacements are applied by one transformer pass over the original tree (each
builder sees its node's already-transformed children; subtrees holding no
replaced node are not rebuilt, they stay as they are); every replaced node
that is not inside another replaced node becomes one edit covering exactly its
original bytes, carrying the rule id that caused it. Untouched bytes are never
re-rendered, so comments, CRLF line endings and a BOM survive as they are.
"""

from __future__ import annotations

import libcst as cst

from ...model import Edit
from .context import MigrationContext


class _Apply(cst.CSTTransformer):
    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx
        self.done: dict[cst.CSTNode, cst.CSTNode] = {}
        self.wanted: set[cst.CSTNode] = set()  # replaced nodes and their ancestors
        for node in ctx.replacements:
            while node is not None and node not in self.wanted:
                self.wanted.add(node)
                node = ctx.parent(node)

    def on_visit(self, node) -> bool:
        return node in self.wanted

    def on_leave(self, original, updated):
        rep = self.ctx.replacements.get(original)
        if rep is not None:
            updated = rep.build(updated)
            self.done[original] = updated
        self.ctx.updated[original] = updated
        return updated


def build_edits(ctx: MigrationContext) -> list[Edit]:
    """Record every change into the file's plan store (``ctx.plan``) and return the edits.

    A replaced node inside another replaced node is already part of the outer node's new text (its
    builder saw the updated children), so only the outermost replacement becomes an edit. Text edits,
    deletions and insertions are planned as they are: one that touches a replaced node's bytes is a
    conflict (``rbmigrate.plan.PlanConflict``), never dropped."""
    applier = _Apply(ctx)
    if ctx.replacements:
        ctx.module.visit(applier)
    replaced = sorted((ctx.span(original) + (_depth(ctx, original), original) for original in applier.done),
                      key=lambda s: (s[0], -s[1], s[2]))
    outer_end = -1
    for start, end, _depth_, original in replaced:
        if end <= outer_end:
            continue  # inside an outer replacement: part of its text
        outer_end = end
        ctx.plan.edit(start, end, ctx.code(applier.done[original]), ctx.replacements[original].rule_id)
    for node, (text, rule) in ctx.text_edits.items():
        ctx.plan.edit(*ctx.span(node), text, rule)
    for statement, rule in ctx.deletions.items():
        ctx.plan.edit(*_whole_lines(ctx, statement), "", rule)
    for i in ctx.insertions:
        ctx.plan.edit(i.offset, i.offset, i.text, i.rule_id)
    for e in realign(ctx, ctx.plan.edits):
        ctx.plan.edit(e.start, e.end, e.replacement, e.rule_id)
    return ctx.plan.edits


def realign(ctx: MigrationContext, edits: list[Edit]) -> list[Edit]:
    """Keep continuation lines aligned with an opening parenthesis whose line an edit made longer or shorter.

    ``return types.ValidationResult(status=...,`` / ``message=...)``: once the
    callee is ``core_types.ValidationReport``, the second line moves by the same
    number of columns. Only lines indented exactly to the first argument move.
    """
    changed = [e for e in edits if e.end > e.start or e.replacement]
    if not changed:
        return []
    data = ctx.data
    out: list[Edit] = []
    seen_lines: set[int] = set()
    for node in ctx.index.nodes(cst.Call):
        if not node.args:
            continue
        start, end = ctx.span(node)
        paren = ctx.span(node.func)[1]
        first_arg = ctx.span(node.args[0])[0]
        line_start = data.rfind(b"\n", 0, paren) + 1
        if b"\n" in data[paren:first_arg] or b"\n" not in data[first_arg:end]:
            continue  # hanging indent, or a one-line call
        shift = 0
        for e in changed:
            if line_start <= e.start and e.end <= paren and b"\n" not in data[e.start:e.end] and "\n" not in e.replacement:
                shift += len(e.replacement) - len(data[e.start:e.end].decode("utf-8", "replace"))
            elif e.start < paren <= e.end or (e.start < line_start < e.end):
                break  # the paren itself moves with a bigger edit
        else:
            if shift:
                out += _realigned(data, changed, seen_lines, line_start, paren, first_arg, end, shift)
    return out


def _realigned(data: bytes, changed: list[Edit], seen_lines: set[int], line_start: int, paren: int, first_arg: int,
               end: int, shift: int) -> list[Edit]:
    out: list[Edit] = []
    column = len(data[line_start:first_arg].decode("utf-8", "replace"))
    pos = data.find(b"\n", first_arg, end)
    while 0 <= pos < end:
        ls = pos + 1
        indent_end = ls
        while indent_end < len(data) and data[indent_end:indent_end + 1] == b" ":
            indent_end += 1
        inside = any(e.start < ls < e.end or e.start <= ls < indent_end <= e.end for e in changed if e.end > e.start)
        if indent_end - ls == column and ls not in seen_lines and not inside:
            seen_lines.add(ls)
            new = column + shift
            if new > 0:
                out.append(Edit(ls, indent_end, " " * new, _rule_on_line(changed, line_start, paren)))
        pos = data.find(b"\n", ls, end)
    return out


def _rule_on_line(edits: list[Edit], start: int, end: int) -> str:
    for e in edits:
        if start <= e.start and e.end <= end:
            return e.rule_id
    return edits[0].rule_id


def _whole_lines(ctx: MigrationContext, statement: cst.CSTNode) -> tuple[int, int]:
    """The statement's lines, from the start of its first line through its line break."""
    start, end = ctx.span(statement)
    line_start = ctx.data.rfind(b"\n", 0, start) + 1
    if ctx.data[line_start:start].strip(b" \t"):
        line_start = start
    nl = ctx.data.find(b"\n", end)
    line_end = len(ctx.data) if nl < 0 else nl + 1
    return max(line_start, ctx.bom), line_end


def _depth(ctx: MigrationContext, node: cst.CSTNode) -> int:
    return sum(1 for _ in ctx.ancestors(node))

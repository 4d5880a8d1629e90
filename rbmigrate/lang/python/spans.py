"""Turn what the transforms recorded into byte-span edits of the original file.

Replacements are applied by one transformer pass over the original tree (each
builder sees its node's already-transformed children); every replaced node
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

    def on_leave(self, original, updated):
        rep = self.ctx.replacements.get(original)
        if rep is not None:
            updated = rep.build(updated)
            self.done[original] = updated
        self.ctx.updated[original] = updated
        return updated


def build_edits(ctx: MigrationContext) -> list[Edit]:
    applier = _Apply(ctx)
    if ctx.replacements:
        ctx.module.visit(applier)
    spans: list[tuple[int, int, int, str, str]] = []  # start, end, depth, text, rule
    for original, new in applier.done.items():
        start, end = ctx.span(original)
        spans.append((start, end, _depth(ctx, original), ctx.code(new), ctx.replacements[original].rule_id))
    for node, (text, rule) in ctx.text_edits.items():
        start, end = ctx.span(node)
        spans.append((start, end, _depth(ctx, node), text, rule))
    for statement, rule in ctx.deletions.items():
        start, end = _whole_lines(ctx, statement)
        spans.append((start, end, _depth(ctx, statement), "", rule))
    # outermost wins: a span inside another is already part of the outer text
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))
    kept: list[tuple[int, int, int, str, str]] = []
    for span in spans:
        if kept and span[0] >= kept[-1][0] and span[1] <= kept[-1][1]:
            continue
        kept.append(span)
    edits = [Edit(s, e, text, rule) for s, e, _d, text, rule in kept]
    edits += [Edit(i.offset, i.offset, i.text, i.rule_id) for i in ctx.insertions]
    return edits


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

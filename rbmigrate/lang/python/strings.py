"""v3 names in docstrings, comments and string literals (recipes §0.6, RB904).

In docstrings and comments, v3 names inside backtick code spans are updated
(```emit_batch``` → ```batch_emit```); the prose around them stays. A
string literal (or docstring prose) that still mentions a v3 name is listed
as an informational finding and left as it is.
"""

from __future__ import annotations

import re

import libcst as cst

from .context import MigrationContext
from .words import table_words

RULE_SPAN = "RB001"
RULE_INFO = "RB904"
_SPAN = re.compile(r"`([^`\n]+)`")
_ITEM = re.compile(r"[A-Za-z_][\w.-]*(\(\))?")  # a code span that names one item: `x`, `a.b_c()`, `emit-batch`


class StringTransform:
    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx
        self.words, self.pattern = table_words(ctx.fctx.rules)

    def run(self) -> None:
        if self.pattern is None:
            return
        docstrings = _docstrings(self.ctx)
        for node in self.ctx.index.nodes(cst.SimpleString, cst.FormattedStringText, cst.Comment):
            if isinstance(node, cst.SimpleString):
                self.string(node, node.value, node in docstrings)
            elif isinstance(node, cst.FormattedStringText):
                self.string(node, node.value, False)
            else:
                new, _ = self.spans(node.value)
                if new != node.value:
                    self.ctx.replace_with(node, self.rule_of(node.value), cst.Comment(new))

    def rule_of(self, text: str) -> str:
        m = self.pattern.search(text)
        return self.words[m.group(0)][1] if m else RULE_SPAN

    def spans(self, text: str) -> tuple[str, str]:
        """(text with v3 names in backtick spans updated, the text outside the spans)."""
        outside = _SPAN.sub(" ", text)

        unresolved: list[str] = []

        def word(w: re.Match) -> str:
            new = self.words[w.group(0)][0]
            if new is None:
                unresolved.append(w.group(0))
                return w.group(0)
            return new

        def span(m: re.Match) -> str:
            code = m.group(1)
            if not _ITEM.fullmatch(code):
                unresolved.append(code)
                return m.group(0)
            return "`" + self.pattern.sub(word, code) + "`"

        new = _SPAN.sub(span, text)
        return new, outside + " " + " ".join(unresolved)

    def string(self, node: cst.CSTNode, raw: str, docstring: bool) -> None:
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return
        if node in self.ctx.replacements or node in self.ctx.shared.get("import_strings", ()):
            return  # rewritten, or an `importlib.import_module` path (RB504)
        if docstring:
            new, outside = self.spans(raw)
            if new != raw:
                rule = self.rule_of(raw)
                self.ctx.replace_with(node, rule, node.with_changes(value=new))
            mentions = self.pattern.findall(outside)
        else:
            mentions = self.pattern.findall(raw)
        if mentions:
            names = ", ".join(dict.fromkeys(mentions))
            self.ctx.finding(node, RULE_INFO, f"string mentions v3 name(s): {names}",
                             "Prose is left as it is; update it if it should name the v4 item.")


def _docstrings(ctx: MigrationContext) -> set[cst.CSTNode]:
    found: set[cst.CSTNode] = set()
    for node in ctx.index.nodes(cst.Module, cst.ClassDef, cst.FunctionDef):
        if isinstance(node, cst.Module):
            body = node.body
        elif isinstance(node.body, cst.IndentedBlock):
            body = node.body.body
        else:
            continue
        if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr):
            value = body[0].body[0].value
            if isinstance(value, cst.SimpleString):
                found.add(value)
    return found

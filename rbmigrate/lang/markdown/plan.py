"""One Markdown file through the rules: code spans, fenced blocks and prose (anchors are unit-wide)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ...model import Edit, Finding, Severity
from ...textio import line_col
from ..base import FileContext
from . import codespan, fences, prose
from .document import Document, Inline
from .vocab import DocVocab

DOCS_RULE = "RB916"


@dataclass
class FilePlan:
    doc: Document
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    after: tuple[bytes, Document] | None = None  # the output and its parse (reused by validate)


class Planner:
    def __init__(self, v: DocVocab, doc: Document, fctx: FileContext, data: bytes):
        self.v, self.doc, self.fctx, self.data = v, doc, fctx, data
        self.plan = FilePlan(doc)
        self.new_content: dict[int, str] = {}  # id(span) -> migrated content
        self._called: dict[int, frozenset[str]] = {}

    def find(self, offset: int, rule: str, severity: str, message: str, step: str) -> None:
        line, col = line_col(self.data, offset)
        self.plan.findings.append(Finding(self.fctx.display, line, col, rule, Severity(severity), message, step))

    def run(self) -> FilePlan:
        for inline in self.doc.inlines:
            self.inline(inline)
        for fence in self.doc.fences:
            self.fence(fence)
        for group in self.doc.groups:
            self.group(group)
        return self.plan

    # ---------------------------------------------------------------- code spans

    def inline(self, inline: Inline) -> None:
        v = self.v
        if inline.text is None:
            if v.word_re is not None and "`" in inline.raw and v.word_re.search(inline.raw):
                self.find(self.doc.source.lines[inline.line].start, DOCS_RULE, "error",
                          "text with v3 names could not be located in the file (tabs in a container?); left as it is",
                          "Update it by hand.")
            return
        called = self.called(inline)
        for span in inline.spans:
            content = span.content
            changes, notes = codespan.rewrite(v, content.text, span.before, span.after + " " + inline.header, called=called)
            new = content.text
            for c in sorted(changes, key=lambda c: c.start, reverse=True):
                new = new[: c.start] + c.new + new[c.end :]
            for c in changes:
                if content.crosses_line(c.start, c.end):
                    self.find(content.offsets[c.start], DOCS_RULE, "error",
                              f"the code span `{content.text}` runs over a line break; not rewritten",
                              f"Rewrite it by hand: `{new}`.")
                    new = content.text
                    break
            else:
                for c in changes:
                    a, b = content.span(c.start, c.end)
                    self.plan.edits.append(Edit(a, b, _escape(c.new, span.escape), c.rule_id))
            self.new_content[id(span)] = new
            for n in notes:
                self.find(content.offsets[n.start], n.rule_id, n.severity, n.message, n.manual_step)

    def called(self, inline: Inline) -> frozenset[str]:
        """v3 functions written with a signature somewhere in the inline's group."""
        if inline.group < 0:
            return frozenset()
        group = self.doc.groups[inline.group]
        if id(group) not in self._called:
            text = "\n".join(i.raw for i in group.inlines)
            self._called[id(group)] = frozenset(
                name for name in self.v.functions if re.search(rf"(?<![\w-]){re.escape(name)}\s*(?::\s*func\s*)?\(", text))
        return self._called[id(group)]

    # ---------------------------------------------------------------- code blocks

    def fence(self, fence) -> None:
        result = fences.migrate(self.v, fence, self.fctx, self.data)
        if result is None:
            return
        self.plan.edits.extend(result.edits)
        for offset, n in result.notes:
            self.find(offset, n.rule_id, n.severity, n.message, n.manual_step)
        for offset, f in result.findings:
            line, col = line_col(self.data, offset)
            self.plan.findings.append(Finding(self.fctx.display, line, col, f.rule_id, f.severity, f.message, f.manual_step))

    # ---------------------------------------------------------------- prose

    def effective(self, inline: Inline) -> tuple[str, str]:
        """(text with its code spans migrated, its prose alone)."""
        text = inline.text.text if inline.text is not None else inline.raw
        if inline.text is None:
            return text, text
        migrated, outside = text, text
        for span in sorted(inline.spans, key=lambda s: s.at, reverse=True):
            new = self.new_content.get(id(span), span.content.text)
            migrated = migrated[: span.at] + new + migrated[span.end :]
            outside = outside[: span.at] + " " * (span.end - span.at) + outside[span.end :]
        return migrated, outside

    def group(self, group) -> None:
        if not group.inlines:
            return
        parts = [self.effective(i) for i in group.inlines]
        text = "\n".join(p[0] for p in parts)
        outside = "\n".join(p[1] for p in parts)
        items = [p[0] for p in parts] if group.kind == "list" else []
        for note in prose.check(self.v, group.kind, text, outside, items):
            self.find(group.start, note.rule_id, note.severity, note.message, note.manual_step)


def _escape(text: str, how: str) -> str:
    if how == "table":
        return text.replace("|", "\\|")
    if how == "html":
        return html.escape(text, quote=False)
    return text


def plan_document(v: DocVocab, doc: Document, fctx: FileContext, data: bytes) -> FilePlan:
    return Planner(v, doc, fctx, data).run()

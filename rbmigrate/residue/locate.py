"""Where a spelling found in the planned output is in the original file.

Findings are located in the file as it was before the run (like every other
finding and every edit), so a spelling in the output is mapped back:

- in bytes no edit touched: exactly, by the length changes of the edits before it;
- in text an edit wrote: at the line of the original the text came from, when the
  output line holding it is a line of the original (a moved body keeps its lines),
  the one nearest the edit; otherwise at the start of the edit.
"""

from __future__ import annotations

import bisect
import re

from ..model import Edit


class OutputMap:
    """Maps byte offsets of ``apply_edits(before, edits)`` back to ``before``."""

    def __init__(self, before: bytes, after: bytes, edits: list[Edit]):
        self.before = before
        self.after = after
        self.starts: list[int] = []  # output offset where each edit's replacement starts
        self.edits: list[tuple[Edit, int, int]] = []  # (edit, output start, output end)
        delta = 0
        for edit in edits:  # normalized: sorted, no overlap
            out_start = edit.start + delta
            size = len(edit.replacement.encode("utf-8"))
            self.starts.append(out_start)
            self.edits.append((edit, out_start, out_start + size))
            delta += size - (edit.end - edit.start)

    def to_before(self, offset: int) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        edit, out_start, out_end = self.edits[i]
        if offset >= out_end:  # after this edit, in untouched bytes
            return edit.end + (offset - out_end)
        return self._moved(offset, edit)

    def _moved(self, offset: int, edit: Edit) -> int:
        after = self.after
        line_start = after.rfind(b"\n", 0, offset) + 1
        line_end = after.find(b"\n", offset)
        line = after[line_start: line_end if line_end >= 0 else len(after)].rstrip(b"\r")
        if line.strip():
            best = -1
            at = self.before.find(line)
            while at >= 0:
                whole = (at == 0 or self.before[at - 1:at] == b"\n") and self.before[at + len(line):at + len(line) + 1] in (b"\n", b"\r", b"")
                if whole and (best < 0 or abs(at - edit.start) < abs(best - edit.start)):
                    best = at
                at = self.before.find(line, at + 1)
            if best >= 0:
                return best + (offset - line_start)
        return edit.start


# ------------------------------------------------------------------ what a finding covers

_BRACE_TOKENS = re.compile(
    r"//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/"
    r'|\b(?:br|cr|r)(#*)"(?:.*?)"\1'
    r'|(?:\b[bc])?"(?:[^"\\]|\\.)*"'
    r"|\bb?'(?:[^'\\\n]|\\[^\n]{1,10}?)'|'(?:[^'\\\n]|\\[^\n]{1,10}?)'"
    r"|[(\[{)\]};]",
    re.S,
)


def statement_end(text: str, start: int) -> int:
    """End of the statement or item that starts at ``start`` (Rust, WIT): the first ``;`` at its
    level, the end of its first ``{…}`` body, or the bracket that closes around it."""
    depth = 0
    for m in _BRACE_TOKENS.finditer(text, start):
        tok = m.group()
        if len(tok) != 1:
            continue
        if tok in "([{":
            depth += 1
        elif tok in ")]}":
            if depth == 0:
                return m.start()
            depth -= 1
            if depth == 0 and tok == "}":
                return m.end()
        elif tok == ";" and depth == 0:
            return m.end()
    return len(text)


_ITEM_PREFIX = re.compile(
    r"\s*(?:(?:pub(?:\s*\([^)]*\))?|async|unsafe|extern|fn|trait|mod|impl|struct|enum|const|static|let|mut|type"
    r"|use|interface|world|package|record|variant|resource|flags)\s+)*"
)


_ATTACHED = re.compile(r"[ \t]*(?:///|#\[|#!\[|/\*\*|\*)")


def covered_lines(before: bytes, kind: str, findings) -> set[int]:
    """Lines of the original file that the given findings cover: each finding's lines (to its end, when it
    says where the reported code ends), and the
    statement or item that starts at it (an adapter reports a construct it leaves as it is, such
    as a checked-in binding tree, an SDK trait, a string template, at its first token)."""
    lines = {f.line for f in findings}
    for f in findings:  # the reported code, where the finding says where it ends
        lines.update(range(f.line, max(f.line, getattr(f, "end_line", 0)) + 1))
    if not findings or kind not in ("rust", "wit", "python"):
        return lines
    text = before.decode("utf-8", "surrogateescape")
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    if kind == "python":
        return lines | _python_blocks(text, lines)
    for f in findings:
        if not 1 <= f.line < len(starts):
            continue
        at = min(starts[f.line - 1] + max(0, f.col - 1), starts[f.line] - 1)
        end = _string_end(text, at) if kind == "rust" else None
        if end is not None:  # a finding on a string literal (a code template, RB903): the whole literal
            lines.update(range(f.line, bisect.bisect_right(starts, max(at, end - 1)) + 1))
            continue
        if not _ITEM_PREFIX.fullmatch(text, starts[f.line - 1], at):
            continue  # in the middle of an expression: the line only
        end = statement_end(text, at)
        last = bisect.bisect_right(starts, max(at, end - 1))
        lines.update(range(f.line, last + 1))
        first = f.line  # and the item's doc comment and attributes right above it
        while first > 1 and _ATTACHED.match(text, starts[first - 2], starts[first - 1]):
            first -= 1
            lines.add(first)
    return lines


_STRING_START = re.compile(r'b?r(#*)"|b?"')


def _string_end(text: str, at: int) -> int | None:
    """End of the Rust string literal that starts at ``at`` (None when none starts there)."""
    m = _STRING_START.match(text, at)
    if m is None:
        return None
    if m.group(1) is not None:  # raw: up to the quote and as many hashes
        end = text.find('"' + m.group(1), m.end())
        return len(text) if end < 0 else end + 1 + len(m.group(1))
    i = m.end()
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        i += 1
    return len(text)


def _python_blocks(text: str, lines: set[int]) -> set[int]:
    """The statements that start on the given lines (with their bodies)."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    out: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or node.lineno not in lines or not node.end_lineno:
            continue
        body = getattr(node, "body", None)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not body:
            out.update(range(node.lineno, node.end_lineno + 1))  # a definition, or a simple statement
        elif isinstance(body, list) and body:
            out.update(range(node.lineno, body[0].lineno))  # a compound statement's header
    return out

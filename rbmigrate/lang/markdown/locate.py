"""Where inline content, code spans and HTML ``<code>`` elements are in the source bytes.

markdown-it reports blocks with line ranges only. Inline content is aligned here line
by line with the source lines it came from (each content line is a suffix of its
source line once container prefixes are gone; a heading's closing ``#``s and a cell's
``\\|`` escapes are allowed for), so every character gets its byte offset. Code spans
are located from markdown-it's own ``code_inline`` tokens: the parser decides what is
a span (backtick runs of any length, escaped backticks, spans across lines), and the
opening and closing runs are then found in the text with the content checked.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .source import Source

_HTML_CODE = re.compile(r"<code(?:\s[^<>]*)?>(.*?)</code\s*>", re.I | re.S)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass
class Text:
    """A run of characters with the byte offset of each (``offsets[len(text)]`` is the end)."""

    text: str
    offsets: list[int]
    breaks: frozenset[int] = frozenset()  # character indexes that stand for a line break

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end]

    def crosses_line(self, start: int, end: int) -> bool:
        return any(start <= i < end for i in self.breaks)


@dataclass
class CodeSpan:
    """One inline code span (or HTML ``<code>``): its content as the reader sees it, mapped to bytes."""

    content: Text
    kind: str  # backtick | html
    at: int = 0  # character indexes of the raw content in the inline text
    end: int = 0
    escape: str = ""  # "table" (| → \\|) | "html" (&, <, > as entities) | ""
    before: str = ""  # the inline text just before and after it (for context words)
    after: str = ""



def line_offsets(src: Source, n: int, start: int, end: int) -> list[int]:
    line = src.lines[n]
    if line.text.isascii():
        return [line.start + c for c in range(start, end + 1)]
    out, byte = [], src.byte_at(n, start)
    for ch in line.text[start:end]:
        out.append(byte)
        byte += len(ch.encode("utf-8"))
    out.append(byte)
    return out


def _locate(s: str, c: str) -> int:
    """Where content line ``c`` starts in source line ``s`` (-1 when it is not there)."""
    if s.endswith(c):
        return len(s) - len(c)
    stripped, cs = s.rstrip(" \t"), c.rstrip(" \t")
    if cs and stripped.endswith(cs):
        return len(stripped) - len(cs)
    return s.find(c) if c else len(s)


def align_lines(src: Source, first: int, content: str) -> Text | None:
    offsets: list[int] = []
    breaks = set()
    parts = content.split("\n")
    for k, c in enumerate(parts):
        n = first + k
        if n >= len(src.lines):
            return None
        p = _locate(src.lines[n].text, c)
        if p < 0:
            return None
        offs = line_offsets(src, n, p, p + len(c))
        offsets.extend(offs[:-1])
        if k < len(parts) - 1:
            breaks.add(len(offsets))
            offsets.append(offs[-1])  # the line break: the end of this line's text
        else:
            offsets.append(offs[-1])
    return Text(content, offsets, frozenset(breaks))


def align_cell(row: str, content: str, cursor: int) -> tuple[list[int], int] | None:
    """Columns of each character of a table cell's content in its row (``\\|`` stands for ``|``)."""
    if not content:
        return None
    for p in range(cursor, len(row)):
        cols = _match_at(row, content, p)
        if cols is not None:
            return cols, cols[-1]
    return None


def _match_at(row: str, content: str, p: int) -> list[int] | None:
    cols = []
    j = p
    for ch in content:
        if j < len(row) and row[j] == ch:
            cols.append(j)
            j += 1
        elif ch == "|" and row.startswith("\\|", j):
            cols.append(j)
            j += 2
        else:
            return None
    cols.append(j)
    return cols


# ------------------------------------------------------------------ code spans


def _normalized(raw: str) -> tuple[str, int]:
    """CommonMark's code span content: line endings as spaces, one surrounding space stripped."""
    text = raw.replace("\n", " ")
    if len(text) >= 2 and text[0] == " " and text[-1] == " " and text.strip(" "):
        return text[1:-1], 1
    return text, 0


def _runs(text: str, start: int):
    """(start, length) of every backtick run from ``start`` on."""
    for m in re.finditer(r"`+", text[start:]):
        yield start + m.start(), len(m.group(0))


def code_spans(inline: Inline, escape: str) -> list[CodeSpan]:
    text = inline.text
    s = text.text
    wanted = [c for c in inline.children if c.type == "code_inline"]
    out: list[CodeSpan] = []
    cursor = 0
    taken: list[tuple[int, int]] = []
    for child in wanted:
        n = len(child.markup)
        found = None
        for pos, length in _runs(s, cursor):
            if length != n or _escaped(s, pos):
                continue
            for close, clen in _runs(s, pos + n):
                if clen == n:
                    raw = s[pos + n : close]
                    content, lead = _normalized(raw)
                    if content == child.content:
                        found = (pos, close, lead)
                    break
            if found:
                break
        if found is None:
            continue  # not located: left alone (never guessed)
        pos, close, lead = found
        a, b = pos + n + lead, close - lead
        out.append(CodeSpan(Text(s[a:b], text.offsets[a : b + 1], frozenset(i - a for i in text.breaks if a <= i < b)),
                            "backtick", a, b, escape, s[max(0, pos - 40) : pos], s[close + n : close + n + 40]))
        taken.append((pos, close + n))
        cursor = close + n
    if any(c.type == "html_inline" and c.content.lower().startswith("<code") for c in inline.children):
        out += html_spans(text, taken)
    return out


def _escaped(s: str, pos: int) -> bool:
    k = pos - 1
    count = 0
    while k >= 0 and s[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 1


def backtick_spans(text: Text) -> list[CodeSpan]:
    """Single-line backtick spans in text that is not Markdown (front matter)."""
    out = []
    s = text.text
    for m in re.finditer(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", s):
        a, b = m.start(2), m.end(2)
        out.append(CodeSpan(Text(s[a:b], text.offsets[a : b + 1]), "backtick", a, b, "", s[max(0, a - 40) : a], s[b : b + 40]))
    return out


def html_spans(text: Text, taken) -> list[CodeSpan]:
    out = []
    s = text.text
    for m in _HTML_CODE.finditer(s):
        if any(a < m.end() and m.start() < b for a, b in taken) or "<" in m.group(1):
            continue
        a, b = m.start(1), m.end(1)
        decoded, offsets = _unescape(s[a:b], text.offsets[a : b + 1])
        breaks = frozenset(i for i, ch in enumerate(decoded) if ch == "\n")
        out.append(CodeSpan(Text(decoded, offsets, breaks), "html", a, b, "html", s[max(0, m.start() - 40) : m.start()],
                            s[m.end() : m.end() + 40]))
    return out


def _unescape(raw: str, offsets: list[int]) -> tuple[str, list[int]]:
    """HTML-decode ``raw``, keeping the byte offset of each decoded character."""
    if "&" not in raw:
        return raw, offsets
    out, offs = [], []
    pos = 0
    for m in _ENTITY.finditer(raw):
        for k in range(pos, m.start()):
            out.append(raw[k])
            offs.append(offsets[k])
        decoded = html.unescape(m.group(0))
        for ch in decoded:
            out.append(ch)
            offs.append(offsets[m.start()])
        pos = m.end()
    for k in range(pos, len(raw)):
        out.append(raw[k])
        offs.append(offsets[k])
    offs.append(offsets[len(raw)])
    return "".join(out), offs

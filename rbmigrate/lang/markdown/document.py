"""The CommonMark structure of a file (markdown-it-py), mapped back to byte offsets.

One walk over markdown-it's tokens collects what the adapter acts on: the inline
content of paragraphs, headings and table cells with their code spans (located by
:mod:`.locate`), ``<code>`` in HTML blocks, fenced and indented code blocks (content
bytes and a line map), headings, links with a ``#fragment``, and the prose groups
whose meaning is read as a whole (a paragraph, a heading, a table, a top-level list).
YAML front matter (``---`` … ``---`` at the top) is blanked before parsing, so it stays
one opaque block; its backtick spans are still found.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .locate import CodeSpan, Text, align_cell, align_lines, backtick_spans, code_spans, html_spans, line_offsets
from .source import Source

__all__ = ["CodeSpan", "Document", "Fence", "Inline", "Text", "parse"]

_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass
class Inline:
    """The inline content of one paragraph, heading or table cell."""

    kind: str  # paragraph | heading | cell | html | front-matter
    line: int  # 0-based first source line
    text: Text | None  # None when it could not be located in the source
    spans: list[CodeSpan] = field(default_factory=list)
    raw: str = ""  # markdown-it's content
    children: list = field(default_factory=list)  # markdown-it inline tokens
    group: int = -1  # index of the prose group (a paragraph, a whole table, a whole top-level list)
    header: str = ""  # a table cell's column header


@dataclass
class Heading:
    inline: Inline
    level: int


@dataclass
class Fence:
    """A fenced (or indented) code block: content bytes and where each content line starts in the file."""

    info: str
    line: int  # 0-based line of the opening fence (first content line for indented blocks)
    first: int  # 0-based first content line
    content: bytes
    starts: list[tuple[int, int]]  # (offset in content, offset in file) per content line
    prefix: str  # the container prefix of the content lines (re-added after new line breaks)
    mapped: bool = True  # False when a content line could not be aligned (tabs in a container)
    indented: bool = False

    @property
    def language(self) -> str:
        word = self.info.strip().split(maxsplit=1)[0].lower() if self.info.strip() else ""
        return word.strip("{}.")

    def to_file(self, offset: int) -> int:
        best = self.starts[0]
        for start in self.starts:
            if start[0] <= offset:
                best = start
            else:
                break
        return best[1] + (offset - best[0])


@dataclass
class Link:
    href: str
    line: int  # 0-based source line where the href text was found
    start: int  # byte offset of the href in the file (-1 when unknown)


@dataclass
class Group:
    """A block whose meaning is read as a whole: a paragraph, heading, table or top-level list."""

    kind: str
    line: int
    start: int  # byte offset of its first character
    inlines: list[Inline] = field(default_factory=list)


@dataclass
class Document:
    source: Source
    inlines: list[Inline]
    headings: list[Heading]
    fences: list[Fence]
    links: list[Link]
    groups: list[Group]
    structure: tuple  # block token types and nesting, to check a rewrite kept the structure


_PARSER = None


def parser():
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
    return _PARSER


def front_matter(src: Source) -> int:
    """Number of lines of YAML front matter at the top (0 when there is none)."""
    if not src.lines or src.lines[0].text.rstrip() != "---":
        return 0
    for i in range(1, len(src.lines)):
        if _FRONT_END.match(src.lines[i].text):
            return i + 1
    return 0


def parse(src: Source) -> Document:
    fm = front_matter(src)
    text = src.text
    if fm:  # blank the front matter, keeping its line breaks (so line numbers stay)
        lines = text.splitlines(keepends=True)
        text = "".join("\n" for _ in lines[:fm]) + "".join(lines[fm:])
    tokens = parser().parse(text)
    builder = _Builder(src)
    if fm:
        builder.front_matter(fm)
    builder.walk(tokens)
    return Document(src, builder.inlines, builder.headings, builder.fences, builder.links, builder.groups,
                    tuple((t.type, t.nesting, t.level) for t in tokens if t.type != "inline"))


class _Builder:
    def __init__(self, src: Source):
        self.src = src
        self.inlines: list[Inline] = []
        self.headings: list[Heading] = []
        self.fences: list[Fence] = []
        self.links: list[Link] = []
        self.groups: list[Group] = []

    def group(self, kind: str, line: int) -> int:
        start = self.src.lines[line].start if line < len(self.src.lines) else len(self.src.data)
        text = self.src.lines[line].text if line < len(self.src.lines) else ""
        lead = len(text) - len(text.lstrip(" \t>"))
        self.groups.append(Group(kind, line, start + len(text[:lead].encode("utf-8"))))
        return len(self.groups) - 1

    def front_matter(self, count: int) -> None:
        for i in range(count):
            line = self.src.lines[i]
            offsets = line_offsets(self.src, i, 0, len(line.text))
            inline = Inline("front-matter", i, Text(line.text, offsets))
            inline.spans = backtick_spans(inline.text)
            self.inlines.append(inline)

    def walk(self, tokens) -> None:
        list_depth = 0
        list_group = -1
        table_group = -1
        heading_level = 0
        row_cursor: dict[int, int] = {}
        headers: list[str] = []
        column = -1
        in_head = False
        for i, tok in enumerate(tokens):
            t = tok.type
            if t == "thead_open":
                in_head, headers = True, []
            elif t == "thead_close":
                in_head = False
            elif t == "tr_open":
                column = -1
            elif t in ("th_open", "td_open"):
                column += 1
            if t in ("bullet_list_open", "ordered_list_open"):
                if list_depth == 0:
                    list_group = self.group("list", tok.map[0])
                list_depth += 1
            elif t in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            elif t == "table_open":
                table_group = self.group("table", tok.map[0])
                row_cursor = {}
            elif t == "table_close":
                table_group = -1
            elif t == "heading_open":
                heading_level = int(tok.tag[1:])
            elif t == "inline":
                kind = "cell" if table_group >= 0 else "heading" if heading_level else "paragraph"
                if kind == "cell":
                    group = table_group
                elif list_depth and kind == "paragraph":
                    group = list_group
                else:
                    group = self.group(kind, tok.map[0])
                inline = self.inline(tok, kind, row_cursor)
                inline.group = group
                if kind == "cell":
                    if in_head:
                        headers.append(tok.content)
                    elif 0 <= column < len(headers):
                        inline.header = headers[column]
                self.groups[group].inlines.append(inline)
                if kind == "heading":
                    self.headings.append(Heading(inline, heading_level))
            elif t == "heading_close":
                heading_level = 0
            elif t in ("fence", "code_block"):
                self.fence(tok)
            elif t == "html_block":
                self.html_block(tok)

    # ------------------------------------------------------------ inline content

    def inline(self, tok, kind: str, row_cursor: dict[int, int]) -> Inline:
        src = self.src
        first = tok.map[0]
        content = tok.content
        if kind == "cell":
            cursor = row_cursor.get(first, 0)
            found = align_cell(src.lines[first].text, content, cursor)
            text = None
            if found is not None:
                cols, end = found
                row_cursor[first] = end
                text = Text(content, [src.byte_at(first, c) for c in cols])
        else:
            text = align_lines(src, first, content)
        inline = Inline(kind, first, text, raw=content, children=list(tok.children or []))
        if text is not None:
            inline.spans = code_spans(inline, "table" if kind == "cell" else "")
            self.collect_links(inline)
        self.inlines.append(inline)
        return inline

    def collect_links(self, inline: Inline) -> None:
        cursor = 0
        text = inline.text.text
        for child in inline.children:
            if child.type == "link_open":
                href = child.attrs.get("href", "")
                if "#" not in href:
                    continue
                where = text.find(href, cursor) if href else -1
                if where < 0:  # an escaped or reference-style destination: locate the fragment
                    frag = href[href.index("#"):]
                    where = text.find(frag, cursor)
                if where >= 0:
                    cursor = where + 1
                    start = inline.text.offsets[where]
                    line = inline.line + text.count("\n", 0, where)
                else:
                    start, line = -1, inline.line
                self.links.append(Link(href, line, start))
            elif child.type == "html_inline":
                for m in re.finditer(r"""href\s*=\s*["']([^"']*#[^"']*)["']""", child.content):
                    where = text.find(m.group(1), cursor)
                    start = inline.text.offsets[where] if where >= 0 else -1
                    self.links.append(Link(html.unescape(m.group(1)), inline.line + (text.count("\n", 0, where) if where >= 0 else 0), start))

    # ------------------------------------------------------------ code blocks

    def fence(self, tok) -> None:
        src = self.src
        indented = tok.type == "code_block"
        opener = tok.map[0]
        first = opener if indented else opener + 1
        lines = tok.content.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        content = bytearray()
        starts: list[tuple[int, int]] = []
        prefixes: dict[str, int] = {}
        mapped = True
        for k, c in enumerate(lines):
            n = first + k
            if n >= len(src.lines):
                mapped = False
                break
            s = src.lines[n].text
            if not s.endswith(c):
                mapped = False
                break
            p = len(s) - len(c)
            start = src.byte_at(n, p)
            starts.append((len(content), start))
            end = src.lines[n].end + len(src.lines[n].eol.encode())
            content += src.data[start:end]
            if c.strip():
                prefixes[s[:p]] = prefixes.get(s[:p], 0) + 1
        if not starts:
            starts = [(0, src.lines[min(first, len(src.lines) - 1)].start)]
        prefix = max(prefixes, key=prefixes.get) if prefixes else ""
        self.fences.append(Fence(tok.info or "", opener, first, bytes(content), starts, prefix, mapped, indented))

    def html_block(self, tok) -> None:
        src = self.src
        first, last = tok.map
        for n in range(first, min(last, len(src.lines))):
            line = src.lines[n]
            text = Text(line.text, line_offsets(src, n, 0, len(line.text)))
            inline = Inline("html", n, text, raw=line.text)
            inline.spans = html_spans(text, ())
            for m in re.finditer(r"""href\s*=\s*["']([^"']*#[^"']*)["']""", line.text):
                self.links.append(Link(html.unescape(m.group(1)), n, text.offsets[m.start(1)]))
            if inline.spans:
                self.inlines.append(inline)

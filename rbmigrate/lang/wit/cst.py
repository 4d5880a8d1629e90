"""Concrete syntax tree of a WIT file: lossless, byte-spanned.

Every byte of the input belongs to exactly one `Token`, trivia included
(whitespace, comments, a UTF-8 BOM). Tokens are the leaves of a tree of
`Node`s; concatenating the tokens in order gives the input back byte for byte.

The node classes with their accessors (`Interface`, `FuncItem`, `Record`, ...)
are in `nodes.py`; this module holds the generic `Token` and `Node`.

Placement of trivia: a node starts at its first significant token (an
attribute such as `@since(...)` is part of the item it gates) and ends at its
last one. Trivia between two items therefore lives in the enclosing node
(the file, an interface body, ...); `Node.leading_trivia_span()` and
`Node.trailing_comment()` tell which of it belongs to an item.

Token kinds: `id` (plain and `%`-escaped identifiers), `integer`, `string`,
each keyword and punctuation by its own text (`interface`, `u8`,
`error-context`, `_`, `{`, `->`, ...), and the trivia kinds in `TRIVIA`.
"""

from __future__ import annotations

import re
from typing import Iterator

TRIVIA = frozenset(
    {"whitespace", "line-comment", "doc-comment", "block-comment", "block-doc-comment", "bom"}
)
COMMENTS = frozenset({"line-comment", "doc-comment", "block-comment", "block-doc-comment"})
DOC_COMMENTS = frozenset({"doc-comment", "block-doc-comment"})

KEYWORDS = frozenset(
    """use type func u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char bool string option result
    future stream error-context list map tuple resource own borrow record flags variant enum
    static interface world import export package constructor include with as from async _""".split()
)
PRIMITIVES = frozenset(
    "u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char bool string error-context".split()
)


class Token:
    """A leaf: `kind`, `text` (bytes), `start`/`end` byte offsets, `parent` node."""

    __slots__ = ("kind", "text", "start", "parent")
    is_token = True

    def __init__(self, kind: str, text: bytes, start: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.start + len(self.text))

    @property
    def is_trivia(self) -> bool:
        return self.kind in TRIVIA

    @property
    def is_comment(self) -> bool:
        return self.kind in COMMENTS

    @property
    def ident(self) -> str:
        """The identifier's name as WIT resolves it (`%stream` -> `stream`)."""
        t = self.text.decode("utf-8")
        return t[1:] if t.startswith("%") else t

    @property
    def is_explicit(self) -> bool:
        """True for a `%`-escaped identifier."""
        return self.text.startswith(b"%")

    def to_bytes(self) -> bytes:
        return self.text

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.start})"


# ---------------------------------------------------------------------------
# nodes


def as_kind_set(kind: str | tuple[str, ...] | frozenset[str] | set[str] | None):
    if kind is None or isinstance(kind, (frozenset, set)):
        return kind
    if isinstance(kind, str):
        return frozenset((kind,))
    return frozenset(kind)


class Node:
    """An inner node: `kind`, `children` (nodes and tokens), `start`/`end`, `parent`."""

    __slots__ = ("children", "parent", "start", "end")
    kind = "node"
    is_token = False

    def __init__(self, children: list) -> None:
        self.children = children
        self.parent = None
        if children:
            self.start = children[0].start
            self.end = children[-1].end
        else:
            self.start = self.end = 0
        for c in children:
            c.parent = self

    # -- generic access --------------------------------------------------
    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def is_trivia(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind} {self.start}..{self.end}>"

    def to_bytes(self) -> bytes:
        return b"".join([t.text for t in self.iter_tokens()])

    @property
    def text(self) -> bytes:
        return self.to_bytes()

    @property
    def root(self) -> "Node":
        n = self
        while n.parent is not None:
            n = n.parent
        return n

    def ancestors(self) -> Iterator["Node"]:
        n = self.parent
        while n is not None:
            yield n
            n = n.parent

    def iter_tokens(self, trivia: bool = True) -> Iterator[Token]:
        """All tokens below this node in source order."""
        stack = [iter(self.children)]
        while stack:
            for c in stack[-1]:
                if c.is_token:
                    if trivia or c.kind not in TRIVIA:
                        yield c
                else:
                    stack.append(iter(c.children))
                    break
            else:
                stack.pop()

    def iter_nodes(self, kind=None) -> Iterator["Node"]:
        """This node and its descendant nodes in pre-order, optionally filtered by kind(s)."""
        kinds = as_kind_set(kind)
        stack = [self]
        while stack:
            n = stack.pop()
            if kinds is None or n.kind in kinds:
                yield n
            stack.extend(reversed([c for c in n.children if not c.is_token]))

    def child_nodes(self, kind=None) -> list["Node"]:
        kinds = as_kind_set(kind)
        return [c for c in self.children if not c.is_token and (kinds is None or c.kind in kinds)]

    def child_tokens(self, kind=None, trivia: bool = False) -> list[Token]:
        kinds = as_kind_set(kind)
        return [
            c
            for c in self.children
            if c.is_token
            and (trivia or c.kind not in TRIVIA)
            and (kinds is None or c.kind in kinds)
        ]

    def token(self, kind: str) -> Token | None:
        """First direct child token of `kind`."""
        for c in self.children:
            if c.is_token and c.kind == kind:
                return c
        return None

    def child(self, kind) -> "Node | None":
        kinds = as_kind_set(kind)
        for c in self.children:
            if not c.is_token and c.kind in kinds:
                return c
        return None

    def node_at(self, offset: int) -> "Node":
        """The innermost node whose span contains `offset`."""
        n = self
        while True:
            for c in n.children:
                if not c.is_token and c.start <= offset < c.end:
                    n = c
                    break
            else:
                return n

    def token_at(self, offset: int) -> Token | None:
        for t in self.iter_tokens():
            if t.start <= offset < t.end:
                return t
        return None

    # -- trivia ownership (for moving/deleting items with their comments) ----
    def _siblings(self) -> tuple[list, int]:
        p = self.parent
        if p is None:
            return [], -1
        sibs = p.children
        for i, c in enumerate(sibs):
            if c is self:
                return sibs, i
        raise ValueError("node not found in its parent")  # pragma: no cover

    def leading_trivia(self) -> list[Token]:
        """Trivia tokens before this node that belong to it (see `leading_trivia_span`).

        Whitespace tokens are returned whole, so the first one may start before
        `leading_trivia_span()[0]` (on the previous line).
        """
        sibs, i = self._siblings()
        if i < 0:
            return []
        start = self.leading_trivia_span()[0]
        out = []
        j = i - 1
        while j >= 0 and sibs[j].is_token and sibs[j].kind in TRIVIA:
            if sibs[j].end <= start or sibs[j].kind == "bom":
                break
            out.append(sibs[j])
            j -= 1
        out.reverse()
        return out

    def leading_trivia_span(self) -> tuple[int, int]:
        """Bytes before this node that go with it: its doc comments, plain comments,
        blank lines and indentation. Starts at the beginning of the line after the
        previous element (a comment on the previous element's line is that
        element's trailing comment), ends at `self.start` (the first `@gate` or
        the keyword). If the node shares a line with the previous element, the
        span is the trivia between them. A BOM is never included.
        """
        sibs, i = self._siblings()
        if i < 0:
            return (self.start, self.start)
        j = i - 1
        while j >= 0 and sibs[j].is_token and sibs[j].kind in TRIVIA and sibs[j].kind != "bom":
            j -= 1
        if j < 0 or (sibs[j].is_token and sibs[j].kind == "bom"):
            # First element of the file: everything before it (after a BOM).
            return (sibs[j].end if j >= 0 else (sibs[0].start if sibs else self.start), self.start)
        prev = sibs[j]
        for t in sibs[j + 1 : i]:
            if t.kind == "whitespace":
                k = t.text.find(b"\n")
                if k >= 0:
                    return (t.start + k + 1, self.start)
        return (prev.end, self.start)

    def doc_comments(self) -> list[Token]:
        """`///` and `/** */` comments documenting this node (before it, or between
        its gates and its keyword)."""
        docs = [t for t in self.leading_trivia() if t.kind in DOC_COMMENTS]
        for c in self.children:
            if c.is_token:
                if c.kind in DOC_COMMENTS:
                    docs.append(c)
                elif c.kind not in TRIVIA:
                    break
            elif c.kind != "attribute":
                break
        return docs

    def comments(self) -> list[Token]:
        """All comments in the leading trivia (doc and plain)."""
        return [t for t in self.leading_trivia() if t.kind in COMMENTS]

    def separator(self) -> Token | None:
        """The `,` that directly follows this list element, if any."""
        sibs, i = self._siblings()
        for c in sibs[i + 1 :]:
            if c.is_token and c.kind in TRIVIA:
                continue
            return c if (c.is_token and c.kind == ",") else None
        return None

    def trailing_comment(self) -> Token | None:
        """A comment starting on the line where this node ends (after an optional `,`)."""
        sibs, i = self._siblings()
        if i < 0:
            return None
        seen_sep = False
        for c in sibs[i + 1 :]:
            if not c.is_token:
                return None
            if c.kind == "whitespace":
                if b"\n" in c.text:
                    return None
                continue
            if c.kind in COMMENTS:
                return c
            if c.kind == "," and not seen_sep:
                seen_sep = True
                continue
            return None
        return None

    def end_of_line(self) -> int:
        """End of what this node owns on its last line: past a following `,`, the
        trailing comment and the newline, when the rest of the line is only those.
        Otherwise (more code follows on the line) the end of the node/separator."""
        sibs, i = self._siblings()
        end = self.end
        if i < 0:
            return end
        seen_sep = False
        for c in sibs[i + 1 :]:
            if not c.is_token:
                return end
            if c.kind == "whitespace":
                k = c.text.find(b"\n")
                if k >= 0:
                    return c.start + k + 1
                continue
            if c.kind in ("line-comment", "doc-comment"):
                end = c.end
                continue
            if c.kind in COMMENTS and b"\n" not in c.text:
                end = c.end
                continue
            if c.kind == "," and not seen_sep:
                seen_sep = True
                end = c.end
                continue
            return end
        return end

    def full_span(self) -> tuple[int, int]:
        """Leading trivia + node + separator + trailing comment + newline."""
        return (self.leading_trivia_span()[0], self.end_of_line())

    def removal_spans(self) -> list[tuple[int, int]]:
        """Byte spans whose deletion removes this node with its comments and line.

        Blank lines that open the leading trivia are kept when the node is
        followed by more code without a blank line in between (they then
        separate the previous item from the next), and removed otherwise, so no
        double blank line or blank line before `}` is left. For the last element
        of a comma list without a trailing comma, the comma before it is
        removed as a separate span so the list stays well formed.
        """
        start, end = self.full_span()
        src = self._source()
        if src is not None and src[end - 1 : end] == b"\n":
            after = _BLANK_PREFIX.match(src, end)
            rest = src[after.end() :].lstrip(b" \t\r\n")
            if not after.group() and rest and not rest.startswith(b"}"):
                start = _BLANK_PREFIX.match(src, start).end()
        spans = [(start, end)]
        if self.separator() is None:
            sibs, i = self._siblings()
            for c in reversed(sibs[:i]):
                if c.is_token and c.kind in TRIVIA:
                    continue
                if c.is_token and c.kind == ",":
                    spans.insert(0, (c.start, c.end))
                break
        return spans

    def _source(self) -> bytes | None:
        return getattr(self.root, "source", None)

    def line_indent(self) -> bytes:
        """The whitespace between the start of this node's line and the node (b'' if
        other code precedes it on the line)."""
        out = []
        for t in _tokens_before(self):
            if t.kind == "whitespace":
                k = t.text.rfind(b"\n")
                if k >= 0:
                    out.append(t.text[k + 1 :])
                    break
                out.append(t.text)
            elif t.kind == "bom":
                break
            else:
                return b""
        return b"".join(reversed(out))


_BLANK_PREFIX = re.compile(rb"(?:[ \t]*\r?\n)*")


def _tokens_before(node: Node) -> Iterator[Token]:
    """Tokens before `node.start`, nearest first."""
    n: Node | None = node
    while n is not None and n.parent is not None:
        sibs, i = n._siblings()
        for c in reversed(sibs[:i]):
            if c.is_token:
                yield c
            else:
                toks = list(c.iter_tokens())
                yield from reversed(toks)
        n = n.parent

"""Node metadata from one code-generation pass over a module: byte spans, parents, nodes in source order.

libcst's ``ParentNodeProvider``, ``ByteSpanPositionProvider`` and ``PositionProvider`` each walk the
whole tree (the parent provider twice over); here one ``Module._codegen`` pass records what they
record: the byte span of every node (exactly as ``ByteSpanPositionProvider``), its parent (exactly as
``ParentNodeProvider``), and the nodes of the types the transforms look for, in the order a
``CSTVisitor`` meets them. Line and column come from the byte offset in the generated code (as
``PositionProvider`` counts them: ``\\r\\n``, ``\\r`` and ``\\n`` end a line, columns count
characters; the generated code is the source text except where libcst does not round-trip it).
"""

from __future__ import annotations

import bisect
import re

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata.span_provider import CodeSpan

# what the transforms iterate over (everything else is reached through these or their parents);
# none of these classes has subclasses, so the exact type is checked (isinstance on libcst's ABCs is slow)
INDEXED = frozenset((
    cst.Module, cst.ClassDef, cst.FunctionDef, cst.Import, cst.ImportFrom, cst.Name, cst.Attribute, cst.Call,
    cst.SimpleString, cst.ConcatenatedString, cst.FormattedStringText, cst.Comment,
))
_NEWLINE = re.compile(rb"\r\n?|\n")


class _IndexingState(CodegenState):
    """Code generation that records what ``SpanProvidingCodegenState`` records (same spans), parents and
    the indexed nodes; written out flat (no ``super()`` calls, no generator context managers): this
    runs once per node."""

    def __init__(self, module: cst.Module):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.position = 0
        self.spans: dict[cst.CSTNode, CodeSpan] = {}
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.order: list[cst.CSTNode] = []
        self.open: list[cst.CSTNode] = []
        self.starts: list[int] = []

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.position += len(token) if token.isascii() else len(token.encode("utf-8"))

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.position += len(value) if value.isascii() else len(value.encode("utf-8"))

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append(self.position)
        if self.open:
            self.parents[node] = self.open[-1]
        self.open.append(node)
        if type(node) in INDEXED:
            self.order.append(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        if node not in self.spans:
            self.spans[node] = CodeSpan(start, self.position - start)
        self.open.pop()

    def record_syntactic_position(self, node, *, start_node=None, end_node=None) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """``SpanProvidingCodegenState.record_syntactic_position`` as a plain context manager."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _IndexingState, node, start_node, end_node):
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.position

    def __exit__(self, *exc) -> None:
        spans = self.state.spans
        start = spans[self.start_node].start if self.start_node is not None else self.start
        if self.end_node is not None:
            end_span = spans[self.end_node]
            length = end_span.start + end_span.length - start
        else:
            length = self.state.position - start
        spans[self.node] = CodeSpan(start, length)


class NodeIndex:
    def __init__(self, module: cst.Module):
        state = _IndexingState(module)
        module._codegen(state)
        self.spans = state.spans
        self.parents = state.parents
        self.order = state.order  # nodes of the INDEXED types, in visiting order
        self._tokens = state.tokens
        self._encoded = b""
        self._line_starts: list[int] | None = None

    def code(self) -> str:
        """The module as libcst prints it (the source text, when libcst round-trips it)."""
        return "".join(self._tokens)

    def nodes(self, *types: type) -> list:
        """Indexed nodes of these types, in the order a visitor meets them."""
        if not INDEXED.issuperset(types):
            raise ValueError(f"not indexed: {types}")
        return [n for n in self.order if type(n) in types]

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and 0-based column (in characters) where the node starts."""
        if self._line_starts is None:
            self._encoded = "".join(self._tokens).encode("utf-8")
            self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self._encoded)]
        offset = self.spans[node].start
        line = bisect.bisect_right(self._line_starts, offset)
        start = self._line_starts[line - 1]
        return line, len(self._encoded[start:offset].decode("utf-8"))

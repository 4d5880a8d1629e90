"""tree-sitter-rust plumbing: the lazily created singletons, parsing and node helpers.

``Language``, ``Parser`` and the index query are created once per process, on
first use, so importing the adapter stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node, Tree

_LANGUAGE = None
_PARSER = None
_INDEX = None

# One query finds every node any concern looks at, in one pass over the tree
# (tree-sitter walks it in C; only the captured nodes reach Python).
INDEX_QUERY = """
(use_declaration) @use
(mod_item) @mod
(impl_item) @impl
(trait_item) @trait
(struct_item) @struct
(function_item) @fn
(function_signature_item) @fnsig
(call_expression) @call
(struct_expression) @lit
(struct_pattern) @pat
(scoped_identifier) @path
(scoped_type_identifier) @tpath
(type_identifier) @type
(field_expression) @field
(line_comment) @comment
(block_comment) @comment
(string_literal) @string
(raw_string_literal) @string
(macro_invocation) @macro
(match_expression) @match
(const_item) @const
(static_item) @const
(identifier) @ident
"""


def language():
    global _LANGUAGE
    if _LANGUAGE is None:
        import tree_sitter
        import tree_sitter_rust

        _LANGUAGE = tree_sitter.Language(tree_sitter_rust.language())
    return _LANGUAGE


def parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        _PARSER = tree_sitter.Parser(language())
    return _PARSER


def index_query():
    global _INDEX
    if _INDEX is None:
        import tree_sitter

        _INDEX = tree_sitter.Query(language(), INDEX_QUERY)
    return _INDEX


def parse(data: bytes) -> "Tree":
    return parser().parse(data)


def reparse(tree: "Tree", old: bytes, data: bytes, edits) -> "Tree":
    """Parse ``data`` (``old`` with ``edits`` applied) incrementally, reusing ``tree`` (the tree of ``old``).

    ``edits`` are non-overlapping (start, end, replacement) on ``old``; ``tree`` is edited in place,
    so it must not be used afterwards.
    """
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        raw = new.encode("utf-8")
        start_point = _point(old, start)
        old_end_point = _point(old, end)
        lines = raw.split(b"\n")
        if len(lines) == 1:
            new_end_point = (start_point[0], start_point[1] + len(raw))
        else:
            new_end_point = (start_point[0] + len(lines) - 1, len(lines[-1]))
        tree.edit(start, end, start + len(raw), start_point, old_end_point, new_end_point)
    return parser().parse(data, tree)


def _point(data: bytes, offset: int) -> tuple[int, int]:
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def index(root: "Node") -> dict[str, list["Node"]]:
    """Every captured node by capture name, each list in document order."""
    import tree_sitter

    captures = tree_sitter.QueryCursor(index_query()).captures(root)
    for nodes in captures.values():  # document order, deterministically (plans depend on it)
        nodes.sort(key=_position)
    return captures


def _position(node: "Node") -> tuple[int, int]:
    return (node.start_byte, -node.end_byte)


def error_count(root: "Node") -> int:
    """ERROR and MISSING nodes in a tree (only subtrees that hold one are walked)."""
    if not root.has_error:
        return 0
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return count


def first_error(root: "Node") -> "Node | None":
    """The first ERROR or MISSING node in document order, if the tree has one."""
    if not root.has_error:
        return None
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            return node
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None


# ------------------------------------------------------------------ helpers


def text(node: "Node") -> str:
    return node.text.decode("utf-8")


def field(node: "Node", name: str) -> "Node | None":
    return node.child_by_field_name(name)


def named(node: "Node") -> list["Node"]:
    return [c for c in node.children if c.is_named]


def ancestors(node: "Node") -> Iterator["Node"]:
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def enclosing(node: "Node", *types: str) -> "Node | None":
    for parent in ancestors(node):
        if parent.type in types:
            return parent
    return None




def path_segments(node: "Node") -> list["Node"] | None:
    """The segments of a path node (``a::b::C``) left to right; None if it is not a plain path.

    ``crate``, ``self``, ``super`` and a leading ``::`` count as segments
    (the latter as an empty-text node list entry is skipped).
    """
    out: list[Node] = []
    while True:
        t = node.type
        if t in ("identifier", "type_identifier", "crate", "self", "super", "field_identifier", "metavariable"):
            out.append(node)
            out.reverse()
            return out
        if t in ("scoped_identifier", "scoped_type_identifier", "scoped_use_list"):
            name = field(node, "name")
            if name is not None:
                out.append(name)
            path = field(node, "path")
            if path is None:  # `::name`
                out.reverse()
                return out
            node = path
            continue
        if t == "generic_type":
            inner = field(node, "type")
            if inner is None:
                return None
            node = inner
            continue
        return None




def line_indent(data: bytes, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = start
    while end < len(data) and data[end : end + 1] in (b" ", b"\t"):
        end += 1
    return data[start:end].decode("utf-8")


def line_start(data: bytes, offset: int) -> int:
    return data.rfind(b"\n", 0, offset) + 1

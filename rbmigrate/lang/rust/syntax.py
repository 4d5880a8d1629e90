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


def index(root: "Node") -> dict[str, list["Node"]]:
    """Every captured node by capture name (tree-sitter yields them in document order)."""
    import tree_sitter

    return tree_sitter.QueryCursor(index_query()).captures(root)


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


def inside(node: "Node", span: tuple[int, int]) -> bool:
    return span[0] <= node.start_byte and node.end_byte <= span[1]


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


def segment_texts(node: "Node") -> list[str] | None:
    segs = path_segments(node)
    return None if segs is None else [text(s) for s in segs]


def line_indent(data: bytes, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = start
    while end < len(data) and data[end : end + 1] in (b" ", b"\t"):
        end += 1
    return data[start:end].decode("utf-8")


def line_start(data: bytes, offset: int) -> int:
    return data.rfind(b"\n", 0, offset) + 1

"""Lossless WIT parser: `parse_wit(data, path) -> SourceFile` (a CST with byte spans).

`print_tree(tree)` / `tree.to_bytes()` give the input back byte for byte.
Modules: `lexer` (regex tokenizer), `parser` (recursive descent), `cst` (generic
`Token`/`Node`, trivia ownership), `nodes` (typed node classes and accessors),
`errors` (`WitSyntaxError`), `printer`.
"""

from .cst import (
    COMMENTS,
    DOC_COMMENTS,
    KEYWORDS,
    PRIMITIVES,
    TRIVIA,
    Node,
    Token,
)
from .errors import WitSyntaxError
from .lexer import decode_string, tokenize
from .nodes import ITEM_KINDS, NODE_CLASSES, TYPE_KINDS, TYPEDEF_KINDS, SourceFile
from .parser import parse_wit
from .printer import print_tree

__all__ = [
    "COMMENTS",
    "DOC_COMMENTS",
    "ITEM_KINDS",
    "KEYWORDS",
    "NODE_CLASSES",
    "PRIMITIVES",
    "TRIVIA",
    "TYPE_KINDS",
    "TYPEDEF_KINDS",
    "Node",
    "SourceFile",
    "Token",
    "WitSyntaxError",
    "decode_string",
    "parse_wit",
    "print_tree",
    "tokenize",
]

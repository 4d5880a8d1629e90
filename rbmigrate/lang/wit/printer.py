"""Printing a WIT CST back to bytes (exactly the parsed input when unedited)."""

from __future__ import annotations

from .cst import Node, Token


def print_tree(tree: Node | Token) -> bytes:
    """Concatenate the tokens of `tree` in order."""
    if tree.is_token:
        return tree.text
    return b"".join([t.text for t in tree.iter_tokens()])

"""Rust language adapter (tree-sitter-rust): recipes §2.

Modules: ``syntax`` (tree-sitter singletons), ``vocab`` (spellings derived from
the rule table), ``scope`` (name resolution), ``receivers`` (is it the SDK
``Context``?), ``paths``, ``methods``, ``literals``, ``traits``, ``uses``,
``docs``, ``strings`` (the concerns), ``plan`` (per-file state) and
``adapter`` (the seam).
"""

from .adapter import RustAdapter

__all__ = ["RustAdapter"]

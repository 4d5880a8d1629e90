"""Markdown adapter: protocol docs (``README.md``, ``docs/**/*.md``) migrate too.

Layout: ``source`` (bytes, lines, offsets), ``document`` (the CommonMark structure from
markdown-it-py) and ``locate`` (inline text and code spans mapped to exact bytes),
``vocab`` (what is recognised, derived from the rule table and ``wit/``), ``codespan``
and ``signatures`` (code spans), ``fences`` and ``fragments`` (fenced blocks, through
the other adapters or token by token), ``prose`` (RB913, RB914), ``anchors`` (RB915),
``plan`` (one file) and ``adapter`` (the seam). markdown-it is imported when a file
is parsed.
"""

from .adapter import MarkdownAdapter

__all__ = ["MarkdownAdapter"]

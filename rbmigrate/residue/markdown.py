"""Markdown: code spans and fenced code blocks, scanned as the code they hold.

A small self-contained scanner (CommonMark's rules for what matters here):
fences of three or more backticks or tildes, closed by a fence of the same
character at least as long; inline code spans delimited by equal backtick runs
within a paragraph. A fence's info string picks the scanner (``rust``,
``python``, ``wit``, ``toml``, ``json``); any other fence and every inline span
is scanned as code of no known language (distinctive spellings only). Prose is
never looked at.
"""

from __future__ import annotations

import re

from .hits import Hits
from .spellings import V3Spellings

_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`{]*)[^\n]*$", re.M)
_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.S)
_LANGS = {"rust": "rust", "rs": "rust", "python": "python", "py": "python", "python3": "python",
          "wit": "wit", "toml": "toml", "json": "json", "jsonc": "json"}


def scan_markdown(text: str, s: V3Spellings) -> Hits:
    from . import scan_text  # the per-language scanners

    hits = Hits()
    pos = 0
    prose: list[tuple[int, int]] = []
    while True:
        m = _FENCE_OPEN.search(text, pos)
        if m is None:
            prose.append((pos, len(text)))
            break
        prose.append((pos, m.start()))
        fence = m.group(1)
        close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        body_start = m.end() + 1
        end = close.search(text, body_start)
        body_end = end.start() if end else len(text)
        language = _LANGS.get(m.group(2).lower(), "code")
        if body_start < body_end:
            nested = scan_text(language, text[body_start:body_end], s)
            for hit in nested.sorted():
                hits.add(hit.start + body_start, hit.end + body_start, hit.name, hit.shown)
        pos = end.end() if end else len(text)
        if pos >= len(text):
            break
    from .text import scan_code

    for start, end in prose:
        for span in _SPAN.finditer(text, start, end):
            code = span.group(2)
            for hit in scan_code(code, s).sorted():
                at = span.start(2)
                hits.add(hit.start + at, hit.end + at, hit.name, hit.shown)
    return hits

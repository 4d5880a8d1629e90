"""Markdown: code spans and fenced code blocks, scanned as the code they hold.

The structure comes from the Markdown adapter's CommonMark parse
(:func:`rbmigrate.lang.markdown.document.parse`, markdown-it-py), so the pass and
the adapter agree on what is code: fenced and indented blocks, inline code spans
(not escaped backticks), ``<code>`` in HTML, spans in table cells and front
matter. A fence's info string picks the scanner (``rust``, ``python``, ``wit``,
``toml``, ``json``); any other block and every inline span is scanned as code of
no known language (distinctive spellings only). Prose is never looked at.
"""

from __future__ import annotations

from .hits import Hits
from .spellings import V3Spellings

_LANGS = {"rust": "rust", "rs": "rust", "python": "python", "py": "python", "python3": "python",
          "wit": "wit", "toml": "toml", "json": "json", "jsonc": "json"}


def _char_index(data: bytes, text: str):
    """Byte offset in ``data`` → character offset in ``text`` (identity for ASCII)."""
    if len(data) == len(text):
        return lambda b: b
    starts = []
    for ch in text:
        starts.append(len(ch.encode("utf-8", "surrogateescape")))
    table = [0] * (len(data) + 1)
    pos = 0
    for i, width in enumerate(starts):
        for k in range(width):
            table[pos + k] = i
        pos += width
    table[len(data)] = len(text)
    return table.__getitem__


def _byte_index(text: str):
    """Character offset in ``text`` → byte offset of its UTF-8 encoding."""
    if text.isascii():
        return lambda c: c
    return lambda c: len(text[:c].encode("utf-8", "surrogateescape"))


def scan_markdown(text: str, s: V3Spellings) -> Hits:
    from ..lang.markdown.document import parse
    from ..lang.markdown.source import Source
    from . import scan_text  # the per-language scanners
    from .text import scan_code

    data = text.encode("utf-8", "surrogateescape")
    try:
        doc = parse(Source(data))
    except UnicodeDecodeError:  # not UTF-8: no structure to trust, so every spelling counts
        return scan_code(text, s)
    to_char = _char_index(data, text)
    hits = Hits()
    for fence in doc.fences:
        body = fence.content.decode("utf-8", "surrogateescape")
        if not body or not fence.starts:
            continue
        to_byte = _byte_index(body)
        found = scan_text(_LANGS.get(fence.language, "code"), body, s)
        for hit in found.sorted():
            start = fence.to_file(to_byte(hit.start))
            end = fence.to_file(to_byte(hit.end))
            hits.add(to_char(start), to_char(end), hit.name, hit.shown)
    for inline in doc.inlines:
        for span in inline.spans:
            content = span.content
            for hit in scan_code(content.text, s).sorted():
                start, end = content.span(hit.start, hit.end)
                hits.add(to_char(start), to_char(end), hit.name, hit.shown)
    return hits

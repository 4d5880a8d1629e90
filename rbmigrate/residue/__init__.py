"""The residue pass: every v3 spelling left in the planned output is reported (RB920).

The adapters migrate what they recognise and report what they cannot rewrite;
this pass makes "nothing v3 is left silently" an invariant the engine checks,
independent of what each adapter remembers. It runs after planning, on the
planned output of every file of a unit that can hold a v3 token (a gate regex
decides), including files no adapter parsed (``.toml``, ``.json``, Markdown, and
``.rs``/``.py``/``.wit`` files an adapter's prefilter skipped).

Modules: :mod:`.spellings` (the v3 spellings, derived from the rule table),
:mod:`.gate` (which files can hold one), one scanner per kind of file
(:mod:`.rust`, :mod:`.python`, :mod:`.wit`, :mod:`.text` for TOML, JSON and code
of no known language, :mod:`.markdown`), :mod:`.locate` (output offsets back to
the original file) and :mod:`.check` (the pass itself).
"""

from __future__ import annotations

from ..model import RESIDUE_RULE_ID as RULE_ID
from .gate import KINDS, scan_kind
from .hits import Hit, Hits
from .spellings import V3Name, V3Spellings, spellings_for


def scan_text(kind: str, text: str, spellings: V3Spellings, protocol: bool | None = None) -> Hits:
    """Every v3 spelling in ``text`` scanned as ``kind`` (see :data:`KINDS`, or ``"code"``);
    offsets are characters of ``text``."""
    bom = 1 if text.startswith("\ufeff") else 0
    body = text[bom:]
    if kind == "rust":
        from .rust import scan_rust

        found = scan_rust(body, spellings)
    elif kind == "python":
        from .python import scan_python

        found = scan_python(body, spellings)
    elif kind == "wit":
        from .wit import scan_wit

        data = body.encode("utf-8", "surrogateescape")
        raw = scan_wit(data, spellings, protocol)
        found = Hits()
        ascii_only = len(data) == len(body)
        for hit in raw.sorted():
            start = hit.start if ascii_only else len(data[:hit.start].decode("utf-8", "surrogateescape"))
            end = hit.end if ascii_only else len(data[:hit.end].decode("utf-8", "surrogateescape"))
            found.add(start, end, hit.name, hit.shown)
    elif kind == "toml":
        from .text import scan_toml

        found = scan_toml(body, spellings)
    elif kind == "json":
        from .text import scan_json

        found = scan_json(body, spellings)
    elif kind == "markdown":
        from .markdown import scan_markdown

        found = scan_markdown(body, spellings)
    else:
        from .text import scan_code

        found = scan_code(body, spellings)
    if not bom:
        return found
    shifted = Hits(bom)
    for hit in found.sorted():
        shifted.add(hit.start, hit.end, hit.name, hit.shown, binds=hit.binds)
    for name, starts in found.uses.items():
        for start in starts:
            shifted.use(name, start)
    return shifted


__all__ = ["RULE_ID", "KINDS", "Hit", "Hits", "V3Name", "V3Spellings", "scan_kind", "scan_text", "spellings_for"]

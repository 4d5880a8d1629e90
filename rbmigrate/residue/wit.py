"""WIT: v3 spellings left in a file, found with our own lexer (:mod:`rbmigrate.lang.wit.lexer`).

In a ``rapidbyte:connector`` package (a file that declares it, or a file of a
folder whose package does) every identifier is a protocol name: the v3-only
names (``emit-batch``, ``types``, ``validation-result``, ``details-json``) are
reported wherever they appear, ``host`` where it names an interface (``interface
host``, ``import host;``, ``use host.{…}``) and ``discover`` where it is a
function (v4 keeps both words for other things: a parameter, a phase).

In any other package only paths into the protocol count: ``use
rapidbyte:connector/types@3.0.0.{validation-result}`` (the v3 interface, the v3
version and the v3 names it imports). Comments are not looked at.
"""

from __future__ import annotations

import re

from .hits import Hits
from .spellings import V3Name, V3Spellings

_TRIVIA = {"whitespace", "line-comment", "doc-comment", "block-comment", "block-doc-comment", "bom"}
_IFACE_KEYWORDS = {"interface", "import", "export", "use", "/"}


_PACKAGE_DECL = re.compile(rb"(?m)^\s*package\s+([%\w-]+)\s*:\s*([%\w-]+)\s*(?:@\s*([0-9][0-9.]*))?")


def declares_protocol(data: bytes) -> bool:
    """Does the file declare ``package rapidbyte:connector`` at version 3, 4 or none? (A line scan:
    the package declaration opens the file, before anything a comment could hide.)"""
    m = _PACKAGE_DECL.search(data)
    if m is None or (m.group(1), m.group(2)) != (b"rapidbyte", b"connector"):
        return False
    return m.group(3) is None or m.group(3) in _VERSIONS


def _significant(data: bytes):
    from ..lang.wit.errors import WitSyntaxError
    from ..lang.wit.lexer import tokenize

    try:
        return [t for t in tokenize(data) if t.kind not in _TRIVIA]
    except WitSyntaxError:
        return None


def _text(t) -> str:
    return t.text.decode("utf-8")


def _is_protocol_path(toks, i: int) -> bool:
    return (i + 2 < len(toks) and toks[i].kind == "id" and _text(toks[i]) == "rapidbyte"
            and toks[i + 1].kind == ":" and _text(toks[i + 2]) == "connector")


_VERSIONS = (b"3.0.0", b"4.0.0")


def _version_after(toks, j: int) -> bytes | None:
    """The version written at token ``j`` (``@3.0.0``), or None when there is none."""
    if j < len(toks) and toks[j].kind == "@":
        return b"".join(t.text for t in toks[j + 1:j + 6])
    return None


def _is_protocol_package(toks, i: int) -> bool:
    """``package rapidbyte:connector@3.0.0`` or ``@4.0.0`` (other versions are not migrated: RB909)."""
    if not _is_protocol_path(toks, i):
        return False
    version = _version_after(toks, i + 3)
    return version is None or version in _VERSIONS


def scan_wit(data: bytes, spellings: V3Spellings, protocol: bool | None = None) -> Hits:
    """Hits in *byte* offsets of ``data``. ``protocol``: the folder's package is ours (for files
    that declare no package themselves)."""
    s = spellings
    hits = Hits()
    toks = _significant(data)
    if not toks:
        return hits
    own = None
    for i, t in enumerate(toks):
        if t.kind == "package":
            own = _is_protocol_package(toks, i + 1)
            break
    protocol = own if own is not None else bool(protocol)
    n = len(toks)
    for i, t in enumerate(toks):
        if t.kind == "id" and _text(t) == "rapidbyte" and _is_protocol_path(toks, i):
            if not (i and toks[i - 1].kind == "package"):
                _path(toks, i, hits, s)
            elif protocol and _version_after(toks, i + 3) == b"3.0.0":
                _path(toks, i, hits, s)  # `package rapidbyte:connector@3.0.0;` itself (RB001)
            continue
        if not protocol or t.kind != "id":
            continue
        name = _text(t).lstrip("%")
        prev = toks[i - 1].kind if i else ""
        nxt = toks[i + 1].kind if i + 1 < n else ""
        if prev == ":" and i >= 2 and _text(toks[i - 2]) == "rapidbyte":
            continue  # the package name itself
        if name in s.wit_names:
            hits.add(t.start, t.start + len(t.text), s.wit_names[name], name)
        elif name in s.wit_interfaces and (prev in _IFACE_KEYWORDS or nxt == "."):
            if prev == "/" and i >= 3 and _text(toks[i - 2]) == "connector":
                continue  # reported with its path
            hits.add(t.start, t.start + len(t.text), s.wit_interfaces[name], name)
        elif name in s.wit_functions and nxt == ":" and i + 2 < n and toks[i + 2].kind == "func":
            hits.add(t.start, t.start + len(t.text), s.wit_functions[name], name)
    return hits


def _path(toks, i: int, hits: Hits, s: V3Spellings) -> None:
    """``rapidbyte:connector[/iface][@3.0.0][.{names}]`` starting at token ``i``."""
    n = len(toks)
    j = i + 3
    iface: V3Name | None = None
    k = j + 2 if j + 1 < n and toks[j].kind == "/" else j
    version = _version_after(toks, k)
    if version is not None and version not in _VERSIONS:
        return  # another version of the protocol: not migrated (RB909)
    if j + 1 < n and toks[j].kind == "/" and toks[j + 1].kind == "id":
        name = _text(toks[j + 1]).lstrip("%")
        iface = s.wit_interfaces.get(name)
        if iface is not None:
            t = toks[j + 1]
            hits.add(t.start, t.start + len(t.text), iface, f"rapidbyte:connector/{name}")
        j += 2
    if j + 5 < n and toks[j].kind == "@":
        version = b"".join(t.text for t in toks[j + 1:j + 6])
        if version == b"3.0.0":
            end = toks[j + 5].start + len(toks[j + 5].text)
            rule = iface if iface is not None else s.package
            hits.add(toks[j].start, end, rule, "@3.0.0")
        j += 6
    if iface is not None and j + 1 < n and toks[j].kind == "." and toks[j + 1].kind == "{":
        k = j + 2
        while k < n and toks[k].kind != "}":
            t = toks[k]
            if t.kind == "id" and (k == j + 2 or toks[k - 1].kind == ","):
                name = _text(t).lstrip("%")
                if name in s.wit_names:
                    hits.add(t.start, t.start + len(t.text), s.wit_names[name], name)
            k += 1

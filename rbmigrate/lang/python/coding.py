"""PEP 263 coding cookies (``# -*- coding: latin-1 -*-`` on line 1 or 2).

The pipeline works on UTF-8 bytes. A file that declares another encoding is decoded by it here, its
UTF-8 form is migrated, and the engine writes the result back in the declared encoding
(:meth:`rbmigrate.model.FileResult.on_disk`). A cookie Python would reject, or bytes the declared
encoding cannot decode (or not give back exactly), is a located error that names the cookie.
"""

from __future__ import annotations

import codecs
import re

from ...textio import BOM, line_col
from ..base import ParseError

# the regular expression of PEP 263 (and of CPython's tokenizer)
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")


def find_cookie(data: bytes) -> tuple[str, int, int] | None:
    """``(encoding name, line, column)`` of the coding cookie, if the file has one."""
    lines = data.split(b"\n", 2)[:2]
    for number, line in enumerate(lines, 1):
        match = _COOKIE.match(line[3:] if number == 1 and line.startswith(BOM) else line)
        if match:
            col = match.start(1) + 1 + (3 if number == 1 and line.startswith(BOM) else 0)
            return match.group(1).decode("ascii"), number, col
        if not _BLANK_OR_COMMENT.match(line):
            break  # the cookie may be on line 2 only below a comment or blank line
    return None


def declared_encoding(data: bytes, shown: str) -> tuple[bytes, str | None]:
    """``data`` as UTF-8, and the encoding to write it back in (None: it is UTF-8 already)."""
    cookie = find_cookie(data)
    if cookie is None:
        return data, None
    name, line, col = cookie
    where = f"the coding cookie on line {line} declares {name!r}"
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise ParseError(shown, line, col, f"unknown encoding {name!r} in the coding cookie") from None
    if codec.name == "utf-8":
        return data, None  # the adapter checks UTF-8 itself
    if data.startswith(BOM):
        raise ParseError(shown, 1, 1, f"a UTF-8 byte order mark, but {where}")
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError as exc:
        at_line, at_col = line_col(data, exc.start)
        raise ParseError(shown, at_line, at_col, f"not valid {codec.name} ({exc.reason}); {where}") from None
    if text.encode(codec.name) != data:
        raise ParseError(shown, line, col, f"{where}, and its bytes do not survive a round trip through it; "
                                           "convert the file to UTF-8 first")
    return text.encode("utf-8"), codec.name

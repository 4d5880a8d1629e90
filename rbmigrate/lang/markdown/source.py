"""A Markdown file as bytes, text and lines: every position maps back to an exact byte offset.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` (as CommonMark and markdown-it see them), so a
line number of the parser is a line number here; a UTF-8 BOM is kept outside the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...textio import BOM

_EOL = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # byte offset of the first character
    text: str  # without its line ending
    eol: str  # "\r\n", "\r", "\n" or "" (the last line)

    @property
    def end(self) -> int:
        """Byte offset of the line ending (the end of ``text``)."""
        return self.start + len(self.text.encode("utf-8"))


class Source:
    """Bytes of one file; ``text`` is decoded without the BOM (raises ``UnicodeDecodeError``)."""

    def __init__(self, data: bytes):
        self.data = data
        self.bom = len(BOM) if data.startswith(BOM) else 0
        self.text = data[self.bom :].decode("utf-8")
        self.lines: list[Line] = []
        pos, byte = 0, self.bom
        for m in _EOL.finditer(self.text):
            text = self.text[pos : m.start()]
            self.lines.append(Line(byte, text, m.group(0)))
            byte += len(text.encode("utf-8")) + len(m.group(0))
            pos = m.end()
        self.lines.append(Line(byte, self.text[pos:], ""))

    def byte_at(self, line: int, col: int) -> int:
        """Byte offset of character ``col`` (0-based) of line ``line`` (0-based)."""
        entry = self.lines[line]
        if entry.text.isascii():
            return entry.start + col
        return entry.start + len(entry.text[:col].encode("utf-8"))

    def newline(self) -> str:
        for line in self.lines:
            if line.eol:
                return line.eol
        return "\n"

"""The located syntax error raised by the WIT lexer and parser."""

from __future__ import annotations

_BOM = b"\xef\xbb\xbf"


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset` in `data`.

    A UTF-8 byte order mark at the start of the input is not counted as a
    column; a partial (invalid) UTF-8 sequence counts one column per byte.
    """
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    if line_start == 0 and data.startswith(_BOM) and offset >= len(_BOM):
        line_start = len(_BOM)
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


class WitSyntaxError(Exception):
    """A WIT syntax error at a known place.

    `str(err)` reads ``path:line:col: expected <what>, found <what>``.
    """

    def __init__(
        self,
        path: str,
        line: int,
        col: int,
        expected: str,
        found: str,
        offset: int = 0,
    ) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.expected = expected
        self.found = found
        self.offset = offset
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: expected {self.expected}, found {self.found}"

    @classmethod
    def at(cls, data: bytes, path: str, offset: int, expected: str, found: str) -> "WitSyntaxError":
        line, col = line_col(data, offset)
        return cls(path, line, col, expected, found, offset)

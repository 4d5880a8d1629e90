"""The located syntax error raised by the WIT lexer and parser."""

from __future__ import annotations

from ...textio import line_col


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

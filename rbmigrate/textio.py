"""Bytes in, bytes out: positions, line endings and atomic writes.

Files are handled as bytes end to end so that untouched bytes (a BOM, CRLF line
endings, a missing final newline) survive exactly.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

BOM = b"\xef\xbb\xbf"


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset.

    A UTF-8 byte order mark at the start of the input is not counted as a column; a partial
    (invalid) UTF-8 sequence counts as the replacement characters it decodes to."""
    offset = max(0, min(offset, len(data)))
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    if line == 1 and data.startswith(BOM) and offset >= 3:
        col -= 1
    return line, col


def offset_of(data: bytes, line: int, col: int) -> int:
    """The byte offset of a 1-based line and (character) column: the inverse of :func:`line_col` (a BOM is
    not a column of line 1)."""
    start = len(BOM) if line == 1 and data.startswith(BOM) else 0
    for _ in range(line - 1):
        nl = data.find(b"\n", start)
        if nl < 0:
            return len(data)
        start = nl + 1
    end = data.find(b"\n", start)
    text = data[start : len(data) if end < 0 else end].decode("utf-8", "replace")
    return start + len(text[: max(col - 1, 0)].encode("utf-8"))


def newline_of(data: bytes) -> str:
    """The file's line ending: ``"\\r\\n"`` if its first line ends so, else ``"\\n"``."""
    first = data.find(b"\n")
    return "\r\n" if first > 0 and data[first - 1 : first] == b"\r" else "\n"


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (a BOM is kept as U+FEFF); raise ``UnicodeDecodeError`` with a location."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        raise ValueError(f"{path}:{line}:{col}: not valid UTF-8 ({exc.reason})") from None


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its file mode.

    A temporary file is written in the same folder, flushed to disk, given the
    original mode and renamed over the target, so a crash at any moment leaves
    either the old file or the new one, never a mix.
    """
    path = Path(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(f"{path}: file is read-only")
    # .NAME.PID.RANDOM.rbmigrate-tmp: a later run removes it if this process dies (rbmigrate.journal.recover)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".rbmigrate-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_output(path: Path, data: bytes) -> None:
    """Write a report or patch the user asked for: atomically when ``path`` is (or will be) a regular file,
    straight into it when it is a device, a FIFO or a terminal (``-o /dev/null``, ``-o /dev/stdout``), which
    a rename would replace by a regular file."""
    path = Path(path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    if regular:
        atomic_write(path, data)
        return
    with open(path, "wb") as handle:
        handle.write(data)

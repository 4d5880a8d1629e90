"""``--patch FILE``: every pending change as one git-style patch.

Paths are the ones shown in reports (relative to the current directory), so
the patch applies with ``git apply FILE`` (or ``patch -p1``) from the folder
rbmigrate ran in. Bytes are kept exactly: CRLF lines stay CRLF, and a missing
final newline is marked ``\\ No newline at end of file``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import RunResult
from .diff import unified_diff


def render(run: RunResult) -> bytes:
    files = sorted((f for f in run.files if f.changed), key=lambda f: f.path)
    text = "".join(unified_diff(f.path, f.on_disk(f.before), f.on_disk(f.after)) for f in files)  # the bytes on disk
    return text.encode("utf-8", errors="surrogateescape")


def write(path: Path, run: RunResult) -> None:
    from ..textio import write_output

    write_output(Path(path), render(run))

"""Reports and patches go where the user points them, without replacing what is there.

Writing `-o /dev/null` through a temporary file and a rename once replaced /dev/null with a regular file
(on a shared machine: every later `git` call failed). A device, a FIFO or a terminal is written into.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from click.testing import CliRunner

from rbmigrate.cli import main
from rbmigrate.textio import write_output

REPO = Path(__file__).resolve().parent.parent


def _read_fifo(path: Path, out: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:
            out.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    write_output(fifo, b"hello\n")
    thread.join(10)
    assert got == [b"hello\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_regular_file_is_replaced_atomically(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    write_output(target, b"new")
    assert target.read_bytes() == b"new"
    assert not list(tmp_path.glob("*.rbmigrate-tmp"))


def test_the_cli_report_to_a_fifo(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "-o", str(fifo),
                                       str(REPO / "testdata" / "wit" / "canonical")])
    thread.join(10)
    assert result.exit_code in (0, 1), result.output
    assert got and got[0].startswith(b"{")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)

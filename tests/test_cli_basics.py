"""--version and --help on every command; start-up stays light."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from rbmigrate import __version__
from rbmigrate.cli import main


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", [()] + list(_commands(main)), ids=lambda c: " ".join(c) or "rbmigrate")
def test_help_on_every_command(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_start_up_does_not_import_heavy_modules():
    code = (
        "import sys; from rbmigrate.cli import main\n"
        "heavy = [m for m in ('libcst', 'wasmtime', 'rich', 'tree_sitter', 'tomlkit', 'componentize_py') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_console_script_runs():
    from pathlib import Path

    exe = Path(sys.executable).with_name("rbmigrate")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True).stdout
    assert __version__ in out

"""Issue 11's proof: one table entry moves a host function to another interface in every adapter.

A temporary data root (a copy of rules/ and wit/, through RBMIGRATE_DATA) gets a rule that renames the
host function `frame-drop` to `frame-release` and moves it to the `telemetry` interface, the canonical
v4 package that says so, and the rule's WIT, Rust and Python cases with hand-written snapshots. The
cases must pass with no code change: `rbmigrate rules test RB190` runs in a fresh process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

RULE = '''
[[rule]]
id = "RB190"
name = "frame-release"
title = "`frame-drop` is now `frame-release`, in `telemetry`"
kind = "move"
fix = "safe"
languages = ["wit", "rust", "python"]
why = """
A test rule: a host function that is renamed and moves to another interface.
"""
[rule.wit]
item = "function"
interface = "host"
from = "frame-drop"
to = "frame-release"
to-interface = "telemetry"
'''

PYTHON = '''from wit_world import exports
from wit_world.imports import host


def release_all(handles):
    for h in handles:
        host.frame_drop(h)
    host.emit_batch(handles[0])
'''

PYTHON_AFTER = '''from wit_world import exports
from wit_world.imports import host_io, telemetry


def release_all(handles):
    for h in handles:
        telemetry.frame_release(h)
    host_io.batch_emit(handles[0])
'''

PYTHON_FROM = '''from wit_world.imports.host import emit_batch, frame_drop


def release(h):
    frame_drop(h)
    emit_batch(h)
'''

PYTHON_FROM_AFTER = '''from wit_world.imports.host_io import batch_emit
from wit_world.imports.telemetry import frame_release


def release(h):
    frame_release(h)
    batch_emit(h)
'''

RUST = '''use crate::bindings::rapidbyte::connector::host;

pub fn release(handle: u64) {
    host::frame_drop(handle);
    host::emit_batch(handle).unwrap();
}

pub fn release_full(handle: u64) {
    crate::bindings::rapidbyte::connector::host::frame_drop(handle);
}
'''

RUST_AFTER = '''use crate::bindings::rapidbyte::connector::{host_io, telemetry};

pub fn release(handle: u64) {
    telemetry::frame_release(handle);
    host_io::batch_emit(handle).unwrap();
}

pub fn release_full(handle: u64) {
    crate::bindings::rapidbyte::connector::telemetry::frame_release(handle);
}
'''


def _data_root(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "rules", data / "rules", ignore=shutil.ignore_patterns("cases"))
    shutil.copytree(REPO / "wit", data / "wit")
    v4 = data / "wit" / "v4" / "rapidbyte-connector.wit"
    text = v4.read_text(encoding="utf-8")
    assert "    frame-drop: func(handle: u64);\n" in text
    text = text.replace("    frame-drop: func(handle: u64);\n", "")
    start = text.index("interface telemetry {")
    end = text.index("\n}", start)
    text = text[:end] + "\n\n    frame-release: func(handle: u64);" + text[end:]
    v4.write_text(text, encoding="utf-8")
    (data / "rules" / "zz-moved.toml").write_text(RULE, encoding="utf-8")

    cases = data / "rules" / "cases" / "RB190"
    cases.mkdir(parents=True)
    # WIT: the canonical v3 package; expected = the reviewed standard migration (RB001's snapshot) with the
    # function gone from host-io and added, without docs of its own, at the end of telemetry
    shutil.copy(REPO / "wit" / "v3" / "rapidbyte-connector.wit", cases / "wit-package.wit")
    standard = (REPO / "rules" / "cases" / "RB001" / "wit-package.wit.after").read_text(encoding="utf-8")
    assert standard.count("    frame-drop: func(handle: u64);\n") == 1
    expected = standard.replace("    frame-drop: func(handle: u64);\n", "")
    start = expected.index("interface telemetry {")
    end = expected.index("\n}", start)
    expected = expected[:end] + "\n\n    frame-release: func(handle: u64);" + expected[end:]
    (cases / "wit-package.wit.after").write_text(expected, encoding="utf-8")
    for name, before, after in [("python-module.py", PYTHON, PYTHON_AFTER), ("python-from.py", PYTHON_FROM, PYTHON_FROM_AFTER),
                                ("rust-binding-paths.rs", RUST, RUST_AFTER)]:
        (cases / name).write_text(before, encoding="utf-8")
        (cases / f"{name}.after").write_text(after, encoding="utf-8")
    return data


def test_a_function_moved_to_another_interface_by_one_table_entry(tmp_path):
    data = _data_root(tmp_path)
    env = dict(os.environ, RBMIGRATE_DATA=str(data))
    proc = subprocess.run([sys.executable, "-m", "rbmigrate", "rules", "test", "-v", "RB190"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 cases, 4 passed" in proc.stderr and proc.stdout.count("ok ") == 4, proc.stdout + proc.stderr


def test_the_proof_has_teeth(tmp_path):
    """Without the table entry (same canonical WIT), the same cases fail: nothing else moves the function."""
    data = _data_root(tmp_path)
    (data / "rules" / "zz-moved.toml").unlink()
    env = dict(os.environ, RBMIGRATE_DATA=str(data))
    proc = subprocess.run([sys.executable, "-m", "rbmigrate", "rules", "test", "RB190"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0

"""Big Python modules are planned on their focus view (rbmigrate/lang/python/focus.py): the same edits,
output and findings as planning on the whole file, for every Python input the tests have."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from rbmigrate.discover import discover
from rbmigrate.engine import Options, run_units
from rbmigrate.lang.python import adapter as py_adapter
from rbmigrate.lang.python import focus
from rbmigrate.lang.python.adapter import PythonAdapter
from rbmigrate.ruletable import default_table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # bench/ (the big-module generator)


def outcome(paths: list[Path], base: Path) -> dict:
    units = discover(paths)
    out = {}
    for unit in run_units(units, Options(mode="check", base=base), 1):
        out[unit.root] = [(e.path, e.kind, e.message, e.line) for e in unit.errors]
        for f in unit.files:
            # findings as a sorted list: RB905 sites of one helper come in libcst's set order
            out[f.path] = (f.edits, f.after, sorted(f.findings, key=repr),
                           f.error and (f.error.kind, f.error.message, f.error.line, f.error.col))
    return out


def python_inputs(tmp_path: Path) -> Path:
    """Every Python input of the repository's tests: the connectors, each rule case, a generated module."""
    root = tmp_path / "inputs"
    shutil.copytree(REPO / "testdata" / "python" / "v3", root / "connectors",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for i, case in enumerate(sorted((REPO / "rules" / "cases").glob("*/*.py"))):
        (root / "cases" / f"c{i:03d}").mkdir(parents=True)
        shutil.copy(case, root / "cases" / f"c{i:03d}" / "app.py")
    from bench import bigmodule

    bigmodule.generate(root / "big", 2_500)
    return root


@pytest.fixture
def forced(monkeypatch):
    """Every module is planned on its view, whatever its size and however little the view leaves out."""
    used = []
    real = focus.focus_view

    def spy(*args, **kw):
        view = real(*args, **kw)
        used.append(view)
        return view

    monkeypatch.setattr(focus, "focus_view", spy)
    monkeypatch.setattr(focus, "MAX_SHARE", 1.0)
    monkeypatch.setattr(py_adapter, "FOCUS_MIN_LINES", 0)
    return used


def test_the_view_plans_what_the_whole_file_plans(tmp_path, monkeypatch, forced):
    root = python_inputs(tmp_path)
    with_view = outcome([root], tmp_path)
    views = [v for v in forced if v is not None]
    assert len(views) > 30 and any(v.kept_lines < v.lines / 2 for v in views)
    monkeypatch.setattr(py_adapter, "FOCUS_MIN_LINES", 10**9)
    whole = outcome([root], tmp_path)
    assert with_view.keys() == whole.keys()
    differ = [key for key in whole if whole[key] != with_view[key]]
    assert not differ
    assert sum(len(v[0]) for v in whole.values() if isinstance(v, tuple)) > 300  # edits were compared


def test_an_edit_reaching_into_a_blanked_statement_replans_on_the_whole_file(tmp_path, monkeypatch, forced):
    root = python_inputs(tmp_path)
    monkeypatch.setattr(focus.Focus, "touches", lambda self, start, end: True)
    replanned = outcome([root / "big"], tmp_path)
    monkeypatch.setattr(py_adapter, "FOCUS_MIN_LINES", 10**9)
    assert replanned == outcome([root / "big"], tmp_path)


def _view(text: str):
    data = text.encode()
    return focus.focus_view(data, 0, text, default_table(), PythonAdapter()._prefilter, min_lines=0)


def test_the_view_keeps_what_the_migration_can_reach_and_every_offset(monkeypatch):
    monkeypatch.setattr(focus, "MAX_SHARE", 1.0)
    text = (
        '"""Module docstring."""\n'
        "import json\n"
        "from wit_world.imports import host\n"
        "\n"
        "def unrelated(items):\n"  # the first block: kept (libcst reads the indentation from it)
        "    return sorted(items)\n"
        "\n"
        "def alone(x):\n"
        "    return x * 2  # nothing of the protocol\n"
        "\n"
        "LIMIT = 10\n"
        "\n"
        "def helper(n):\n"
        "    return min(n, LIMIT)\n"
        "\n"
        "def emit(frame):\n"
        "    host.emit_batch(helper(frame))\n"
        "\n"
        "def caller():\n"
        "    return helper(3)\n"
        "\n"
        "def dumps(v):\n"
        "    return json.dumps(v)\n"
        "\n"
        "@decorated\n"
        "def another(y):\n"
        "    return y\n"
    )
    view = _view(text)
    assert view is not None
    out = view.data.decode()
    assert len(view.data) == len(text.encode())
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    kept = {line for line in out.splitlines() if line.strip()}
    for line in ("import json", "from wit_world.imports import host", "def unrelated(items):",
                 "def emit(frame):", "def helper(n):", "LIMIT = 10",  # what `emit` uses, and what that uses
                 "def caller():",  # mentions `helper`, which a kept statement binds
                 "def dumps(v):"):  # mentions an import
        assert line in kept, line
    for line in ("def alone(x):", "@decorated", "def another(y):"):
        assert line not in kept, line
    assert view.touches(text.index("def alone"), text.index("def alone") + 3)
    assert not view.touches(text.index("def emit"), text.index("def emit") + 3)


def test_no_view_for_star_imports_syntax_errors_lone_cr_or_little_to_leave_out():
    body = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(50))
    assert _view("from wit_world.imports.host import *\n" + body) is None
    assert _view("import json\n" + body + "def broken(:\n") is None
    assert _view("import json\r" + body) is None
    assert _view("import json\n" + "".join(f"def f{i}():\n    return json.dumps({i})\n" for i in range(50))) is None
    assert _view("import json\n" + body) is not None

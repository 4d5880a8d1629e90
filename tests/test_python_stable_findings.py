"""Findings are a function of the code, not of the run count (issue 17).

Property: for every Python fixture (testdata/python/v3/*) and every Python rule case (rules/cases/*/python-*),
`apply` run twice writes nothing the second time and reports the same findings. Findings of the first run are
compared at their place in the text they end up in: each position is carried through the first run's edits
into the migrated file, where the second run reports it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rbmigrate.engine import Options, run, write_results
from rbmigrate.rulecases import _materialise, iter_cases
from rbmigrate.textio import line_col

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"

FIXTURES = sorted(p.name for p in V3.iterdir() if p.is_dir())
CASES = [(rule, name, path) for rule, name, path in iter_cases()
         if name.startswith("python-") and not name.endswith(".manifest.json")]


def _offset(data: bytes, line: int, col: int) -> int:
    """The byte offset of a 1-based line and (character) column."""
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    start = starts[line - 1] if line - 1 < len(starts) else len(data)
    end = data.find(b"\n", start)
    text = data[start:len(data) if end < 0 else end].decode("utf-8", "replace")
    return start + len(text[: col - 1].encode("utf-8"))


def _carry(offset: int, edits) -> int:
    """Where a position of the input is in the output (a position inside a replaced span: the replacement's start)."""
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.end <= offset and not (e.start == e.end == offset):
            shift += len(e.replacement.encode("utf-8")) - (e.end - e.start)
        elif e.start <= offset < e.end:
            return e.start + shift
    return offset + shift


# RB505 is not about code: it announces the unit action that regenerates checked-in v3 bindings, which the
# first run performs (then there is nothing left to announce).
ACTION_NOTES = {"RB505"}


def _findings(result, *, carry: bool) -> list[tuple]:
    out = []
    for fres in result.files:
        for f in fres.findings:
            if f.rule_id in ACTION_NOTES:
                continue
            line, col = f.line, f.col
            if carry and fres.changed:
                line, col = line_col(fres.after, _carry(_offset(fres.before, f.line, f.col), fres.edits))
            out.append((f.path, line, col, f.rule_id, f.severity.value, f.message))
    return sorted(out)


def _apply_twice(root: Path) -> tuple[list[tuple], list[tuple], list[str]]:
    first, path_map = run([root], Options(mode="apply", base=root))
    assert not first.errors, [e.message for e in first.errors]
    write_results(first, path_map)
    assert not first.errors, [e.message for e in first.errors]
    second, _ = run([root], Options(mode="apply", base=root))
    assert not second.errors, [e.message for e in second.errors]
    changed = [f.path for f in second.files if f.changed]
    return _findings(first, carry=True), _findings(second, carry=False), changed


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_second_apply_writes_nothing_and_reports_the_same(tmp_path, name):
    root = tmp_path / name
    shutil.copytree(V3 / name, root, ignore=shutil.ignore_patterns("__pycache__"))
    first, second, changed = _apply_twice(root)
    assert changed == []
    assert second == first


@pytest.mark.parametrize("rule, name, path", CASES, ids=[f"{r}/{n}" for r, n, _ in CASES])
def test_rule_case_second_apply_writes_nothing_and_reports_the_same(tmp_path, rule, name, path):
    _materialise(path, tmp_path)
    first, second, changed = _apply_twice(tmp_path)
    assert changed == []
    assert second == first


def test_the_property_sees_both_runs(tmp_path):
    """The comparison is not vacuous: the issue's transform has findings on both runs when its helper is shared."""
    root = tmp_path / "t"
    shutil.copytree(V3 / "transform-mask", root)
    app = root / "app.py"
    text = app.read_text()
    # the metric helper gets a second, non-protocol use: its call sites stay v3, with RB901, on every run
    text = text.replace("        return wt.TransformSummary(", "        print(_metric(\"x\", 1, stream))\n"
                        "        return wt.TransformSummary(", 1)
    app.write_text(text)
    first, second, changed = _apply_twice(root)
    assert changed == []
    assert [f for f in first if f[3] == "RB901"] and second == first

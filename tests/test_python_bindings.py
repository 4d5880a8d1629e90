"""Checked-in componentize-py bindings (wit_world/) regenerated from wit/v4 (RB505): atomic, never half-done."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rbmigrate.bindings import BindingsError, generate, regenerate, swap
from rbmigrate.resources import wit_dir

ROOT = Path(__file__).resolve().parent.parent
TRANSFORM = ROOT / "testdata" / "python" / "v3" / "transform-sql"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def connector(tmp_path) -> Path:
    """A connector with v3 bindings checked in (generated from wit/v3, as `componentize-py bindings` does)."""
    root = tmp_path / "conn"
    root.mkdir()
    (root / "manifest.json").write_text(json.dumps({"id": "a/t", "role": "transform", "protocol_version": "3"}))
    (root / "app.py").write_text("from wit_world import exports\n")
    out = tmp_path / "gen3"
    generate(out, "rapidbyte-transform", wit_dir("v3"))
    shutil.copytree(out / "wit_world", root / "wit_world")
    (root / "componentize_py_types.py").write_text("# stale copy\n")
    return root


def test_regenerate_replaces_v3_bindings_with_v4(connector):
    assert (connector / "wit_world" / "imports" / "host.py").exists()
    replaced = regenerate(str(connector))
    assert replaced == ["wit_world", "componentize_py_types.py"]
    imports = sorted(p.name for p in (connector / "wit_world" / "imports").glob("*.py"))
    assert imports == ["__init__.py", "core_types.py", "host_io.py", "stream_types.py", "telemetry.py"]
    assert "class Transform(Protocol):" in (connector / "wit_world" / "exports" / "__init__.py").read_text()
    assert (connector / "componentize_py_types.py").read_text() != "# stale copy\n"
    assert not (connector / "poll_loop.py").exists()  # only what was checked in is refreshed
    assert sorted(p.name for p in connector.iterdir()) == ["app.py", "componentize_py_types.py", "manifest.json",
                                                           "wit_world"]


def test_a_failed_generation_leaves_the_old_bindings(connector, tmp_path):
    before = _tree(connector)
    bad = tmp_path / "bad-wit"
    bad.mkdir()
    (bad / "broken.wit").write_text("package rapidbyte:connector@4.0.0;\ninterface {\n")
    with pytest.raises(BindingsError, match="componentize-py bindings failed"):
        regenerate(str(connector), wit_dir=str(bad))
    assert _tree(connector) == before


def test_a_failed_swap_puts_the_old_bindings_back(connector, monkeypatch):
    before = _tree(connector)
    real = os.rename

    def flaky(src, dst):
        if ".rbmigrate-bindings-" in str(src):  # the new tree moving in
            raise OSError("disk on fire")
        return real(src, dst)

    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(BindingsError, match="old wit_world is in place"):
        regenerate(str(connector))
    monkeypatch.undo()
    assert _tree(connector) == before
    assert sorted(p.name for p in connector.iterdir()) == ["app.py", "componentize_py_types.py", "manifest.json",
                                                           "wit_world"]


def test_swap_of_a_missing_target_just_moves_in(tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    (new / "x").write_text("1")
    swap(new, tmp_path / "target")
    assert (tmp_path / "target" / "x").read_text() == "1" and not new.exists()


def test_world_comes_from_the_manifest_role(connector):
    (connector / "manifest.json").write_text(json.dumps({"id": "a/s", "role": "source"}))
    regenerate(str(connector))
    assert (connector / "wit_world" / "exports" / "source.py").exists()
    (connector / "manifest.json").write_text(json.dumps({"id": "a/s", "role": "sink"}))
    with pytest.raises(BindingsError, match="role 'sink'"):
        regenerate(str(connector))


def test_bindings_command(connector, tmp_path):
    from rbmigrate.cli_bindings import bindings

    result = CliRunner().invoke(bindings, [str(connector)])
    assert result.exit_code == 0, result.output
    assert "regenerated wit_world, componentize_py_types.py" in result.output
    assert (connector / "wit_world" / "imports" / "host_io.py").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = CliRunner().invoke(bindings, [str(empty)])
    assert failed.exit_code == 2 and "manifest.json" in failed.output


def test_apply_plans_and_performs_the_regeneration(tmp_path):
    from rbmigrate.engine import Options, run, write_results

    root = tmp_path / "transform-sql"
    shutil.copytree(TRANSFORM, root, ignore=shutil.ignore_patterns("__pycache__"))
    planned, _ = run([root], Options(mode="diff", base=tmp_path))
    (action,) = planned.units[0].actions
    assert (action.kind, action.rule_id, action.path) == ("regenerate-bindings", "RB505", "transform-sql/wit_world")
    assert action.params == {"root": str(root), "world": "rapidbyte-transform"}
    assert (root / "wit_world" / "imports" / "host.py").exists()  # diff mode writes nothing

    result, path_map = run([root], Options(mode="apply", base=tmp_path))
    write_results(result, path_map)
    assert result.units[0].actions[0].done and not result.units[0].errors
    assert (root / "wit_world" / "imports" / "host_io.py").exists()
    assert not (root / "wit_world" / "imports" / "host.py").exists()

    again, _ = run([root], Options(mode="scan", base=tmp_path))
    assert again.units[0].actions == []

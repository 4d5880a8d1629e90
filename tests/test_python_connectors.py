"""The three first-party v3 Python connectors, migrated with `rbmigrate apply`:

- the output matches the golden files in testdata/python/expected/<connector>/ (RBMIGRATE_UPDATE_GOLDEN=1
  rewrites them), checked-in bindings are regenerated for v4, a second run changes nothing and
  `rbmigrate scan` has nothing to report;
- each builds with componentize-py against wit/v4, its module imports cleanly against v4 bindings and
  every v4 name it uses exists;
- (PostgreSQL) source → transform → destination on the v4 host gives what the v3 originals give on the
  v3 host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"
EXPECTED = ROOT / "testdata" / "python" / "expected"
CONNECTORS = ["source-postgres", "dest-postgres", "transform-sql", "transform-mask"]
IGNORED = {"__pycache__", "wit_world"}
V4_MODULES = ("host_io", "core_types", "stream_types", "telemetry")


def _files(root: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not IGNORED & set(rel.parts) and not path.name.endswith(".pyc"):
            out[rel.as_posix()] = path.read_bytes()
    return out


def _copy(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(V3 / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _cli(*args: str):
    from rbmigrate.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """Each connector copied and migrated with `rbmigrate apply` (once for the module)."""
    base = tmp_path_factory.mktemp("migrated")
    roots = {name: _copy(name, base) for name in CONNECTORS}
    result = _cli("apply", *[str(p) for p in roots.values()])
    assert result.exit_code == 0, result.output
    return roots


@pytest.mark.parametrize("name", CONNECTORS)
def test_matches_golden_files(migrated, name):
    actual = _files(migrated[name])
    golden = EXPECTED / name
    if os.environ.get("RBMIGRATE_UPDATE_GOLDEN") == "1":
        if golden.exists():
            shutil.rmtree(golden)
        for rel, data in actual.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    expected = _files(golden)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel] == expected[rel], f"{name}/{rel} differs from its golden file"


def test_checked_in_bindings_are_regenerated_for_v4(migrated):
    bindings = migrated["transform-sql"] / "wit_world"
    assert sorted(p.name for p in (bindings / "imports").glob("*.py")) == [
        "__init__.py", "core_types.py", "host_io.py", "stream_types.py", "telemetry.py"]
    assert sorted(p.name for p in (bindings / "exports").glob("*.py")) == ["__init__.py", "transform.py"]
    assert "class Transform(Protocol):" in (bindings / "exports" / "__init__.py").read_text()
    assert not list(migrated["transform-sql"].glob(".rbmigrate-*")) and not list(migrated["transform-sql"].glob(".wit_world*"))


@pytest.mark.parametrize("name", CONNECTORS)
def test_scan_reports_nothing_and_a_second_apply_changes_nothing(migrated, name):
    before = _files(migrated[name])
    scan = _cli("scan", str(migrated[name]))
    assert scan.exit_code == 0, scan.output
    again = _cli("apply", "--check", str(migrated[name]))
    assert again.exit_code == 0, again.output
    assert _files(migrated[name]) == before


def test_scan_lists_v3_usages_of_the_originals(tmp_path):
    root = _copy("source-postgres", tmp_path)
    scan = _cli("scan", str(root))
    assert scan.exit_code == 1
    assert re.search(r"app\.py:\d+:\d+: RB101 ", scan.output) and re.search(r"app\.py:\d+:\d+: RB503 ", scan.output)


# --- componentize-py -------------------------------------------------------------------------


def _world(root: Path) -> str:
    return "rapidbyte-" + json.loads((root / "manifest.json").read_text())["role"]


@pytest.mark.slow
@pytest.mark.parametrize("name", CONNECTORS)
def test_builds_against_wit_v4(migrated, name, rb_cache_dir):
    from rbmigrate.hosts import BuildError, build_python_component

    root = migrated[name]
    try:
        wasm = build_python_component(root, ROOT / "wit" / "v4", _world(root), cache_dir=rb_cache_dir)
    except BuildError as exc:
        pytest.fail(f"componentize-py failed for migrated {name}:\n{exc}", pytrace=False)
    assert wasm.stat().st_size > 0


@pytest.mark.parametrize("name", CONNECTORS)
def test_module_imports_cleanly_and_every_v4_name_exists(migrated, name, tmp_path):
    from rbmigrate.bindings import generate

    root = migrated[name]
    bindings = tmp_path / "bindings"
    generate(bindings, _world(root), ROOT / "wit" / "v4")
    source = (root / "app.py").read_text(encoding="utf-8")
    # module-style references are checked by name; from-imports are checked by the import itself
    used = sorted(set(re.findall(r"\b(%s)\.([A-Za-z_]\w*)" % "|".join(V4_MODULES), source)))
    assert used or re.search(r"^from wit_world\.imports\.(%s) import" % "|".join(V4_MODULES), source, re.M)
    probe = textwrap.dedent(f"""\
        import importlib
        import app
        missing = []
        for module, name in {used!r}:
            if not hasattr(importlib.import_module("wit_world.imports." + module), name):
                missing.append(module + "." + name)
        assert not missing, missing
        assert not hasattr(app, "SourceConnector") and not hasattr(app, "DestConnector")
        print(" ".join(n for n in ("Source", "Destination", "Transform") if hasattr(app, n)))
        """)
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": f"{root}{os.pathsep}{bindings}", "PATH": os.environ.get("PATH", "")})
    assert out.returncode == 0, out.stderr
    role = json.loads((root / "manifest.json").read_text())["role"]
    assert out.stdout.strip() == role.capitalize()


# --- v3 and v4 runs side by side ----------------------------------------------------------------


@pytest.mark.slow
def test_v4_run_of_migrated_connectors_matches_the_v3_run(migrated, pg, rb_cache_dir):
    from rbmigrate.hosts import BuildError, HostOptions, PipelineSpec, StreamSpec, build_python_component, run_pipeline

    wit3, wit4 = ROOT / "wit" / "v3", ROOT / "wit" / "v4"
    try:
        comps = {
            3: {"source": build_python_component(V3 / "source-postgres", wit3, "rapidbyte-source", cache_dir=rb_cache_dir),
                "destination": build_python_component(V3 / "dest-postgres", V3 / "dest-postgres" / "wit",
                                                       "rapidbyte-destination", cache_dir=rb_cache_dir),
                "transform": build_python_component(V3 / "transform-sql", wit3, "rapidbyte-transform",
                                                    cache_dir=rb_cache_dir)},
            4: {role: build_python_component(migrated[name], wit4, "rapidbyte-" + role, cache_dir=rb_cache_dir)
                for role, name in (("source", "source-postgres"), ("destination", "dest-postgres"),
                                   ("transform", "transform-sql"))},
        }
    except BuildError as exc:
        pytest.fail(f"build failed:\n{exc}", pytrace=False)
    db = pg.create_database("rb_pymig_" + os.urandom(4).hex())
    try:
        pg.sql("CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric); "
               "INSERT INTO items SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 2500) g; "
               "UPDATE items SET amount = 'NaN' WHERE id = 77", dbname=db)
        results = {}
        for version in (3, 4):
            schema = f"out{version}"
            pg.sql(f"CREATE SCHEMA {schema}", dbname=db)
            stream = StreamSpec(name="items", sync_mode="incremental", cursor_field="id", cursor_type="int64",
                                on_data_error="dlq", write_mode="upsert", primary_key=["id"],
                                limits={"checkpoint_interval_rows": 1000})
            spec = PipelineSpec(
                source=comps[version]["source"], transform=comps[version]["transform"],
                destination=comps[version]["destination"],
                source_config=dict(pg.config("rb_scram", db), numeric_mode="strict", batch_size=400),
                destination_config=dict(pg.config("rb_md5", db), schema=schema),
                transform_config={"query": "SELECT id, name, amount FROM input WHERE id % 3 <> 0"},
                streams=[stream])
            result = run_pipeline(version, spec, HostOptions(allow=[(pg.host, pg.port)], deadline_s=300,
                                                             cache_dir=rb_cache_dir))
            assert result.errors == [], [(e.stage, e.call, e.message, e.stderr_tail[-1500:]) for e in result.errors]
            results[version] = result
        v3, v4 = results[3], results[4]
        assert [(s.stage, s.fields) for s in v4.summaries] == [(s.stage, s.fields) for s in v3.summaries]
        assert [(c.stage, c.id, c.records, c.bytes, c.cursor) for c in v4.checkpoints] == \
               [(c.stage, c.id, c.records, c.bytes, c.cursor) for c in v3.checkpoints]
        assert sorted((m.stage, m.name, m.labels) for m in v4.metrics) == \
               sorted((m.stage, m.name, m.labels) for m in v3.metrics)
        assert [(d.stage, d.category, d.error_message, d.record) for d in v4.dlq] == \
               [(d.stage, d.category, d.error_message, d.record) for d in v3.dlq]
        assert [(v.stage, v.status, v.message) for v in v4.validations] == \
               [(v.stage, v.status, v.message) for v in v3.validations]
        assert v4.state.final == v3.state.final
        assert v4.catalog == v3.catalog
        def logs(result, version):
            return [(x.stage, x.level, x.msg.replace(f'"out{version}"', '"out"')) for x in result.logs]

        assert logs(v4, 4) == logs(v3, 3)
        rows = {v: pg.rows(f"SELECT id, name, amount::text FROM out{v}.items ORDER BY id", dbname=db) for v in (3, 4)}
        assert rows[4] == rows[3] and len(rows[3]) > 1000
    finally:
        pg.drop_database(db)

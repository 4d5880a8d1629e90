"""Issue 17: a componentize-py transform in idioms the other fixtures do not use (testdata/python/v3/transform-mask):
aliased module imports, `importlib.import_module`, module-level code constants and a dict of log levels, payload
helpers. It migrates in one run to a component that builds and runs equal to its v3 original (`rbmigrate verify`
on real PostgreSQL, both reference hosts), and the type check against the v4 bindings catches a mistyped
migration (mutants).
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest

from rbmigrate.engine import Options, run, write_results

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"
NAME = "transform-mask"
PIPELINE = ("source-postgres", "dest-postgres")

SCENARIO = """
name = "transform-mask"
[database]
setup = '''
CREATE SCHEMA out;
CREATE TABLE items (id bigint PRIMARY KEY, name text, qty integer);
INSERT INTO items SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'item-' || g END,
                         CASE WHEN g % 11 = 0 THEN NULL ELSE g % 50 END
  FROM generate_series(1, 400) g;
'''
[stages.source]
config = { host = "${pg.host}", port = "${pg.port}", user = "${pg.user}", password = "${pg.password}", database = "${pg.database}", batch_size = 90 }
[stages.transform]
connector = "rapidbyte/transform-mask"
config = { mask = ["name"], require = ["qty"], salt = "s3" }
[stages.destination]
config = { host = "${pg.host}", port = "${pg.port}", user = "${pg.user}", password = "${pg.password}", database = "${pg.database}", schema = "out" }
[[runs]]
name = "initial"
[[runs.streams]]
name = "items"
sync_mode = "incremental"
cursor_field = "id"
cursor_type = "int64"
on_data_error = "dlq"
write_mode = "append"
limits = { checkpoint_interval_rows = 100 }
[[runs]]
name = "more rows"
sql = "INSERT INTO items SELECT g, 'late-' || g, g % 9 FROM generate_series(401, 480) g"
[[runs.streams]]
name = "items"
sync_mode = "incremental"
cursor_field = "id"
cursor_type = "int64"
cursor_last_value = "$last_checkpoint"
on_data_error = "dlq"
write_mode = "append"
[check]
tables = ["out.items"]
"""


def _apply(root: Path, **kw):
    result, path_map = run([root], Options(mode="apply", base=root, **kw))
    assert not result.errors, [e.message for e in result.errors]
    write_results(result, path_map)
    return result


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("idioms") / "conns"
    for name in (NAME, *PIPELINE):
        shutil.copytree(V3 / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = _apply(root)
    assert not [f for f in result.findings if f.severity.value == "error"], result.findings
    return root


def test_one_run_one_binding_per_name_and_nothing_v3_left(migrated):
    text = (migrated / NAME / "app.py").read_text()
    tree = ast.parse(text)
    bound = [a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    bound += [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert len(bound) == len(set(bound)), bound
    assert "import wit_world.imports.host_io as rb" in text
    assert 'frames = importlib.import_module("wit_world.imports.host_io")' in text
    code = text.split('"""', 2)[2]  # the docstring describes the v3 idioms
    assert not re.search(r"wit_world\.imports\.(host|types)\b(?!_)", code)
    # constants folded at their definition (every use is a protocol argument)
    assert "INSTANCE_SCOPE = core_types.StateScope.CONNECTOR_INSTANCE" in text
    assert 'LEVEL = {"info": core_types.LogLevel.INFO, "debug": core_types.LogLevel.DEBUG}' in text
    # payload helpers return the typed records
    assert "payload = telemetry.MetricEvent(" in text and "return telemetry.CheckpointEvent(" in text
    assert "rb.telemetry_metric(_metric(" in text and "rb.telemetry_checkpoint(_checkpoint(" in text


def test_second_apply_is_a_no_op_with_identical_findings(migrated, tmp_path):
    root = tmp_path / NAME
    shutil.copytree(V3 / NAME, root)
    first = _apply(root)
    second = _apply(root)
    assert not [f for f in second.files if f.changed]
    assert [(f.rule_id, f.message) for f in second.findings] == [(f.rule_id, f.message) for f in first.findings
                                                                 if f.line > 1 or f.rule_id != "RB505"]


@pytest.mark.slow
def test_original_and_migration_build(migrated, rb_cache_dir, tmp_path):
    from rbmigrate.hosts import BuildError, build_python_component

    original = tmp_path / NAME  # a copy: the build imports the module (no __pycache__ in testdata)
    shutil.copytree(V3 / NAME, original)
    try:
        v3 = build_python_component(original, ROOT / "wit" / "v3", "rapidbyte-transform", cache_dir=rb_cache_dir)
        v4 = build_python_component(migrated / NAME, ROOT / "wit" / "v4", "rapidbyte-transform", cache_dir=rb_cache_dir)
    except BuildError as exc:
        pytest.fail(f"componentize-py failed:\n{exc}", pytrace=False)
    assert v3.stat().st_size > 0 and v4.stat().st_size > 0


@pytest.mark.slow
def test_runs_equal_to_its_v3_original(migrated, rb_cache_dir, pg, tmp_path):
    from rbmigrate.cli_verify import run_verify
    from rbmigrate.report.verify import render_text

    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO)
    dsn = f"postgresql://rb_trust@{pg.host}:{pg.port}/{pg.dbname}"
    report = run_verify([migrated], scenario=scenario, base_dir=V3, cache_dir=rb_cache_dir, pg_dsn=dsn)
    text = render_text(report, verbose=True)
    assert report.exit_code == 0, text
    mask = [c for c in report.connectors if Path(c.root).name == NAME][0]
    assert mask.status == "passed" and not mask.isolated, text
    assert "type check against the v4 bindings passed" in mask.build.message, text
    # the scenario exercised what the idioms feed: checkpoints, metrics, DLQ records, state
    for effect in ("batches", "checkpoints", "metrics", "DLQ record", "state key", "logs"):
        assert re.search(rf"\b\d+ {effect}", mask.scenario.message), mask.scenario.message
    print(f"\ntransform-mask scenario: {mask.scenario.message}")


# --- the type check (RB918) ------------------------------------------------------------------------


MUTANTS = {
    # an int where v4 takes the enum, inside a record (RB917 does not look into record fields)
    "kind=telemetry.CheckpointKind.TRANSFORM": ("kind=2", 'Argument "kind" to "CheckpointEvent" has incompatible '
                                                "type \"int\"; expected \"CheckpointKind\""),
    # metric labels as lists (what v3 JSON had): componentize-py wants tuples
    'labels=[("stream", stream)]': ('labels=[["stream", stream]]', 'expected "tuple[str, str]"'),
    # a scope read through a value RB917 cannot see through
    "INSTANCE_SCOPE = core_types.StateScope.CONNECTOR_INSTANCE": ('INSTANCE_SCOPE = int("2")',
                                                                 'incompatible type "int"; expected "StateScope"'),
}


def _mutant(migrated: Path, tmp_path: Path, anchor: str, replacement: str) -> Path:
    root = tmp_path / NAME
    shutil.copytree(migrated / NAME, root)
    app = root / "app.py"
    text = app.read_text()
    assert text.count(anchor) == 1, anchor
    app.write_text(text.replace(anchor, replacement))
    return root


def test_the_clean_migration_type_checks(migrated, rb_cache_dir):
    from rbmigrate.lang.python import typecheck
    from rbmigrate.ruletable import default_table

    for name in (NAME, *PIPELINE):
        world = "rapidbyte-" + json.loads((migrated / name / "manifest.json").read_text())["role"]
        assert typecheck.check(typecheck.connector_files(migrated / name), world, default_table(), rb_cache_dir) == []


@pytest.mark.parametrize("anchor", MUTANTS)
def test_apply_typecheck_catches_a_mistyped_migration(migrated, tmp_path, rb_cache_dir, anchor):
    replacement, message = MUTANTS[anchor]
    root = _mutant(migrated, tmp_path, anchor, replacement)
    plain = run([root], Options(mode="scan", base=root))[0]
    assert not [f for f in plain.findings if f.rule_id == "RB918"]
    found = run([root], Options(mode="scan", base=root, typecheck=True, cache_dir=rb_cache_dir))[0]
    typed = [f for f in found.findings if f.rule_id == "RB918"]
    assert typed and all(message in f.message for f in typed), [f.message for f in found.findings]
    line = next(i for i, t in enumerate((root / "app.py").read_text().splitlines(), 1) if replacement in t)
    if not replacement.startswith("INSTANCE_SCOPE"):  # that one is wrong where the scope is used, not defined
        assert typed[0].line == line
    again = run([root], Options(mode="scan", base=root, typecheck=True, cache_dir=rb_cache_dir))[0]
    assert [(f.line, f.col, f.message) for f in again.findings] == [(f.line, f.col, f.message) for f in found.findings]


def test_verify_build_step_fails_on_a_mistyped_migration(migrated, tmp_path, rb_cache_dir):
    from rbmigrate.verify.build import build_python
    from rbmigrate.verify.connectors import python_connector

    anchor = next(iter(MUTANTS))
    root = _mutant(migrated, tmp_path, anchor, MUTANTS[anchor][0])
    outcome = build_python(python_connector(root), rb_cache_dir)
    assert outcome.status == "failed" and "type check against the v4 bindings failed (1 error)" in outcome.message
    assert any('"CheckpointKind"' in d for d in outcome.details), outcome.details


def test_a_type_error_on_a_line_with_a_finding_is_not_repeated(tmp_path, rb_cache_dir):
    root = tmp_path / "c"
    shutil.copytree(V3 / NAME, root)
    app = root / "app.py"
    app.write_text(app.read_text().replace("        total = _seen(records_in)\n",
                                           "        total = _seen(records_in)\n        rb.log(total, 'seen')\n"))
    result = _apply(root, typecheck=True, cache_dir=rb_cache_dir)
    lines = [(f.line, f.rule_id) for f in result.findings if f.severity.value == "error"]
    assert [r for _line, r in lines] == ["RB907"], lines  # the v3 call stays (RB907); mypy has nothing to add


def test_parallel_type_checks_never_share_a_mypy_cache(tmp_path):
    """mypy's cache is not safe for concurrent writers (CI once saw an INTERNAL ERROR when verify type-checked
    two connectors of different worlds at once): each run holds its own slot of the cache."""
    from rbmigrate.lang.python.typecheck import _SLOTS, _cache_slot

    with _cache_slot(tmp_path) as first, _cache_slot(tmp_path) as second:
        assert first != second and first.parent == second.parent == tmp_path / "mypy"
    with _cache_slot(tmp_path) as again:
        assert again == first  # released: the next run reuses the warm slot
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(_cache_slot(tmp_path)) for _ in range(_SLOTS)]
        assert len(set(held)) == _SLOTS


def test_concurrent_type_checks_of_two_worlds_agree(migrated, rb_cache_dir):
    from concurrent.futures import ThreadPoolExecutor

    from rbmigrate.lang.python import typecheck
    from rbmigrate.ruletable import default_table

    table = default_table()
    jobs = [(migrated / name, "rapidbyte-" + json.loads((migrated / name / "manifest.json").read_text())["role"])
            for name in (NAME, *PIPELINE)] * 2
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda job: typecheck.check(typecheck.connector_files(job[0]), job[1], table,
                                                            rb_cache_dir), jobs))
    assert results == [[]] * len(jobs)


def test_mypy_output_is_kept_per_inputs(migrated, tmp_path):
    """A warm type check does not start mypy: its output for exactly these modules, bindings and versions is
    kept in the cache; other bytes are another entry."""
    from rbmigrate.lang.python import typecheck
    from rbmigrate.ruletable import default_table

    cache = tmp_path / "cache"
    files = typecheck.connector_files(migrated / NAME)
    bindings = typecheck.bindings_for("rapidbyte-transform", ROOT / "wit" / "v4", cache)
    first = typecheck.run_mypy(files, bindings, cache)  # the connector's own untyped code: not binding errors
    assert all(e.code != "assignment" for e in first)
    memo = typecheck._memo_path(files, bindings, cache)
    assert memo.is_file()
    # the kept output is what a warm run reads (a line naming a module of the connector counts)
    memo.write_text('app.py:1:1: error: kept, not recomputed  [misc]\n', encoding="utf-8")
    assert [e.message for e in typecheck.run_mypy(files, bindings, cache)] == ["kept, not recomputed"]
    changed = dict(files, **{"app.py": files["app.py"] + b"\nx: int = 'text'\n"})
    fresh = typecheck.run_mypy(changed, bindings, cache)
    assert [e.code for e in fresh if e.code == "assignment"] == ["assignment"]
    assert typecheck._memo_path(changed, bindings, cache) != memo
    assert typecheck.check(files, "rapidbyte-transform", default_table(), cache) == []  # kept "misc" is no binding error

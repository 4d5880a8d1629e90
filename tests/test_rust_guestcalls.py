"""Host and engine calls into a guest (rbmigrate/lang/rust/guestcalls.py): accessors, the session, `call_run`.

- The guest-call vocabulary is derived from the canonical packages and the role rules (no typed names).
- The session of `call_open` is threaded through one function where every step is proven (RB420); a wrapper
  whose signature is out of view makes the same edits unsafe (RB421: findings without `--unsafe-fixes`,
  applied with it); everything else is reported with the v4 signature (RB410, RB911).
- On the platform engine (`testdata/rust/platform-v3/crates/rapidbyte-engine`): a second apply changes nothing
  and reports the same findings, and the migrated `runner.rs`, dropped into the hand-migrated v4 workspace,
  fails to compile only on lines that carry a finding (real cargo).

Rule cases (rules/cases/RB410, RB420, RB421, RB911) cover the constructs and lookalikes one by one.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from rbmigrate.engine import Options, run, write_results
from rbmigrate.lang.rust.guestvocab import guest_vocab
from rbmigrate.ruletable import default_table

REPO = Path(__file__).resolve().parents[1]
PLATFORM = REPO / "testdata" / "rust" / "platform-v3"
EXPECTED = REPO / "testdata" / "rust" / "platform-v4-expected"
RUNNER = "crates/rapidbyte-engine/src/runner.rs"


def crate(tmp_path: Path, files: dict[str, str], width: int = 100) -> Path:
    root = tmp_path / "engine"
    root.mkdir()
    (root / "Cargo.toml").write_text('[package]\nname = "engine"\nversion = "0.1.0"\n', encoding="utf-8")
    (root / "rustfmt.toml").write_text(f"max_width = {width}\n", encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def migrate(root: Path, unsafe: bool = False):
    result, _ = run([root], Options(mode="diff", base=root, unsafe_fixes=unsafe))
    assert not result.errors, [e.message for e in result.errors]
    out = {f.path: (f.after if f.changed else f.before).decode("utf-8") for f in result.files}
    return out, result.findings


# ------------------------------------------------------------------ vocabulary


def test_vocabulary_comes_from_the_canonical_packages():
    table = default_table()
    g = guest_vocab(table)
    v3, v4 = table.wit("v3"), table.wit("v4")
    roles = {e for w in v3.worlds.values() for e in w.exports}
    # every v3 export of every role is a guest call, and every v4 export too
    for iface in roles:
        for fn in v3.interfaces[iface].functions:
            assert "call_" + fn.replace("-", "_") in g.calls
        new = table.renamed_interface(iface)
        for fn in v4.interfaces[new].functions:
            assert "call_" + fn.replace("-", "_") in g.calls
    # the shapes come from comparing the packages; phases from the role rules
    assert g.calls["call_open"].returns_session and not g.calls["call_open"].gone
    assert g.calls["call_validate"].takes_session and g.calls["call_close"].takes_session
    phases = {m.function: m.phase for m in table.run_phases}
    for name in ("run-read", "run-write", "run-transform", "discover"):
        guest = g.calls["call_" + name.replace("-", "_")]
        assert guest.gone and guest.v4_call == "call_run" and guest.phase == phases[name]
    assert not g.calls["call_discover"].takes_stream and g.calls["call_run_read"].takes_stream
    # the v4 signature is the canonical declaration, spelled as wasmtime's host bindings
    run_fn = v4.function("source", "run")
    assert g.calls["call_run"].declaration == run_fn.declaration
    assert g.calls["call_run"].signature == (
        "call_run(store, session: Session, request: &RunRequest) -> wasmtime::Result<Result<RunSummary, ConnectorError>>")
    assert g.calls["call_open"].signature == (
        "call_open(store, config_json: &str) -> wasmtime::Result<Result<(Session, OpenInfo), ConnectorError>>")
    assert "DiscoverSummary" in g.calls["call_discover"].summary and "catalog_json" in g.calls["call_discover"].summary
    assert g.renames() == {n: ("call_run", g.calls[n].rule_id)
                           for n in ("call_run_read", "call_run_write", "call_run_transform", "call_discover")}


# ------------------------------------------------------------------ small crates

ENGINE = """
    use rapidbyte_runtime::{source, Loaded};

    fn step<T, E>(result: wasmtime::Result<Result<T, E>>) -> Result<T, String> {
        result.map_err(|e| e.to_string())?.map_err(|_| "connector".to_owned())
    }

    pub fn run_source(loaded: &mut Loaded<source::RapidbyteSource>, config_json: &str) -> Result<(), String> {
        let guest = loaded.bindings.rapidbyte_connector_source_connector();
        step(guest.call_open(&mut loaded.store, config_json))?;
        let check = || -> Result<(), String> {
            step(guest.call_validate(&mut loaded.store))?;
            Ok(())
        };
        check()?;
        fn nested(guest: &source::exports::rapidbyte::connector::source_connector::Guest, store: &mut Store) {
            guest.call_close(store);
        }
        step(guest.call_close(&mut loaded.store))
    }
"""


def test_session_is_threaded_where_its_binding_reaches(tmp_path):
    out, findings = migrate(crate(tmp_path, {"src/lib.rs": ENGINE}))
    text = out["src/lib.rs"]
    assert "let (session, _info) = step(guest.call_open(&mut loaded.store, config_json))?;" in text
    assert "step(guest.call_validate(&mut loaded.store, session))?;" in text  # inside a closure: captured
    assert "step(guest.call_close(&mut loaded.store, session))" in text
    assert "rapidbyte_connector_source()" in text
    # a nested `fn` cannot see the binding: its guest's call is reported, not rewritten
    assert "        guest.call_close(store);\n    }\n" in text
    assert [(f.rule_id, f.line) for f in findings if f.rule_id in ("RB420", "RB421", "RB911")] == [("RB911", 16)]


def test_a_long_binding_is_broken_after_the_equals_sign_as_rustfmt_does(tmp_path):
    source = ENGINE.replace("config_json", "configuration_json_from_the_pipeline_file")
    out, _ = migrate(crate(tmp_path, {"src/lib.rs": source}, width=100))
    assert ("    let (session, _info) =\n"
            "        step(guest.call_open(&mut loaded.store, configuration_json_from_the_pipeline_file))?;\n"
            ) in out["src/lib.rs"]


WRAPPED = {
    "src/lib.rs": """
        mod guest;
        mod runner;
    """,
    "src/guest.rs": """
        pub fn step<T, E>(result: wasmtime::Result<Result<T, E>>) -> Result<T, String> {
            result.map_err(|e| e.to_string())?.map_err(|_| "connector".to_owned())
        }
    """,
    "src/runner.rs": """
        use rapidbyte_runtime::{destination, Loaded};

        use crate::guest::step;

        pub fn run_destination(loaded: &mut Loaded<destination::RapidbyteDestination>) -> Result<(), String> {
            let guest = loaded.bindings.rapidbyte_connector_destination();
            step(guest.call_open(&mut loaded.store, "{}"))?;
            step(guest.call_close(&mut loaded.store))
        }
    """,
}


def test_a_wrapper_out_of_view_makes_the_rewrite_unsafe(tmp_path):
    root = crate(tmp_path, WRAPPED)
    out, findings = migrate(root)
    assert out["src/runner.rs"] == textwrap.dedent(WRAPPED["src/runner.rs"]).lstrip("\n")  # nothing applied
    shown = [f for f in findings if f.rule_id == "RB421"]
    assert [(f.line, f.suggestion) for f in shown] == [(7, "let (session, _info) = "), (8, ", session")]
    assert all(f.severity.value == "warning" and "--unsafe-fixes" in f.manual_step for f in shown)
    assert not [f for f in findings if f.rule_id == "RB911"]  # offered as a fix, not reported twice

    out, findings = migrate(root, unsafe=True)
    assert "    let (session, _info) = step(guest.call_open(&mut loaded.store, \"{}\"))?;\n" in out["src/runner.rs"]
    assert "    step(guest.call_close(&mut loaded.store, session))\n" in out["src/runner.rs"]
    assert not [f for f in findings if f.rule_id in ("RB421", "RB911")]

    # applied, the result is v4 code: a second run (with or without the flag) has nothing to do or say
    result, path_map = run([root], Options(mode="apply", base=root, unsafe_fixes=True))
    write_results(result, path_map)
    for unsafe in (False, True):
        again, _ = run([root], Options(mode="diff", base=root, unsafe_fixes=unsafe))
        assert not [f.path for f in again.files if f.changed]
        assert not [f for f in again.findings if f.rule_id in ("RB410", "RB420", "RB421", "RB911")]


def test_every_report_carries_the_v4_signature(tmp_path):
    source = """
        use rapidbyte_runtime::{source, Loaded};

        pub fn read(loaded: &mut Loaded<source::RapidbyteSource>, ctx: &str) {
            let guest = loaded.bindings.rapidbyte_connector_source_connector();
            let _ = guest.call_run_read(&mut loaded.store, ctx);
        }

        pub fn close(loaded: &mut Loaded<source::RapidbyteSource>) {
            let guest = loaded.bindings.rapidbyte_connector_source_connector();
            let _ = guest.call_close(&mut loaded.store);
        }
    """
    _, findings = migrate(crate(tmp_path, {"src/lib.rs": source}))
    v4 = default_table().wit("v4")
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["RB410"].message == "`call_run_read` is gone in v4: it is `call_run` with `RunPhase::Read`"
    assert v4.function("source", "run").declaration in by_rule["RB410"].manual_step
    assert "`RunSummary.read` (`Option<ReadSummary>`)" in by_rule["RB410"].manual_step
    assert by_rule["RB911"].line == 10
    assert v4.function("source", "close").declaration in by_rule["RB911"].manual_step
    assert "call_close(store, session: Session)" in by_rule["RB911"].manual_step


# ------------------------------------------------------------------ the platform engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("platform") / "ws"
    shutil.copytree(PLATFORM, root, ignore=shutil.ignore_patterns("target"))
    result, path_map = run([root / "crates" / "rapidbyte-engine"], Options(mode="apply", base=root))
    assert not result.errors, [e.message for e in result.errors]
    write_results(result, path_map)
    return root, result


def _runner_findings(result) -> list[tuple[int, str, str]]:
    return sorted((f.line, f.rule_id, f.message) for f in result.findings if f.path == RUNNER)


def test_engine_runner_matches_the_hand_migration_on_every_unreported_call(engine):
    root, result = engine
    ours = (root / RUNNER).read_text(encoding="utf-8").splitlines()
    wanted = (EXPECTED / RUNNER).read_text(encoding="utf-8").splitlines()
    calls = [line for line in wanted if "call_open" in line or "call_validate" in line or "call_close" in line]
    assert len(calls) == 9 and all(line in ours for line in calls)
    assert sum("rapidbyte_connector_" in line for line in ours) == 4
    reported = {line for line, rule, _ in _runner_findings(result) if rule == "RB410"}
    assert reported == {50, 57, 82, 107}  # call_discover, call_run_read/write/transform


def test_engine_second_apply_changes_nothing_and_reports_the_same(engine, tmp_path):
    root, first = engine
    again = tmp_path / "again"
    shutil.copytree(root, again, ignore=shutil.ignore_patterns("target"))
    second, _ = run([again / "crates" / "rapidbyte-engine"], Options(mode="diff", base=again))
    assert not [f.path for f in second.files if f.changed]
    assert _runner_findings(second) == _runner_findings(first)


@pytest.mark.slow
def test_engine_runner_compiles_in_the_v4_workspace_except_where_reported(engine, tmp_path):
    """The migrated runner.rs in the hand-migrated v4 workspace: every compiler error is on a reported line."""
    from platform_support import cargo_tools, diagnostics, primary_lines, run_cargo

    cargo = cargo_tools()
    root, result = engine
    ws = tmp_path / "v4"
    shutil.copytree(EXPECTED, ws, ignore=shutil.ignore_patterns("target"))
    shutil.copy2(root / RUNNER, ws / RUNNER)
    proc = run_cargo(cargo, tmp_path / "target", ws, "check", "--offline", "-p", "rapidbyte-engine", "--all-targets",
                     "--message-format=json", name="engine")
    reported = {line for line, _, _ in _runner_findings(result)}
    errors = diagnostics(proc.stdout, "error")
    spots = [spot for msg in errors for spot in primary_lines(msg)]
    assert spots, proc.stderr[-2000:]  # the four v3 `call_*` do not exist in v4
    assert {path for path, _ in spots} == {RUNNER}
    assert {line for _, line in spots} <= reported

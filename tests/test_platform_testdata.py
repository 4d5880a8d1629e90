"""testdata/rust/platform-{v3,v4-expected}: the platform workspace and its hand-migrated v4 twin.

Real cargo, from each workspace root (its `.cargo/config.toml` points crates-io at Debian's
`/usr/share/cargo/registry`):

- `cargo check --offline --locked --workspace --all-targets` passes without warnings on both;
- `cargo test --offline --locked -p rapidbyte-types` passes on both (the v4 tests read data that v3
  stored: the serde aliases keep it readable);
- `cargo fmt --check` passes on both (skipped when rustfmt is not installed).

Static checks: the std-only stand-ins (`stubs/`) and `Cargo.lock` are byte-identical in both
workspaces, the v4 `wit/` is what `rbmigrate apply` makes of the v3 one, the lookalikes survive,
no renamed v3 spelling is left in the v4 code, and every `path:line` that testdata/rust/README.md
cites still holds the code it quotes.

CARGO_TARGET_DIR is a per-session temporary directory (one per workspace); the tests assert that cargo wrote nothing
into the checkout. Without cargo or the Debian crates the cargo tests skip, or fail under CI=true
(`./dev test` and `.ci/run` install the crates when they run as root).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_support import RENAMED, RUST, V3, V4, cargo_tools, run_cargo
from platform_support import diagnostics as _messages

WORKSPACES = {"v3": V3, "v4": V4}

# Names that merely contain a v3 name: they stay in both workspaces.
LOOKALIKES = [
    ("crates/rapidbyte-runtime/src/host_state.rs", "pub emit_batch_nanos: u64,"),
    ("crates/rapidbyte-runtime/src/host_state.rs", "pub checkpoint_count: u64,"),
    ("crates/rapidbyte-runtime/src/host_state.rs", "pub source_connector_id: Option<String>,"),
    ("crates/rapidbyte-runtime/src/host_state.rs", "fn frames_flow_from_emit_batch_to_next_batch() {"),
    ("crates/rapidbyte-runtime/src/host_state.rs", 'ConnectorError::frame("emit-batch needs a sealed frame")'),
    ("crates/rapidbyte-engine/src/runner.rs", "fn host_state(spec: &ConnectorSpec, source_connector_id: Option<&str>)"),
    ("crates/rapidbyte-engine/src/runner.rs", "pub fn run_transform("),
    ("crates/rapidbyte-types/src/checkpoint.rs", "pub fn dest(id: u64, stream: impl Into<String>) -> Checkpoint {"),
    ("crates/rapidbyte-sdk/src/host_tcp.rs", "fn write(&mut self, buf: &[u8]) -> io::Result<usize> {"),
    ("crates/rapidbyte-sdk/src/__private.rs", "let mut cx = task::Context::from_waker(&waker);"),
    ("crates/rapidbyte-cli/src/main.rs", "use anyhow::{Context as _, Result};"),
    ("crates/rapidbyte-cli/src/scaffold.rs", "async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {"),
    ("crates/rapidbyte-cli/src/scaffold.rs", 'target = "rapidbyte:connector/rapidbyte-{{role}}@3.0.0"'),
    ("crates/rapidbyte-types/src/envelope.rs", '"kind":"dest"'),
    ("crates/rapidbyte-engine/src/journal.rs", '{"protocol_version":"2","connector_id":"dest"'),
]



# ---- helpers -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cargo() -> dict:
    return cargo_tools()


@pytest.fixture(scope="session")
def target_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("platform-cargo-target")
    yield path
    shutil.rmtree(path, ignore_errors=True)  # a few hundred MB of build output: not kept for inspection


def diagnostics(stdout: str, level: str) -> list[str]:
    """The rendered compiler messages of one level."""
    return [m.get("rendered") or m["message"] for m in _messages(stdout, level)]


def _rs_files(root: Path):
    return sorted(p for p in (root / "crates").rglob("*.rs"))


# ---- cargo ---------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", WORKSPACES)
def test_workspace_checks_clean(cargo, target_dir, name):
    proc = run_cargo(cargo, target_dir, WORKSPACES[name], "check", "--offline", "--locked", "--workspace",
                     "--all-targets", "--message-format=json")
    errors = diagnostics(proc.stdout, "error")
    assert proc.returncode == 0, "\n".join(errors) or proc.stderr
    assert diagnostics(proc.stdout, "warning") == []
    assert [line for line in proc.stderr.splitlines() if line.startswith("warning:")] == []


@pytest.mark.slow
@pytest.mark.parametrize("name", WORKSPACES)
def test_types_crate_tests_pass(cargo, target_dir, name):
    proc = run_cargo(cargo, target_dir, WORKSPACES[name], "test", "--offline", "--locked", "-p", "rapidbyte-types")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    passed = [int(n) for n in re.findall(r"^test result: ok\. (\d+) passed", proc.stdout, re.M)]
    assert sum(passed) >= 20, proc.stdout
    # The tests that read v3-stored data ran (and, in v4, passed through the serde aliases).
    for test in ("reads_versions_stored_by_v3_hosts", "reads_entries_stored_by_v3_engines",
                 "reads_checkpoints_stored_by_v3_engines", "reads_journal_lines_written_by_v3_engines",
                 "reads_results_stored_by_v3_engines"):
        assert re.search(rf"^test \S*{test} \.\.\. ok$", proc.stdout, re.M), test


@pytest.mark.slow
@pytest.mark.parametrize("name", WORKSPACES)
def test_rustfmt_clean(cargo, target_dir, name):
    if subprocess.run([cargo["bin"], "fmt", "--version"], capture_output=True).returncode != 0:
        pytest.skip("rustfmt (cargo fmt) is not installed")
    proc = run_cargo(cargo, target_dir, WORKSPACES[name], "fmt", "--all", "--check", host_target=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr


# ---- static --------------------------------------------------------------------------------------

def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_stand_ins_and_lockfile_are_shared():
    assert _tree(V3 / "stubs") == _tree(V4 / "stubs")
    assert (V3 / "Cargo.lock").read_bytes() == (V4 / "Cargo.lock").read_bytes()
    for name in ("Cargo.toml", "rustfmt.toml", ".cargo/config.toml", ".gitignore"):
        assert (V3 / name).read_bytes() == (V4 / name).read_bytes(), name


def test_same_files_in_both_workspaces():
    v3 = {p for p in _tree(V3) if not p.startswith("target/")}
    v4 = {p for p in _tree(V4) if not p.startswith("target/")}
    # v4 adds no file (the new v4 API lives in existing modules) and drops none.
    assert v3 == v4


def test_stand_in_templates_are_marked_generated():
    for root in (V3, V4):
        templates = sorted((root / "stubs" / "bindgen-macro" / "templates").rglob("*.rs.in"))
        assert {p.parent.name for p in templates} == {"3.0.0", "4.0.0"}
        for path in templates:
            assert "@generated" in path.read_text().splitlines()[0], path


def test_v4_wit_is_the_codemod_output_of_the_v3_wit(tmp_path):
    wit = tmp_path / "wit"
    wit.mkdir()
    shutil.copy(V3 / "wit" / "rapidbyte-connector.wit", wit)
    proc = subprocess.run([sys.executable, "-m", "rbmigrate", "apply", "wit"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "package rapidbyte:connector@3.0.0;" in (V3 / "wit" / "rapidbyte-connector.wit").read_text()
    assert (wit / "rapidbyte-connector.wit").read_bytes() == (V4 / "wit" / "rapidbyte-connector.wit").read_bytes()


@pytest.mark.parametrize("relpath,code", LOOKALIKES, ids=[f"{p}:{c[:30]}" for p, c in LOOKALIKES])
def test_lookalikes_survive(relpath, code):
    assert code in (V3 / relpath).read_text(), f"v3 {relpath} lacks {code!r}"
    assert code in (V4 / relpath).read_text(), f"v4 {relpath} lost {code!r}"


@pytest.mark.parametrize("pattern", RENAMED)
def test_renamed_spellings_only_in_v3(pattern):
    regex = re.compile(pattern)
    lookalike_lines = {code for _, code in LOOKALIKES}

    def hits(root: Path):
        found = []
        for path in _rs_files(root):
            rel = str(path.relative_to(root))
            if rel == "crates/rapidbyte-cli/src/scaffold.rs":
                continue  # the templates are strings: left as they are (info findings)
            for no, line in enumerate(path.read_text().splitlines(), 1):
                if regex.search(line) and not any(code in line for code in lookalike_lines):
                    found.append(f"{rel}:{no}")
        return found

    assert hits(V3), f"the v3 crates never use {pattern}: the testdata does not exercise it"
    assert hits(V4) == [], f"{pattern} survives in platform-v4-expected"


def test_serde_wire_names_keep_v3_data_readable():
    """Each serde-visible rename carries an alias for the v3 wire name (and the new field a default)."""
    protocol = (V4 / "crates/rapidbyte-types/src/protocol.rs").read_text()
    assert '#[serde(rename = "4", alias = "2")]\n    V4,' in protocol
    assert '#[serde(alias = "dest")]\n    Destination,' in (V4 / "crates/rapidbyte-types/src/checkpoint.rs").read_text()
    assert '#[serde(alias = "stream")]\n    PerStream,' in (V4 / "crates/rapidbyte-types/src/state.rs").read_text()
    validation = (V4 / "crates/rapidbyte-types/src/validation.rs").read_text()
    assert "#[serde(default)]\n    pub warnings: Vec<String>," in validation


README_CITE = re.compile(r"`(crates/[\w./-]+\.rs):(\d+)` `(.+?)`")


def test_readme_citations_hold():
    """testdata/rust/README.md cites `path:line` `code` for each construct; the line holds the code."""
    readme = (RUST / "README.md").read_text()
    section = readme[readme.index("## The platform workspace"):]
    cites = README_CITE.findall(section)
    assert len(cites) >= 40
    bad = []
    for rel, line, code in cites:
        lines = (V3 / rel).read_text().splitlines()
        if int(line) > len(lines) or code.replace("\\|", "|") not in lines[int(line) - 1]:
            bad.append(f"{rel}:{line} does not hold {code!r}")
    assert bad == []


def _helper_tree(tmp_path, caller_of_helper: str) -> Path:
    src = tmp_path / "theirs" / "src"
    src.mkdir(parents=True)
    (src / "lib.rs").write_text(
        "pub fn reported(level: Level) -> u32 {\n    wire(level)\n}\n\n"
        f"pub fn {caller_of_helper}(level: Level) -> u32 {{\n    wire(level)\n}}\n\n"
        "pub fn typed(level: Level) -> Wire {\n    level.into()\n}\n")
    return tmp_path / "theirs"


@pytest.mark.parametrize("other_caller, accepted", [("reported_too", True), ("silent", False)])
def test_new_helpers_count_only_when_spots_alone_use_them(tmp_path, other_caller, accepted):
    """The harness rule behind issue 13's "apart from those spots": a new helper (or `From` conversion) the
    hand migration wrote belongs to the spots only if nothing else uses it."""
    from platform_support import Hunk, new_items_for_spots

    theirs = _helper_tree(tmp_path, other_caller)
    spots = {"src/lib.rs": {"reported", "reported_too", "typed"}}
    helper = Hunk("src/lib.rs", (9, 10), (), ("", "fn wire(level: Level) -> u32 {", "    level as u32", "}"))
    assert new_items_for_spots(helper, theirs, spots) is accepted
    conversion = Hunk("src/lib.rs", (9, 10), (), ("impl From<Level> for Wire {", "    fn from(l: Level) -> Wire {",
                                                  "        Wire(l as u32)", "    }", "}"))
    assert new_items_for_spots(conversion, theirs, spots) is True
    assert new_items_for_spots(conversion, theirs, {"src/lib.rs": {"reported"}}) is False  # `typed` is no spot
    changed = Hunk("src/lib.rs", (2,), ("    wire(level)",), ("    fn wire() {}",))
    assert new_items_for_spots(changed, theirs, spots) is False  # a changed line is never "new code"

"""testdata/rust: the std-only v3 workspace, the v4 SDK stand-in and the hand-migrated connectors.

Every check runs real `cargo check --offline` (std + proc_macro only, no registry):

- the v3 workspace (`testdata/rust/v3`) compiles on the host target without warnings;
- the hand-migrated connectors (`testdata/rust/expected/connectors/*`) compile without warnings
  in a scratch workspace whose `crates/rapidbyte-sdk{,-macros}` hold the v4 stand-in
  (`testdata/rust/sdk-v4`), and their build scripts write manifests with protocol "4";
- the v4 stand-in rejects the unmigrated v3 connectors;
- every `// TRAP:` marker is where testdata/rust/README.md says, and survives migration;
- files the recipes do not touch are byte-identical between v3 and expected.

Cargo runs from the workspace root with an explicit `--target <host>`, so the connectors'
`.cargo/config.toml` (`target = "wasm32-wasip2"`, not installed here) never applies.
CARGO_TARGET_DIR is in the test session's cache. A missing cargo skips, or fails under CI=true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUST = REPO / "testdata" / "rust"
V3 = RUST / "v3"
SDK_V4 = RUST / "sdk-v4"
EXPECTED = RUST / "expected" / "connectors"
CONNECTORS = ("source-postgres", "dest-postgres", "transform-sql")
SDK_CRATES = ("rapidbyte-sdk", "rapidbyte-sdk-macros")
# the session cache (tests/conftest.py): builds are shared within a test session and removed after it
TARGET_DIR = Path(os.environ.get("RBMIGRATE_CACHE_DIR") or tempfile.gettempdir()) / "cargo-target" / "rust-testdata"

# (path under v3/, marker text after "// TRAP: ").  Markers in connectors/{source,dest}-postgres and
# transform-sql must survive unchanged in expected/.
TRAPS = [
    ("connectors/source-postgres/src/reader.rs", "local fn emit_batch"),
    ("connectors/source-postgres/src/reader.rs", "doc comment code span"),
    ("connectors/source-postgres/src/reader.rs", 'error string "emit_batch failed"'),
    ("connectors/source-postgres/src/reader.rs", "field checkpoint_count"),
    ("connectors/source-postgres/src/lib.rs", "mod metrics"),
    ("connectors/source-postgres/src/metrics.rs", "emit_batch_nanos"),
    ("connectors/source-postgres/build.rs", "rapidbyte_manifest_v1"),
    ("connectors/dest-postgres/src/copy.rs", "impl io::Write fn write"),
    ("connectors/dest-postgres/src/error_ext.rs", ".context() extension trait"),
    ("connectors/dest-postgres/src/writer.rs", "field checkpoint_count"),
    ("connectors/transform-sql/src/throttle.rs", "std::task::Context"),
    ("connectors/source-csv/src/lib.rs", "moved-body name collision"),
    ("crates/rapidbyte-sdk/src/scaffold.rs", "scaffold template"),
    ("crates/rapidbyte-sdk/src/guest.rs", "std::task::Context"),
    ("crates/rapidbyte-sdk/src/manifest.rs", "rapidbyte_manifest_v1"),
    ("crates/rapidbyte-sdk/src/host_tcp.rs", "impl io::Write fn write"),
]

# What the TRAP lines point at: the code that must stay as it is after migration.
TRAP_CODE = [
    ("connectors/source-postgres/src/reader.rs", "fn emit_batch(ctx: &Context, batch: &RecordBatch"),
    ("connectors/source-postgres/src/reader.rs", 'format!("emit_batch failed: {}", e.message)'),
    ("connectors/source-postgres/src/reader.rs", "summary.checkpoint_count += 1;"),
    ("connectors/source-postgres/src/reader.rs", "emit_batch(ctx, &full, timings)?;"),
    ("connectors/source-postgres/src/lib.rs", "mod metrics;"),
    ("connectors/source-postgres/src/metrics.rs", "pub emit_batch_nanos: u64,"),
    ("connectors/source-postgres/build.rs", "let rapidbyte_manifest_v1 = manifest.rapidbyte_manifest_v1();"),
    ("connectors/dest-postgres/src/copy.rs", "fn write(&mut self, buf: &[u8]) -> io::Result<usize> {"),
    ("connectors/dest-postgres/src/error_ext.rs", "fn context(self, what: &str) -> Result<T, ConnectorError>;"),
    ("connectors/dest-postgres/src/client.rs", '.context("postgres startup")?;'),
    ("connectors/dest-postgres/src/writer.rs", "checkpoint_count: u64,"),
    ("connectors/transform-sql/src/throttle.rs", "fn poll(mut self: Pin<&mut Self>, ctx: &mut Context<'_>) -> Poll<()> {"),
]

# Files the recipes do not touch: expected/ must keep them byte for byte.
UNTOUCHED = [
    "source-postgres/.cargo/config.toml",
    "source-postgres/config.schema.json",
    "source-postgres/src/config.rs",
    "source-postgres/src/discovery.rs",
    "dest-postgres/.cargo/config.toml",
    "dest-postgres/src/config.rs",
    "dest-postgres/src/copy.rs",
    "dest-postgres/src/error_ext.rs",
    "transform-sql/.cargo/config.toml",
    "transform-sql/build.rs",
    "transform-sql/src/config.rs",
    "transform-sql/src/query.rs",
    "transform-sql/src/throttle.rs",
]

# v3 spellings that a migrated connector must not contain any more (the v3 tree must, or the
# testdata would not exercise them).
V3_ONLY = [
    r"\bConnectorInfo\b",
    r"\bValidationResult\b",
    r"\bHostTcpStream\b",
    r"ProtocolVersion::V2\b",
    r"CheckpointKind::Dest\b",
    r"StateScope::Stream\b",
    r"\basync fn init\(",
    r"\.emit_batch\(",
    r"\.next_batch\(",
    r"\.checkpoint\(",
    r"\.metric\(",
    r"\.emit_dlq_record\(",
    r"`ctx\.emit_batch\(\)`",
    r"host_ffi::log\(0,",
    r'\.protocol_version\("[23]"\)',
    r"@3\.0\.0",
    r'version = "3\.0\.0"',
]

# Protocol version each build script records (build.rs sets "2"/"3", or the SDK default applies).
V3_MANIFESTS = {"source-postgres": "2", "dest-postgres": "3", "transform-sql": "3", "source-csv": "3"}


# ---- helpers -------------------------------------------------------------------------------------

def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def cargo() -> dict:
    cargo_bin = _need("cargo")
    rustc_bin = _need("rustc")
    version = subprocess.run([rustc_bin, "-vV"], capture_output=True, text=True, check=True).stdout
    host = re.search(r"^host: (\S+)$", version, re.M).group(1)
    return {"bin": cargo_bin, "host": host}


class CargoRun:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stderr = proc.stderr
        self.diagnostics: list[tuple[str, str, str]] = []  # (package name, level, rendered)
        self.out_dirs: dict[str, Path] = {}  # package name -> build script OUT_DIR
        for line in proc.stdout.splitlines():
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            name = _package_name(msg.get("package_id", ""))
            if msg.get("reason") == "compiler-message":
                m = msg["message"]
                self.diagnostics.append((name, m["level"], m.get("rendered") or m["message"]))
            elif msg.get("reason") == "build-script-executed":
                self.out_dirs[name] = Path(msg["out_dir"])

    def problems(self, *levels: str) -> list[str]:
        return [f"[{pkg}] {text}" for pkg, level, text in self.diagnostics if level in levels]

    def cargo_warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("warning:")]


def _package_name(package_id: str) -> str:
    # "path+file:///x/connectors/dest-postgres#0.5.0" or "dest-postgres 0.5.0 (path+file:///...)"
    if "#" in package_id:
        tail = package_id.rsplit("#", 1)
        base = tail[0].rstrip("/").rsplit("/", 1)[-1]
        return tail[1].split("@")[0] if "@" in tail[1] else base
    return package_id.split(" ", 1)[0]


def cargo_check(cargo: dict, workspace: Path, *args: str) -> CargoRun:
    env = dict(os.environ)
    env.update(
        CARGO_TARGET_DIR=str(TARGET_DIR),
        CARGO_TERM_COLOR="never",
        CARGO_PROFILE_DEV_DEBUG="0",  # smaller, faster build scripts and proc macros
        CARGO_INCREMENTAL="0",
    )
    env.pop("RUSTFLAGS", None)
    cmd = [cargo["bin"], "check", "--offline", "--target", cargo["host"], "--message-format=json", *args]
    proc = subprocess.run(cmd, cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
    return CargoRun(proc)


def v4_workspace(root: Path, connectors: dict[str, Path]) -> Path:
    """A workspace shaped like v3 whose SDK crates hold the v4 stand-in.

    Files are copied with fresh mtimes on purpose: cargo keys path crates by their path relative
    to the workspace root and decides freshness by mtime, so copies that kept the originals'
    mtimes would reuse the artifacts of whatever crate last sat at the same relative path.
    """
    root.mkdir(parents=True)
    shutil.copy(V3 / "Cargo.toml", root / "Cargo.toml")
    for crate in SDK_CRATES:
        shutil.copytree(SDK_V4 / crate, root / "crates" / crate, copy_function=shutil.copy)
    for name, src in connectors.items():
        shutil.copytree(src, root / "connectors" / name, copy_function=shutil.copy)
    return root


def manifest_versions(run: CargoRun, packages) -> dict[str, str]:
    versions = {}
    for pkg in packages:
        out_dir = run.out_dirs.get(pkg)
        assert out_dir is not None, f"no build-script-executed message for {pkg}"
        doc = json.loads((out_dir / "rapidbyte_manifest.json").read_text())
        versions[pkg] = doc["protocol_version"]
    return versions


def _rs_files(root: Path):
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".rs", ".toml"})


# ---- cargo checks --------------------------------------------------------------------------------

@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_v3_workspace_checks_clean(cargo):
    run = cargo_check(cargo, V3, "--workspace", "--all-targets", "--locked")
    assert run.returncode == 0, "\n".join(run.problems("error")) or run.stderr
    assert run.problems("warning") == [] and run.cargo_warnings() == []
    assert manifest_versions(run, V3_MANIFESTS) == V3_MANIFESTS


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_expected_connectors_check_against_sdk_v4(cargo, tmp_path):
    ws = v4_workspace(tmp_path / "ws", {name: EXPECTED / name for name in CONNECTORS})
    run = cargo_check(cargo, ws, "--workspace", "--all-targets")
    assert run.returncode == 0, "\n".join(run.problems("error")) or run.stderr
    # No warnings either: an unused import left behind by use-list upkeep would show up here.
    assert run.problems("warning") == [] and run.cargo_warnings() == []
    assert manifest_versions(run, CONNECTORS) == {name: "4" for name in CONNECTORS}


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_sdk_v4_rejects_unmigrated_v3_connectors(cargo, tmp_path):
    ws = v4_workspace(tmp_path / "ws", {name: V3 / "connectors" / name for name in CONNECTORS})
    args = ["--keep-going"] + [arg for name in CONNECTORS for arg in ("-p", name)]
    run = cargo_check(cargo, ws, *args)
    assert run.returncode != 0
    errors = {name: "\n".join(t for pkg, level, t in run.diagnostics if pkg == name and level == "error")
              for name in CONNECTORS}
    # Each connector fails, and for the protocol reasons, not by accident.
    assert "method `init` is not a member of trait `Source`" in errors["source-postgres"]
    assert "no method named `emit_batch`" in errors["source-postgres"]
    assert "`rapidbyte_sdk::host_tcp::HostTcpStream`" in errors["source-postgres"]
    assert "no variant or associated item named `Stream`" in errors["source-postgres"]
    assert "method `write` is not a member of trait `Destination`" in errors["dest-postgres"]
    assert "no variant or associated item named `Dest`" in errors["dest-postgres"]
    assert "no method named `next_batch`" in errors["dest-postgres"]
    assert "method `transform` is not a member of trait `Transform`" in errors["transform-sql"]
    assert "`ConnectorInfo`" in errors["transform-sql"]


# ---- static checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("relpath,marker", TRAPS, ids=[f"{p}:{m}" for p, m in TRAPS])
def test_trap_marker_present(relpath, marker):
    line = f"// TRAP: {marker}"
    assert line in (V3 / relpath).read_text(), f"{relpath} lacks {line!r}"
    parts = Path(relpath).parts
    if parts[0] == "connectors" and parts[1] in CONNECTORS:
        assert line in (EXPECTED / Path(*parts[1:])).read_text(), f"expected/{relpath} lost {line!r}"


@pytest.mark.parametrize("relpath,code", TRAP_CODE, ids=[p for p, _ in TRAP_CODE])
def test_trap_code_is_left_alone(relpath, code):
    assert code in (V3 / relpath).read_text()
    assert code in (EXPECTED / Path(*Path(relpath).parts[1:])).read_text()


@pytest.mark.parametrize("relpath", UNTOUCHED)
def test_untouched_files_identical(relpath):
    assert (EXPECTED / relpath).read_bytes() == (V3 / "connectors" / relpath).read_bytes()


def test_expected_tree_mirrors_v3_connectors():
    for name in CONNECTORS:
        v3_files = {p.relative_to(V3 / "connectors" / name) for p in (V3 / "connectors" / name).rglob("*") if p.is_file()}
        exp_files = {p.relative_to(EXPECTED / name) for p in (EXPECTED / name).rglob("*") if p.is_file()}
        assert exp_files == v3_files, name


@pytest.mark.parametrize("pattern", V3_ONLY)
def test_v3_spelling_only_in_v3(pattern):
    regex = re.compile(pattern)
    in_v3 = [p for name in CONNECTORS for p in _rs_files(V3 / "connectors" / name) if regex.search(p.read_text())]
    in_expected = [str(p.relative_to(EXPECTED)) for name in CONNECTORS for p in _rs_files(EXPECTED / name)
                   if regex.search(p.read_text())]
    assert in_v3, f"v3 connectors never use {pattern}: the testdata does not exercise it"
    assert in_expected == [], f"{pattern} survives in expected/: {in_expected}"


def test_collision_connector_has_no_expected_counterpart():
    lib = (V3 / "connectors" / "source-csv" / "src" / "lib.rs").read_text()
    assert "impl RowReader for CsvSource" in lib and "impl Source for CsvSource" in lib
    assert "fn read_stream(&mut self, name: &str)" in lib
    assert "self.read_stream(&stream.stream_name)" in lib  # the read body calls the existing method
    assert not (EXPECTED / "source-csv").exists()

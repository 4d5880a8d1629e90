"""The result cache (rbmigrate/resultcache.py): hits give what a run computes, every key part misses,
concurrent runs, pruning, --no-cache, corrupted entries, and the inputs adapters must declare."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from workflow_support import REPO, cli

from rbmigrate import resultcache
from rbmigrate.batch import BatchOptions, run_batch
from rbmigrate.discover import discover
from rbmigrate.engine import Options, migrate_unit
from rbmigrate.report import json as json_report
from rbmigrate.report import text as text_report
from rbmigrate.resources import data_root

PY_V3 = REPO / "testdata" / "python" / "v3"
RUST_V3 = REPO / "testdata" / "rust" / "v3"
OLD = time.time() - 3600  # mtimes set back this far are out of the racy window


def backdate(root: Path) -> None:
    """Set every mtime under ``root`` (folders too) an hour back, as on a tree checked out earlier."""
    for folder, dirs, names in os.walk(root):
        for name in names + dirs:
            os.utime(os.path.join(folder, name), (OLD, OLD), follow_symlinks=False)
    os.utime(root, (OLD, OLD))


SMALL_APP = """\
import json

from wit_world import exports
from wit_world.imports import host, types

import util


def _emit(handle):
    host.log(2, "emitting")
    host.emit_batch(handle)
    host.metric(json.dumps({"name": "rows", "value": {"type": "counter", "value": util.clamp(1, 0, 9)}}))


class SourceConnector(exports.SourceConnector):
    def validate(self):
        return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="ok")
"""


def make_tree(root: Path) -> Path:
    """A repository of five units: a Python guest with checked-in v3 bindings, one without, a Rust
    crate, a vendored-WIT package, and the repository's own files the residue pass reads (a rustfmt.toml
    above the crate)."""
    repo = root / "repo"
    repo.mkdir(parents=True)
    shutil.copytree(PY_V3 / "transform-sql", repo / "transform-sql", ignore=shutil.ignore_patterns("__pycache__"))
    small = repo / "source-postgres"  # a small guest (libcst is the slow part of a run)
    small.mkdir()
    shutil.copy(PY_V3 / "source-postgres" / "manifest.json", small / "manifest.json")
    (small / "app.py").write_text(SMALL_APP)
    (small / "util.py").write_text("def clamp(n, lo, hi):\n    return max(lo, min(n, hi))\n")
    shutil.copytree(RUST_V3 / "connectors" / "source-csv", repo / "rust" / "source-csv",
                    ignore=shutil.ignore_patterns("target"))
    (repo / "rust" / "rustfmt.toml").write_text("max_width = 100\n")
    shutil.copytree(REPO / "testdata" / "wit" / "third-party" / "input", repo / "wit-user")
    backdate(repo)
    return repo


def run(paths, cache_dir: Path | None, mode: str = "check", **kw):
    options = BatchOptions(mode=mode, jobs=1, base=paths[0].parent, progress="none",
                           cache=cache_dir is not None, cache_dir=cache_dir, **kw)
    result, _ = run_batch(list(paths), options)
    return result


def document(result) -> dict:
    """The JSON report without the per-unit times (a cached unit spent none planning)."""
    doc = json.loads(json_report.render(result))
    for unit in doc["units"]:
        unit.pop("times")
    return doc


def same_as_computed(result, computed) -> None:
    assert document(result) == document(computed)
    assert text_report.render_diff(result, color=False) == text_report.render_diff(computed, color=False)
    for ours, theirs in zip(result.files, computed.files):
        assert (ours.before, ours.after, ours.mode, ours.encoding) == (theirs.before, theirs.after, theirs.mode,
                                                                      theirs.encoding)


def cached_roots(result) -> set[str]:
    return {u.root for u in result.units if u.cached}


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and "index" not in p.parts and not p.name.startswith("."))


# ---------------------------------------------------------------- hits


def test_a_second_run_takes_every_unit_from_the_cache_and_reports_the_same(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    computed = run([repo], None)
    first = run([repo], cache)
    assert not cached_roots(first)
    second = run([repo], cache)
    # three connectors, a WIT package, and the repository's own files the residue pass reads (rustfmt.toml)
    assert cached_roots(second) == {u.root for u in second.units} and len(second.units) == 5
    same_as_computed(first, computed)
    same_as_computed(second, computed)
    assert second.summary()["files_changed"] > 0 and second.summary()["findings"] > 0  # there is something to reuse
    assert all(u.times.parse == u.times.plan == 0 for u in second.units)


@pytest.mark.slow
def test_cached_results_equal_computed_ones_on_the_testdata(tmp_path):
    """Every kind of input the adapters handle: Python guests (with bindings, a coding cookie), the Rust
    workspace with SDK and runtime, every WIT variant, Markdown docs; diff and scan."""
    trees = tmp_path / "trees"
    for name, src in [("python", PY_V3), ("rust", RUST_V3), ("wit", REPO / "testdata" / "wit"),
                      ("docs", REPO / "testdata" / "docs" / "input")]:
        shutil.copytree(src, trees / name, ignore=shutil.ignore_patterns("target", "__pycache__", "expected*"))
    (trees / "python" / "latin1").mkdir()
    (trees / "python" / "latin1" / "app.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nfrom wit_world.imports import host\n\ndef f():\n"
        b"    host.log(2, 'caf\xe9')\n")
    backdate(trees)
    cache = tmp_path / "cache"
    computed = run(sorted(trees.iterdir()), None, "diff")
    run(sorted(trees.iterdir()), cache, "scan")  # (the mode is not part of the key: what scan stores, diff uses)
    again = run(sorted(trees.iterdir()), cache, "diff")
    assert len(cached_roots(again)) == len(again.units) > 10
    same_as_computed(again, computed)
    assert any(f.encoding is not None and f.changed for f in again.files)  # (stored with its UTF-8 form)


def test_apply_then_check_reuses_the_result_of_the_migrated_tree(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    applied = run([repo], cache, mode="apply", allow_dirty=True)
    assert applied.summary()["files_written"] > 0
    backdate(repo)
    check = run([repo], cache)
    # only the unit apply did not write (the repository's rustfmt.toml) is reused
    assert cached_roots(check) == {"repo"} and check.summary()["files_changed"] == 0
    again = run([repo], cache)
    assert len(cached_roots(again)) == 5
    same_as_computed(again, check)


def test_the_stat_index_spares_reading_an_unchanged_tree(tmp_path, monkeypatch):
    repo = make_tree(tmp_path)
    for i in range(20):  # files that hold nothing of v3, as most of a repository
        (repo / "source-postgres" / f"helper{i}.py").write_text(f"def helper{i}():\n    return {i}\n")
        (repo / "rust" / "source-csv" / "src" / f"util{i}.rs").write_text(f"pub fn util{i}() -> u32 {{ {i} }}\n")
    backdate(repo)
    cache = tmp_path / "cache"
    run([repo], cache)
    opened = []
    real_open = open

    def counting_open(file, *args, **kw):
        if str(file).startswith(str(repo)):
            opened.append(str(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr(resultcache, "open", counting_open, raising=False)  # what the cache reads
    monkeypatch.setattr("rbmigrate.engine.read_unit", None)  # and nothing else reads a unit
    again = run([repo], cache)
    assert len(cached_roots(again)) == 5
    # only the files a result is about are read again (their bytes go into diffs and reports), no others
    assert sorted(opened) == sorted(str(tmp_path / f.path) for f in again.files)
    assert len(opened) < sum(len(u.files) for u in discover([repo])) / 2


# ---------------------------------------------------------------- misses


def _unit_of(result, name: str):
    return next(u for u in result.units if u.root.endswith(name))


def test_a_changed_byte_misses_only_its_own_unit(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    run([repo], cache)
    app = repo / "source-postgres" / "app.py"
    app.write_bytes(app.read_bytes().replace(b"host.log(2,", b"host.log(3,", 1))
    os.utime(app, (OLD, OLD))  # same mtime as before: the content still decides
    again = run([repo], cache)
    assert not _unit_of(again, "source-postgres").cached
    assert cached_roots(again) == {u.root for u in again.units if not u.root.endswith("source-postgres")}
    same_as_computed(again, run([repo], None))


def test_a_same_size_rewrite_with_the_old_mtime_is_seen(tmp_path):
    """The index trusts (size, mtime, ctime, inode, mode): setting the mtime back still moves the ctime."""
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    run([repo], cache)
    app = repo / "source-postgres" / "app.py"
    data = app.read_bytes()
    app.write_bytes(data.replace(b"host.log(2,", b"host.log(3,", 1))
    assert len(app.read_bytes()) == len(data)
    os.utime(app, (OLD, OLD))
    assert not _unit_of(run([repo], cache), "source-postgres").cached


def test_mode_bits_are_part_of_the_key(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    run([repo], cache)
    (repo / "source-postgres" / "app.py").chmod(0o600)
    again = run([repo], cache)
    assert not _unit_of(again, "source-postgres").cached
    assert {f.mode for f in _unit_of(again, "source-postgres").files if f.path.endswith("app.py")} == {0o600}


def test_options_rules_version_and_display_base_are_part_of_the_key(tmp_path, monkeypatch):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    run([repo], cache)
    assert not cached_roots(run([repo], cache, unsafe_fixes=True))  # another option
    assert len(cached_roots(run([repo], cache))) == 5

    options = BatchOptions(mode="check", jobs=1, base=repo, progress="none", cache=True, cache_dir=cache)
    assert not cached_roots(run_batch([repo], options)[0])  # paths shown from another folder

    monkeypatch.setattr(resultcache, "rules_fingerprint", lambda: "another rule table")
    assert not cached_roots(run([repo], cache))
    monkeypatch.undo()

    real = resultcache.code_fingerprint()
    monkeypatch.setattr(resultcache, "code_fingerprint", lambda: real + " (another rbmigrate)")
    assert not cached_roots(run([repo], cache))
    monkeypatch.undo()
    assert len(cached_roots(run([repo], cache))) == 5


def test_the_code_fingerprint_follows_the_version(monkeypatch):
    first = resultcache.code_fingerprint()
    monkeypatch.setattr("rbmigrate.__version__", "99.0.0")
    resultcache.code_fingerprint.cache_clear()
    try:
        assert resultcache.code_fingerprint() != first
    finally:
        monkeypatch.undo()
        resultcache.code_fingerprint.cache_clear()
    assert any(name.startswith("libcst-") for name in resultcache.dependency_versions())


def test_the_rule_table_fingerprint_follows_the_rule_files(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(data_root() / "rules", data / "rules", ignore=shutil.ignore_patterns("cases"))
    shutil.copytree(data_root() / "wit", data / "wit")
    monkeypatch.setenv("RBMIGRATE_DATA", str(data))
    first = resultcache.rules_fingerprint()
    toml = data / "rules" / "findings.toml"
    toml.write_text(toml.read_text() + "\n# a comment\n")
    resultcache._data_fingerprint.cache_clear()
    assert resultcache.rules_fingerprint() != first
    (data / "wit" / "v4" / "rapidbyte-connector.wit").write_text("// changed\n")
    second = resultcache.rules_fingerprint()
    resultcache._data_fingerprint.cache_clear()
    assert resultcache.rules_fingerprint() != second


def test_inputs_outside_the_unit_are_part_of_the_key(tmp_path):
    """A rustfmt.toml above a crate, checked-in wit_world/ bindings: not unit files, but they change results."""
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    first = run([repo], cache)
    crate = _unit_of(first, "source-csv")
    assert str(repo / "rust" / "rustfmt.toml") in _inputs(repo, cache, "source-csv")

    (repo / "rust" / "rustfmt.toml").write_text("max_width = 60\n")
    again = run([repo], cache)
    assert not _unit_of(again, "source-csv").cached
    assert len(cached_roots(again)) == 3
    assert document(again) == document(run([repo], None))
    assert crate.root == _unit_of(again, "source-csv").root

    shutil.rmtree(repo / "transform-sql" / "wit_world")  # the RB505 action goes
    again = run([repo], cache)
    assert not _unit_of(again, "transform-sql").cached
    assert not _unit_of(again, "transform-sql").actions
    assert _unit_of(first, "transform-sql").actions


def _inputs(repo: Path, cache: Path, name: str) -> list[str]:
    found = []
    for entry in entries(cache):
        blob = entry.read_bytes()
        payload = resultcache._decode(blob)
        if payload["result"].root.endswith(name):
            found += [path for path, _state in payload["inputs"]]
    return found


def test_units_with_io_or_internal_errors_are_not_stored(tmp_path, monkeypatch):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    from rbmigrate.lang import base as lang_base
    from rbmigrate.lang.rust import RustAdapter

    class Crashing(RustAdapter):
        def plan(self, tree, data, ctx):
            raise RuntimeError("boom")

    monkeypatch.setitem(lang_base._loaded, "rust", Crashing())
    crashed = run([repo], cache)
    assert any(e.kind == "internal" for e in _unit_of(crashed, "source-csv").all_errors)
    monkeypatch.undo()
    again = run([repo], cache)
    assert not _unit_of(again, "source-csv").cached and not _unit_of(again, "source-csv").all_errors


# ---------------------------------------------------------------- robustness


def test_a_corrupted_or_truncated_entry_is_a_miss_and_is_replaced(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    computed = run([repo], cache)
    stored = entries(cache)
    assert len(stored) == 5
    stored[0].write_bytes(stored[0].read_bytes()[:-10])  # truncated
    data = bytearray(stored[1].read_bytes())
    data[-5] ^= 0xFF  # a flipped bit
    stored[1].write_bytes(bytes(data))
    stored[2].write_bytes(b"garbage")
    again = run([repo], cache)
    assert len(cached_roots(again)) == 2  # three of five entries damaged
    same_as_computed(again, computed)
    assert len(cached_roots(run([repo], cache))) == 5  # rewritten whole


def test_a_readonly_cache_folder_only_costs_the_cache(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        result = run([repo], cache)
        assert not result.errors and result.summary()["files_changed"] > 0
    finally:
        cache.chmod(0o700)


def test_no_cache_neither_reads_nor_writes(tmp_path):
    """A tampered entry (valid checksum, another message) shows that the cache is read, and that
    --no-cache does not read it; --no-cache writes nothing."""
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    env = {"RBMIGRATE_CACHE_DIR": str(cache)}
    env.pop("RBMIGRATE_NO_CACHE", None)
    proc = cli("scan", "--no-cache", "repo", cwd=tmp_path, env=env)
    assert proc.returncode == 1 and not cache.exists()
    proc = cli("scan", "--format", "json", "repo", cwd=tmp_path, env=env)
    assert proc.returncode == 1
    honest = _untimed(proc.stdout)
    for entry in entries(cache / "results"):
        payload = resultcache._decode(entry.read_bytes())
        for fres in payload["result"].files:
            fres.findings = [f.__class__(**{**{k: getattr(f, k) for k in f.__slots__}, "message": "TAMPERED"})
                             for f in fres.findings]
        blob = pickle.dumps(payload)
        entry.write_bytes(resultcache.MAGIC + resultcache._sha(blob) + blob)
    assert "TAMPERED" in cli("scan", "--format", "json", "repo", cwd=tmp_path, env=env).stdout
    assert _untimed(cli("scan", "--format", "json", "--no-cache", "repo", cwd=tmp_path, env=env).stdout) == honest
    assert _untimed(cli("scan", "--format", "json", "repo", cwd=tmp_path,
                        env={**env, "RBMIGRATE_NO_CACHE": "1"}).stdout) == honest


def _untimed(report: str) -> dict:
    doc = json.loads(report)
    for unit in doc["units"]:
        unit.pop("times")
    return doc


def test_concurrent_runs_share_the_cache_safely(tmp_path):
    """Four processes (two jobs each) on one tree and one cache folder at once, then again warm: every
    output equal, no temporary file left, every entry whole."""
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    env = {"RBMIGRATE_CACHE_DIR": str(cache), "RBMIGRATE_NO_CACHE": ""}
    expected = cli("apply", "--diff", "--no-cache", "-j", "1", "repo", cwd=tmp_path, env=env).stdout
    assert expected

    def one(_):
        return cli("apply", "--diff", "-j", "2", "repo", cwd=tmp_path, env=env)

    for _round in range(2):
        with ThreadPoolExecutor(4) as pool:
            procs = list(pool.map(one, range(4)))
        assert all(p.returncode == 0 for p in procs), [p.stderr for p in procs]
        assert all(p.stdout == expected for p in procs)
    assert not [p for p in cache.rglob(".tmp-*")]
    for entry in entries(cache / "results"):
        resultcache._decode(entry.read_bytes())  # raises on a torn entry


def test_pruning_removes_the_least_recently_used(tmp_path):
    root = tmp_path / "cache"
    for i in range(10):
        path = root / "v1" / f"{i:02d}" / f"entry{i}"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (OLD + i, OLD + i))  # entry0 is the least recently used
    stale = root / "v1" / "00" / ".tmp-abc"
    stale.write_bytes(b"partial")
    os.utime(stale, (OLD, OLD))
    fresh = root / "v1" / "00" / ".tmp-def"
    fresh.write_bytes(b"being written")
    assert resultcache.prune(root, 20_000) == len(b"partial")  # under the limit: only the leftover goes
    assert not stale.exists() and fresh.exists()
    removed = resultcache.prune(root, 5_000)
    left = sorted(p.name for p in root.rglob("entry*"))
    assert left == [f"entry{i}" for i in range(6, 10)] and removed == 6000


def test_a_run_keeps_its_cache_under_the_limit(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    options = Options(mode="check", base=tmp_path)
    small = resultcache.ResultCache(options, cache, max_bytes=1)
    from rbmigrate.engine import run_units

    units = discover([repo])
    run_units(units, options, 1, cache=small)
    assert small.stats.stored == 5
    small.close()
    assert not entries(cache)


def test_a_used_entry_is_touched_for_the_lru(tmp_path):
    repo = make_tree(tmp_path)
    cache = tmp_path / "cache"
    run([repo], cache)
    for entry in entries(cache):
        os.utime(entry, (OLD, OLD))
    run([repo], cache)
    assert all(entry.stat().st_mtime > OLD + 60 for entry in entries(cache))


def test_default_cache_folder(monkeypatch, tmp_path):
    from rbmigrate.cachedir import default_cache_dir

    monkeypatch.setenv("RBMIGRATE_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("RBMIGRATE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "rbmigrate"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "rbmigrate"


# ---------------------------------------------------------------- declared inputs


def test_adapters_declare_every_path_they_read_outside_the_unit(tmp_path):
    """With an audit hook on open/listdir/scandir: while a unit is migrated, every path opened or listed
    is one of its files, a declared input (rbmigrate.inputs), rbmigrate's own data and code, or a
    scratch copy. An undeclared read would let the cache serve a stale result."""
    repo = make_tree(tmp_path)
    shutil.copytree(REPO / "testdata" / "docs" / "input", repo / "docs")
    shutil.copytree(RUST_V3, repo / "workspace", ignore=shutil.ignore_patterns("target"))
    (repo / "workspace" / "connectors" / "source-csv" / "src" / "ignored.rs").write_text("fn read_stream() {}\n")
    (repo / "workspace" / ".gitignore").write_text("ignored.rs\n")
    seen: list[str] = []
    active = []

    def hook(event, args):
        if active and event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if os.path.isabs(path):  # (a relative name is opened below a folder descriptor: rmtree of a scratch copy)
                seen.append(os.path.normpath(path))

    sys.addaudithook(hook)  # (stays for the process; idle outside this test)
    allowed_prefixes = tuple({
        str(data_root() / "rules"), str(data_root() / "wit"), str(Path(resultcache.__file__).parent),
        sys.prefix, sys.base_prefix, sys.exec_prefix, "/proc/", "/dev/",
    })
    options = Options(mode="check", base=tmp_path)
    declared_anything = False
    units = discover([repo])
    assert len(units) > 8
    for unit in units:
        seen.clear()
        active.append(1)
        try:
            result = migrate_unit(unit, options)
        finally:
            active.clear()
        allowed = {str(p) for p in unit.files} | set(result.inputs)
        declared_anything |= bool(set(result.inputs) - {str(p) for p in unit.files})
        undeclared = sorted({p for p in seen if p not in allowed and not p.startswith(allowed_prefixes)
                             and "/rbmigrate-wit-" not in p})
        assert not undeclared, f"{unit.root}: read without rbmigrate.inputs.depends_on: {undeclared}"
    assert declared_anything


# ---------------------------------------------------------------- progress of long units


def test_a_long_unit_says_it_is_still_working_and_clears_the_line(monkeypatch):
    import io

    from rbmigrate import batch

    monkeypatch.setattr(batch, "TICK_AFTER", 0.2)
    stream = io.StringIO()
    progress = batch.Progress(1, "none", stream=stream, ticker=True, label="big-connector")
    progress.start()
    time.sleep(1.2)
    progress.close()
    out = stream.getvalue()
    assert "rbmigrate: big-connector: still working (" in out and out.endswith("\r\x1b[K")


def test_on_a_terminal_a_big_module_shows_progress(tmp_path):
    """Through a pseudo-terminal, as a user runs it: one unit that takes longer than the status line's delay."""
    import pty

    sys.path.insert(0, str(REPO))
    from bench import bigmodule

    bigmodule.generate(tmp_path / "big", 6_000)
    # a unit that takes longer than the status line's delay (0.3 s here, whatever the machine's speed)
    env = {**os.environ, "PYTHONPATH": str(REPO), "RBMIGRATE_NO_CACHE": "1", "RBMIGRATE_PROGRESS_AFTER": "0.3"}
    env.pop("CI", None)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(tmp_path)
        os.execve(sys.executable, [sys.executable, "-m", "rbmigrate", "apply", "--check", "big"], env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    assert b"big: still working (" in out
    assert b"would migrate big/app.py" in out


# ---------------------------------------------------------------- verify: a copy of initdb's output


@pytest.mark.slow
def test_a_throwaway_cluster_starts_from_a_copy_of_initdb(tmp_path, monkeypatch):
    from conftest import skip_or_fail

    from rbmigrate.verify import pgcluster

    if pgcluster.find_bin_dir() is None:
        skip_or_fail("PostgreSQL server binaries (initdb) not found")
    monkeypatch.setenv("RBMIGRATE_CACHE_DIR", str(tmp_path / "cache"))
    ran = []
    real = pgcluster.PgCluster._cmd

    def recording(self, args, **kw):
        ran.append(Path(args[0]).name)
        return real(self, args, **kw)

    monkeypatch.setattr(pgcluster.PgCluster, "_cmd", recording)
    for attempt in range(2):
        ran.clear()
        cluster = pgcluster.start_cluster()
        try:
            assert cluster.rows("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'rb\\_%'") == [[3]]
            cluster.create_database("t_copy")
            assert cluster.rows("SELECT 1", dbname="t_copy") == [[1]]
        finally:
            cluster.remove()
        assert ("initdb" in ran) == (attempt == 0), ran
    assert len(list((tmp_path / "cache" / "pg-initdb").iterdir())) == 1


def test_the_options_key_does_not_depend_on_the_process():
    """Sets in options (frozenset fields) are sorted: string hashing differs between processes."""
    from dataclasses import dataclass, field

    @dataclass
    class Opts:
        mode: str = "check"
        jobs: int = 1
        base: Path | None = None
        rules: frozenset = field(default_factory=lambda: frozenset({"RB101", "RB202", "RB303"}))
        extra: dict = field(default_factory=lambda: {"b": 1, "a": {2, 1}})

    code = ("import sys; sys.path.insert(0, %r); from rbmigrate.resultcache import _canonical; "
            "print(repr(_canonical(frozenset({'RB101', 'RB202', 'RB303', 'x', 'y'}))))" % str(REPO))
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3, 4)}
    assert len(outs) == 1
    assert resultcache.options_key(Opts()) == resultcache.options_key(Opts(extra={"a": {1, 2}, "b": 1}))
    assert resultcache.options_key(Opts()) != resultcache.options_key(Opts(rules=frozenset({"RB101"})))
    assert resultcache.cacheable_options(Opts()) and not resultcache.cacheable_options(type("O", (), {"typecheck": True})())

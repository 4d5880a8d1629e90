"""Batch runs: many units in one command, process pool, isolation, sharding, progress, SIGKILL safety."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from workflow_support import REPO, V3_WIT, cli, cli_argv, make_batch, snapshot, wit_adapter

from rbmigrate.batch import InputError, Progress, parse_shard, read_path_list, run_units, shard_of
from rbmigrate.cli import main
from rbmigrate.discover import discover
from rbmigrate.engine import Options
from rbmigrate.lang import base as lang_base
from rbmigrate.model import UnitResult

TMP_SUFFIX = ".rbmigrate-tmp"
JOURNAL = ".rbmigrate-journal"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def pristine_batch(tmp_path: Path, count: int, mixed: bool = True) -> tuple[Path, dict[str, bytes]]:
    """A batch built once (testdata may change while tests run), and what a clean ``apply`` makes of it.

    Returns the pristine folder (copy it for each run) and the migrated files of a reference copy.
    """
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    make_batch(pristine, count, mixed=mixed)
    ref = tmp_path / "reference"
    shutil.copytree(pristine, ref, symlinks=True)
    proc = cli("apply", "-j", "2", "units", cwd=ref)
    assert proc.returncode == 0, proc.stderr
    return pristine, snapshot(ref)


def table_rows(stderr: str) -> list[list[str]]:
    """The rows of the closing per-unit table, split on whitespace."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["Unit", "Kind"])
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("units/"):
            break
        rows.append(line.split())
    return rows


def copy_of(pristine: Path, dst: Path) -> list[Path]:
    shutil.copytree(pristine, dst, symlinks=True)
    return sorted(p for p in (dst / "units").iterdir())


# ------------------------------------------------------------------ sharding and lists


def test_parse_shard():
    assert parse_shard("1/1") == (1, 1)
    assert parse_shard("3/4") == (3, 4)
    for bad in ("0/2", "3/2", "1/0", "a/b", "2", "1/2/3", ""):
        with pytest.raises(InputError):
            parse_shard(bad)


def test_shard_assignment_is_pinned():
    """Changing the hash would reshuffle every CI matrix: these values must never change."""
    assert [shard_of(f"units/u{i:03d}", 4) for i in range(8)] == [2, 2, 4, 2, 3, 3, 3, 2]


def test_shards_partition_the_units_whatever_the_order_and_location(tmp_path, monkeypatch):
    wit_adapter()
    make_batch(tmp_path / "a", 23, mixed=False)
    seen = {}
    monkeypatch.chdir(tmp_path / "a")
    for k in (1, 2, 3):
        doc = invoke("apply", "--check", "--format", "json", "--shard", f"{k}/3", "-j", "1", "units")
        assert doc.exit_code in (0, 1), doc.output
        for unit in json.loads(doc.stdout)["units"]:
            assert unit["root"] not in seen
            seen[unit["root"]] = k
    assert len(seen) == 23
    assert len(set(seen.values())) == 3  # every shard got work
    # the same units, listed in another order and moved elsewhere, land in the same shards
    shutil.copytree(tmp_path / "a", tmp_path / "b" / "deeper")
    monkeypatch.chdir(tmp_path / "b" / "deeper")
    listed = sorted((Path("units") / name for name in os.listdir("units")), reverse=True)
    (tmp_path / "list.txt").write_text("".join(f"{p}\n" for p in listed))
    for k in (1, 2, 3):
        doc = invoke("apply", "--check", "--format", "json", "--shard", f"{k}/3", "--from-file", str(tmp_path / "list.txt"))
        assert {u["root"] for u in json.loads(doc.stdout)["units"]} == {r for r, s in seen.items() if s == k}


def test_read_path_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b c").mkdir()
    (tmp_path / "list").write_text("# repos\na\n\n  b c  \n")
    assert read_path_list("list") == [Path("a"), Path("b c")]
    assert read_path_list("-", stdin=io.StringIO("a\n")) == [Path("a")]
    (tmp_path / "bad").write_text("a\nmissing\n")
    with pytest.raises(InputError, match="bad:2: missing"):
        read_path_list("bad")


def test_from_file_and_stdin(tmp_path, monkeypatch):
    wit_adapter()
    make_batch(tmp_path, 4, mixed=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list").write_text("units/u000-plain\nunits/u002-no-final-newline\n")
    result = invoke("apply", "--from-file", "list", "-j", "1")
    assert result.exit_code == 0, result.output
    changed = {p for p in ("u000-plain", "u001-crlf", "u002-no-final-newline", "u003-commented")
               if b"@3.0.0" not in (tmp_path / "units" / p / "connector.wit").read_bytes()}
    assert changed == {"u000-plain", "u002-no-final-newline"}
    result = CliRunner().invoke(main, ["apply", "--from-file", "-", "-j", "1", "units/u001-crlf"], input="units/u003-commented\n")
    assert result.exit_code == 0, result.output
    assert all(b"@3.0.0" not in (tmp_path / "units" / p / "connector.wit").read_bytes()
               for p in ("u001-crlf", "u003-commented"))


# ------------------------------------------------------------------ isolation


class CrashingAdapter(type(wit_adapter())):
    """The WIT adapter, but it kills its worker process on CRASH and raises on RAISE (a bug in an adapter)."""

    def parse(self, data, ctx):
        if b"CRASH" in data:
            os._exit(3)
        if b"RAISE" in data:
            raise RuntimeError("adapter bug")
        return super().parse(data, ctx)


def test_a_dying_worker_or_a_raising_adapter_only_fails_its_unit(tmp_path, monkeypatch):
    monkeypatch.setitem(lang_base._loaded, "wit", CrashingAdapter())
    folders = make_batch(tmp_path, 9, mixed=False)
    (folders[2] / "connector.wit").write_bytes(V3_WIT.replace(b"/// Rapidbyte", b"/// CRASH Rapidbyte"))
    (folders[6] / "connector.wit").write_bytes(V3_WIT.replace(b"/// Rapidbyte", b"/// RAISE Rapidbyte"))
    units = discover([tmp_path / "units"])
    seen = []
    results = run_units(units, Options(mode="check", base=tmp_path), jobs=3, on_result=lambda i, r: seen.append(i))
    assert sorted(seen) == list(range(9))
    assert [r.root for r in results] == [f"units/{f.name}" for f in folders]
    crashed, raised = results[2], results[6]
    assert crashed.status == "error" and "worker process died" in crashed.errors[0].message
    assert "exit code 3" in crashed.errors[0].message
    assert raised.status == "error" and "adapter bug" in raised.all_errors[0].message
    others = [r for i, r in enumerate(results) if i not in (2, 6)]
    assert all(r.status == "pending" for r in others), [(r.root, r.all_errors) for r in others]


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_pool_and_serial_runs_agree(tmp_path, monkeypatch):
    wit_adapter()
    make_batch(tmp_path, 7)
    units = discover([tmp_path / "units"])
    serial = run_units(units, Options(mode="check", base=tmp_path), jobs=1)
    pooled = run_units(units, Options(mode="check", base=tmp_path), jobs=2)
    key = lambda rs: [(r.root, [(f.path, f.after, [e.rule_id for e in f.edits]) for f in r.files]) for r in rs]  # noqa: E731
    assert key(serial) == key(pooled)


def test_engine_run_uses_the_one_executor_and_its_rule_table_reaches_the_workers(tmp_path):
    """`engine.run` goes through `run_units` for -j1 and -jN alike, and a rule table of the caller's
    own (here: without RB101) is the one the workers plan with."""
    from rbmigrate.engine import run
    from rbmigrate.ruletable import RuleTable, default_table

    wit_adapter()
    make_batch(tmp_path, 5, mixed=False)
    table = RuleTable([r for r in default_table() if r.id != "RB101"])
    key = lambda res: [(r.root, [(f.path, f.after, sorted({e.rule_id for e in f.edits})) for f in r.files])  # noqa: E731
                       for r in res.units]
    runs = {(jobs, rules is None): key(run([tmp_path / "units"], Options(mode="check", base=tmp_path, jobs=jobs),
                                           rules=rules)[0])
            for jobs in (1, 2) for rules in (None, table)}
    assert runs[(1, True)] == runs[(2, True)] and runs[(1, False)] == runs[(2, False)]
    fired = lambda k: {rule for _root, files in runs[k] for _p, _a, rules in files for rule in rules}  # noqa: E731
    assert "RB101" in fired((2, True)) and "RB101" not in fired((2, False))


# ------------------------------------------------------------------ acceptance: 50+ units, two bad ones


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_batch_of_55_units_with_a_syntax_error_and_a_read_only_file(tmp_path):
    count = 55
    pristine, expected_new = pristine_batch(tmp_path, count)
    work = tmp_path / "work"
    folders = [f for f in copy_of(pristine, work) if f.name.startswith("u")]  # the WIT units
    syntax = folders[10]
    (syntax / "connector.wit").write_bytes(V3_WIT + b"\ninterface broken {\n")
    readonly = folders[20]  # a two-file unit would do as well; this one has one file
    (readonly / "connector.wit").chmod(0o444)
    before = snapshot(work)

    proc = cli("apply", "-v", "-j", "2", "units", cwd=work)  # -v: with the per-unit table
    assert proc.returncode == 2, proc.stderr
    after = snapshot(work)

    bad = {syntax.name, readonly.name}
    for rel, data in after.items():
        unit = rel.split("/")[1]
        if unit in bad:
            assert data == before[rel], f"{rel} of a failed unit was touched"
        else:
            assert data == expected_new[rel], f"{rel} is not its migrated content"
            if rel.endswith(".wit"):
                assert data != before[rel]
    assert set(after) == set(before)  # no stray temporary files
    assert f"units/{syntax.name}/connector.wit:" in proc.stderr  # the parse error, located
    assert f"units/{readonly.name}/connector.wit: error: file is read-only" in proc.stderr
    rows = {row[0]: row for row in table_rows(proc.stderr)}
    assert rows[f"units/{syntax.name}"][2] == "error"
    assert rows[f"units/{readonly.name}"][2] == "error"
    statuses = {root: row[2] for root, row in rows.items()}
    assert len(statuses) >= count  # WIT units, plus the Python and Rust connectors once their adapters landed
    assert sum(1 for s in statuses.values() if s == "migrated") >= count - 2
    assert {s for root, s in statuses.items() if root.split("/")[1] not in bad} <= {"migrated", "clean"}
    assert (readonly / "connector.wit").stat().st_mode & 0o777 == 0o444


def _default_sigint() -> None:  # runs in the child between fork and exec
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_part_way(tmp_path: Path, sig: int, jobs: str) -> tuple[int, dict, dict, dict]:
    """Run ``apply`` on a fresh batch and send ``sig`` once a few units are written.

    Returns (exit status, files before, files after, reference results); retried
    with a later signal when the run finished first.
    """
    count = 120
    pristine, expected_new = pristine_batch(tmp_path, count, mixed=False)
    for attempt in range(3):
        work = tmp_path / f"work{attempt}"
        copy_of(pristine, work)
        before = snapshot(work)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("CI", None)
        # the child gets SIGINT's default disposition (Python then turns it into KeyboardInterrupt) whatever
        # this process inherited (a suite started with `&` from a script has it ignored), and its own
        # process group (a Ctrl-C at the terminal running the suite does not reach it twice)
        proc = subprocess.Popen(cli_argv("apply", "-v", "-j", jobs, "units"), cwd=work, env=env,
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                preexec_fn=_default_sigint, process_group=0)
        progress = 0
        for line in proc.stderr:
            if line.startswith("rbmigrate: ["):
                progress += 1
                if progress == 3 + 10 * attempt:
                    proc.send_signal(sig)
                    break
        # reading to the end also proves no worker outlived the parent (each holds stderr open)
        proc.communicate(timeout=120)
        code = proc.returncode
        if code != 0:
            return code, before, snapshot(work), expected_new
    pytest.fail("apply finished every time before the signal arrived")


def assert_every_file_whole(before: dict, after: dict, expected_new: dict) -> None:
    stray = [rel for rel in after if rel.endswith(TMP_SUFFIX) or rel.endswith(JOURNAL)]
    whole = {rel: data for rel, data in after.items() if rel not in stray}
    assert set(whole) == set(before)
    for rel, data in whole.items():
        assert data in (before[rel], expected_new[rel]), f"{rel} is neither old nor new"
    for rel in stray:  # a temporary file a kill interrupted: never the target itself
        assert Path(rel).name.startswith(".")
    migrated = sum(1 for rel in whole if whole[rel] != before[rel])
    assert 0 < migrated < len(whole)  # the signal really landed part-way


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_sigkill_part_way_leaves_every_file_whole(tmp_path):
    code, before, after, expected_new = interrupt_part_way(tmp_path, signal.SIGKILL, jobs="2")
    assert code == -signal.SIGKILL
    assert_every_file_whole(before, after, expected_new)
    # the next command finishes (or rolls back) what was cut short: no leftovers, every unit whole
    work = max(tmp_path.glob("work*"))
    proc = cli("apply", "--check", "-j", "2", "units", cwd=work)
    assert proc.returncode == 1, proc.stderr
    now = snapshot(work)
    assert set(now) == set(before)
    for unit in {rel.split("/")[1] for rel in now}:
        mine = [rel for rel in now if rel.split("/")[1] == unit]
        assert all(now[r] == before[r] for r in mine) or all(now[r] == expected_new[r] for r in mine), unit


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_ctrl_c_stops_cleanly_with_130(tmp_path):
    code, before, after, expected_new = interrupt_part_way(tmp_path, signal.SIGINT, jobs="1")
    assert code == 130
    assert_every_file_whole(before, after, expected_new)
    assert not [rel for rel in after if rel.endswith(TMP_SUFFIX) or rel.endswith(JOURNAL)]


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_ctrl_c_test_does_not_depend_on_the_inherited_sigint_disposition(tmp_path):
    """A suite started with `&` from a script inherits SIGINT ignored; the child rbmigrate must not."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code, before, after, expected_new = interrupt_part_way(tmp_path, signal.SIGINT, jobs="1")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert code == 130
    assert_every_file_whole(before, after, expected_new)


# ------------------------------------------------------------------ progress and the closing table


def test_quiet_progress_lines_and_the_closing_table(tmp_path):
    make_batch(tmp_path, 20, mixed=False)
    proc = cli("apply", "--check", "-j", "2", "units", cwd=tmp_path, env={"CI": "true"})
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    progress = [line for line in lines if line.startswith("rbmigrate: ")]
    assert progress == [f"rbmigrate: {n}/20 units done" for n in range(2, 21, 2)]
    assert not [line for line in lines if line.startswith("Unit ")]  # the per-unit table only with -v
    listed = [line for line in lines if line.startswith("would migrate ")]  # as `black --check`, up to a bound
    assert len(lines) == len(progress) + len(listed) + 1  # and the summary
    assert len(listed) <= 50
    verbose = cli("apply", "--check", "-v", "-j", "2", "units", cwd=tmp_path, env={"CI": "true"})
    assert sum(1 for line in verbose.stderr.splitlines() if line.startswith("rbmigrate: [")) == 20
    header = [line for line in verbose.stderr.splitlines() if line.startswith("Unit ")]
    assert header and header[0].split() == ["Unit", "Kind", "Status", "Changed", "Edits", "Findings", "Errors", "Verify", "Problem"]
    rows = table_rows(verbose.stderr)
    assert len(rows) == 20 and all(row[2] == "pending" for row in rows)


def test_each_error_is_reported_once(tmp_path):
    folders = make_batch(tmp_path, 3, mixed=False)
    (folders[1] / "connector.wit").write_bytes(b"package rapidbyte:connector@3.0.0;\ninterface x {\n")
    for flags in ((), ("-v",)):
        proc = cli("apply", "--check", *flags, "-j", "1", "units", cwd=tmp_path)
        located = f"units/{folders[1].name}/connector.wit:3:1: error: expected `}}` closing the interface"
        assert proc.stderr.count(located) == 1, proc.stderr
        assert proc.stderr.count("expected `}` closing") == 1 + bool(flags), proc.stderr  # -v: and in the table


def test_rich_progress_bar(tmp_path):
    out = io.StringIO()
    progress = Progress(3, "bar", stream=out)
    progress.start()
    for name in ("a", "[b]", "c"):
        progress.advance(UnitResult(root=name, kind="directory"))
    progress.close()
    assert progress.done == 3


def test_progress_style_choice(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    assert Progress.choose(1, Tty()) == "none"
    assert Progress.choose(5, Tty()) == "bar"
    assert Progress.choose(5, io.StringIO()) == "lines"
    monkeypatch.setenv("CI", "true")
    assert Progress.choose(5, Tty()) == "lines"


# ------------------------------------------------------------------ start-up stays light


def test_cli_start_up_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from rbmigrate.cli import main\n"
        "try:\n    main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rich', 'jsonschema', 'wasmtime', 'libcst', 'tree_sitter', 'concurrent.futures', 'multiprocessing')"
        " if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY:"


# ------------------------------------------------------------------ a unit is written whole or not at all


def _split_unit(tmp_path: Path) -> Path:
    folders = make_batch(tmp_path, 5, mixed=False)
    split = [f for f in folders if f.name.endswith("split")][0]
    assert len(list(split.glob("*.wit"))) == 2
    return split


def test_a_read_only_file_keeps_its_whole_unit_unwritten(tmp_path, monkeypatch):
    split = _split_unit(tmp_path)
    (split / "types.wit").chmod(0o444)
    before = snapshot(split)
    monkeypatch.chdir(tmp_path)
    result = invoke("apply", "-j", "1", "units")
    assert result.exit_code == 2
    assert snapshot(split) == before  # world.wit is writable, but its unit is left whole
    assert f"units/{split.name}/types.wit: error: file is read-only" in result.stderr
    # said once: the error already tells that nothing in the unit was written
    assert result.stderr.count("nothing in this unit was written") == 1 and "not written" not in result.stderr
    assert b"@4.0.0" in (tmp_path / "units" / "u000-plain" / "connector.wit").read_bytes()


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    from rbmigrate.batch import guard_and_write
    from rbmigrate.engine import display_path, migrate_unit

    split = _split_unit(tmp_path)
    unit = [u for u in discover([tmp_path / "units"]) if u.root == split][0]
    result = migrate_unit(unit, Options(mode="apply", base=tmp_path))
    (split / "world.wit").write_bytes((split / "world.wit").read_bytes() + b"// edited meanwhile\n")
    before = snapshot(split)
    guard_and_write(result, {display_path(f, tmp_path): f for f in unit.files}, safety=None)
    assert snapshot(split) == before
    assert [e.message for e in result.all_errors] == ["changed on disk since it was read; nothing in this unit was written"]

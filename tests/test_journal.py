"""Crash-consistent unit writes (rbmigrate/journal.py): kill the real process at every step of a write.

``RBMIGRATE_FAULT=STEP[@N]`` makes ``rbmigrate apply`` SIGKILL itself the N-th time it reaches STEP.
After each kill, every file is its old or its new content; the next command (here ``apply --check``)
finishes or rolls back the interrupted unit, says so, and leaves no temporary file, journal or
set-aside folder; after it each unit is wholly old or wholly new, and one more ``apply`` ends exactly
where an uninterrupted run ends.

The tree: ``a-bindings``, a componentize-py connector with v3 ``wit_world/`` bindings checked in (two
files rewritten and a folder regenerated), and ``b-split``, a WIT package in two files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from workflow_support import REPO, cli, cli_argv, snapshot, wit_variants

from rbmigrate.journal import JOURNAL, UnitWrite, WriteError, recover

CASE = REPO / "rules" / "cases" / "RB505" / "python-checked-in-bindings"
LEFTOVERS = (".rbmigrate-tmp", ".rbmigrate-old", JOURNAL, ".rbmigrate-bindings-")


def _is_leftover(rel: str) -> bool:
    return any(part.endswith(LEFTOVERS[:2]) or part == JOURNAL or part.startswith(LEFTOVERS[3])
               for part in rel.split("/"))


def make_tree(root: Path) -> Path:
    units = root / "units"
    shutil.copytree(CASE, units / "a-bindings", ignore=shutil.ignore_patterns("*.after", ".findings", "__pycache__"))
    split = dict(wit_variants())["split"]
    (units / "b-split").mkdir(parents=True)
    for name, data in split.items():
        (units / "b-split" / name).write_bytes(data)
    return units


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The tree, and what an uninterrupted ``apply`` makes of it."""
    base = tmp_path_factory.mktemp("journal")
    make_tree(base / "pristine")
    ref = base / "reference"
    shutil.copytree(base / "pristine", ref)
    proc = cli("apply", "-j", "1", "units", cwd=ref)
    assert proc.returncode == 0, proc.stderr
    after = snapshot(ref)
    before = snapshot(base / "pristine")
    assert {rel for rel in after if after[rel] != before.get(rel)} >= {
        "units/a-bindings/app.py", "units/a-bindings/manifest.json", "units/b-split/types.wit", "units/b-split/world.wit"}
    return base / "pristine", after


def _unit_state(files: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes], unit: str) -> str:
    """``old``, ``new`` or ``mixed``: the files of one unit (bindings included) against both ends."""
    prefix = f"units/{unit}/"
    mine = {k: v for k, v in files.items() if k.startswith(prefix)}
    if mine == {k: v for k, v in old.items() if k.startswith(prefix)}:
        return "old"
    if mine == {k: v for k, v in new.items() if k.startswith(prefix)}:
        return "new"
    return "mixed"


STEPS = [
    # (fault, what the next command does)
    ("temp", "removed"),       # the first temporary file is written: nothing decided yet
    ("temp@2", "removed"),
    ("journal", "finished"),   # the journal is written, nothing renamed
    ("swap", "finished"),      # the old wit_world/ is set aside, the new one not yet in
    ("rename", "finished"),    # one file of the unit renamed into place, not the other
    ("commit", "finished"),    # all in place, nothing cleaned up
    ("cleanup", "finished"),   # cleaned up, the journal still there
    ("rename@3", "finished"),  # the second unit, half renamed (the first one is whole and done)
]


@pytest.mark.slow
@pytest.mark.parametrize("step,outcome", STEPS, ids=[s for s, _ in STEPS])
def test_a_kill_at_any_step_is_finished_or_rolled_back_by_the_next_command(pristine, tmp_path, step, outcome):
    source, expected = pristine
    work = tmp_path / "work"
    shutil.copytree(source, work)
    before = snapshot(work)
    env = {**os.environ, "PYTHONPATH": str(REPO), "RBMIGRATE_FAULT": step}
    killed = subprocess.run(cli_argv("apply", "-j", "1", "units"), cwd=work, env=env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # right after the kill: every file is old or new (wit_world/ may be set aside, or missing, for a moment)
    after_kill = snapshot(work)
    for rel, data in after_kill.items():
        if _is_leftover(rel) or "/wit_world/" in rel:
            continue
        assert data in (before.get(rel), expected.get(rel)), f"{rel} is neither old nor new"
    if step.startswith("temp"):
        assert not any(rel.endswith(JOURNAL) for rel in after_kill)
    else:
        assert any(rel.endswith(JOURNAL) for rel in after_kill), sorted(after_kill)

    nxt = cli("apply", "--check", "-j", "1", "units", cwd=work)
    assert nxt.returncode in (0, 1), nxt.stderr
    if outcome == "finished":
        assert "finished the write of" in nxt.stderr and "the unit is whole again" in nxt.stderr, nxt.stderr
    else:
        assert "removed" in nxt.stderr and "stale temporary file" in nxt.stderr, nxt.stderr
    now = snapshot(work)
    assert not [rel for rel in now if _is_leftover(rel)], sorted(now)
    assert not [p for p in work.rglob("*") if _is_leftover(p.relative_to(work).as_posix())]
    states = {unit: _unit_state(now, before, expected, unit) for unit in ("a-bindings", "b-split")}
    assert "mixed" not in states.values(), states
    if outcome == "finished":
        assert states["a-bindings"] == "new"
    if step == "rename@3":
        assert states == {"a-bindings": "new", "b-split": "new"}

    again = cli("apply", "-j", "1", "units", cwd=work)
    assert again.returncode == 0, again.stderr
    assert snapshot(work) == expected
    quiet = cli("apply", "--check", "-j", "1", "units", cwd=work)  # nothing left to finish or to do
    assert quiet.returncode == 0 and "finished" not in quiet.stderr and "removed" not in quiet.stderr, quiet.stderr


def test_a_journal_is_not_finished_over_a_file_edited_since(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    write = UnitWrite()
    write.add_file(target, b"new", 0o644, b"old")
    env_kill = os.environ.get("RBMIGRATE_FAULT")
    assert env_kill is None
    # decide the write (journal) but stop before any rename, as a kill there would
    home = write.home()
    record = {"version": 1, "pid": 0, "files": [{"temp": write.files[0].temp.name, "target": "a.txt",
                                                  "before": write.files[0].before, "after": write.files[0].after}],
              "trees": [], "scratch": []}
    (home / JOURNAL).write_text(json.dumps(record))
    target.write_bytes(b"edited by hand meanwhile")
    done = recover([tmp_path])
    assert done.errors and "changed since" in done.errors[0]
    assert target.read_bytes() == b"edited by hand meanwhile" and (home / JOURNAL).exists()
    target.write_bytes(b"old")  # put back as it was: now the write can be finished
    done = recover([tmp_path])
    assert not done.errors and target.read_bytes() == b"new" and not (home / JOURNAL).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failed_folder_swap_leaves_the_unit_as_it_was(tmp_path, monkeypatch):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("old")
    (tmp_path / "f.txt").write_text("old")
    scratch = tmp_path / ".rbmigrate-bindings-1-x"
    (scratch / "new").mkdir(parents=True)
    (scratch / "new" / "x").write_text("new")
    write = UnitWrite()
    write.add_file(tmp_path / "f.txt", b"new", None, b"old")
    write.add_scratch(scratch)
    write.add_tree(scratch / "new", tmp_path / "old")
    real = os.rename

    def failing(src, dst):
        if str(src).endswith("/new"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(WriteError) as info:
        write.commit()
    monkeypatch.undo()
    assert info.value.rolled_back and "the old old is in place" in info.value.message
    assert (tmp_path / "old" / "x").read_text() == "old" and (tmp_path / "f.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "old"]


def test_temporary_files_of_a_live_run_are_left_alone(tmp_path):
    live = subprocess.Popen(["sleep", "30"])
    try:
        mine = tmp_path / f".a.txt.{live.pid}.abcd1234.rbmigrate-tmp"
        dead = tmp_path / ".a.txt.xyz_old.rbmigrate-tmp"  # the format of older versions: no pid
        mine.write_text("in flight")
        dead.write_text("stale")
        done = recover([tmp_path])
        assert mine.exists() and not dead.exists()
        assert done.notes and "removed 1 stale temporary file" in done.notes[0]
    finally:
        live.kill()
        live.wait()

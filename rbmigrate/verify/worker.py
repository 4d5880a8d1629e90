"""Run scenario jobs in worker processes, each with a wall-clock budget.

`python -m rbmigrate.verify.worker JOB.pickle OUT.pickle` executes one VersionJob (runner.execute).
The parent (`run_jobs`) starts up to `parallel` workers at once and kills (the whole process group of)
any worker that overruns its budget, so a guest stuck where the epoch deadline cannot reach it (a
blocking WASI call) ends verification with a clear message instead of a hang. Jobs share the compiled-
component cache on disk, so a worker only deserializes what the parent (conformance) compiled.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .runner import VersionJob, VersionOutcome, execute

_PKG_PARENT = str(Path(__file__).resolve().parents[2])


def _start(job: VersionJob, work: Path, index: int) -> tuple[subprocess.Popen, Path, Path, object]:
    job_file = work / f"job-{index}.pickle"
    out_file = work / f"out-{index}.pickle"
    job_file.write_bytes(pickle.dumps(job))
    env = dict(os.environ)
    env["PYTHONPATH"] = _PKG_PARENT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    err = open(work / f"err-{index}.txt", "w+b")  # noqa: SIM115 - closed in run_jobs
    proc = subprocess.Popen([sys.executable, "-m", "rbmigrate.verify.worker", str(job_file), str(out_file)],
                            stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=env, start_new_session=True)
    return proc, out_file, work / f"err-{index}.txt", err


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run_jobs(jobs: list[VersionJob], parallel: int = 2, in_process: bool = False) -> list[VersionOutcome]:
    """Execute every job (in order of the returned list) with at most `parallel` workers at a time."""
    if in_process:
        return [execute(job) for job in jobs]
    results: list[VersionOutcome | None] = [None] * len(jobs)
    pending = list(range(len(jobs)))
    running: dict[int, tuple] = {}
    with tempfile.TemporaryDirectory(prefix="rbmigrate-verify-") as tmp:
        work = Path(tmp)
        try:
            while pending or running:
                while pending and len(running) < max(1, parallel):
                    i = pending.pop(0)
                    job = jobs[i]
                    budget = job.sandbox.run_budget(job.guest_calls())
                    running[i] = (*_start(job, work, i), time.monotonic(), budget)
                for i, (proc, out_file, err_path, err, t0, budget) in list(running.items()):
                    done = proc.poll() is not None
                    if not done and time.monotonic() - t0 > budget:
                        _kill(proc)
                        outcome = VersionOutcome(jobs[i].version, jobs[i].label, killed=(
                            f"the v{jobs[i].version} scenario did not finish within {budget:.0f}s "
                            f"(every guest call may use its whole deadline of {jobs[i].sandbox.deadline_s:g}s): "
                            "a guest blocked outside wasm code, where the epoch deadline cannot stop it; killed"),
                            seconds=time.monotonic() - t0)
                        results[i] = outcome
                    elif done:
                        results[i] = _collect(jobs[i], proc, out_file, err_path, time.monotonic() - t0)
                    else:
                        continue
                    err.close()
                    del running[i]
                if running:
                    time.sleep(0.05)
        finally:
            for proc, *_rest in running.values():
                _kill(proc)
    return [r for r in results if r is not None]


def _collect(job: VersionJob, proc: subprocess.Popen, out_file: Path, err_path: Path, seconds: float) -> VersionOutcome:
    if proc.returncode == 0 and out_file.exists():
        try:
            return pickle.loads(out_file.read_bytes())
        except Exception as exc:  # noqa: BLE001
            why = f"unreadable worker result: {exc}"
    else:
        why = f"the worker exited with status {proc.returncode}"
    tail = err_path.read_text(errors="replace")[-3000:] if err_path.exists() else ""
    return VersionOutcome(job.version, job.label, error=f"{why}\n{tail}".strip(), seconds=seconds)


def main(argv: list[str]) -> int:  # pragma: no cover - runs in the worker process
    job = pickle.loads(Path(argv[0]).read_bytes())
    outcome = execute(job)
    tmp = Path(argv[1]).with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(outcome))
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

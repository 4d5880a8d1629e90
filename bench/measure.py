"""Run a command and measure it: wall time, exit code, peak RSS and the process tree's peak PSS.

- peak RSS: ``ru_maxrss`` from ``os.wait4`` on the child, which on Linux is the
  largest resident set of the child and of every descendant it waited for
  (the biggest single process, e.g. one pool worker);
- tree PSS: a sampler thread sums the proportional set size
  (``/proc/PID/smaps_rollup``) of the child and all its live descendants every
  ``interval`` seconds and keeps the maximum: the memory the whole run holds at
  once, with pages shared between forked workers counted once.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    cmd: list[str]
    wall: float
    returncode: int
    max_rss_mb: float
    tree_pss_mb: float
    stderr: str = ""

    def tail(self, lines: int = 3) -> str:
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            continue
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kb(pid)
        stack.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run(cmd: list[str], cwd: Path | None = None, stdout: Path | None = None, env: dict | None = None,
        interval: float = 0.05) -> Measurement:
    """Run ``cmd`` to completion; stdout goes to ``stdout`` (or /dev/null), stderr is kept."""
    out = open(stdout, "wb") if stdout is not None else open(os.devnull, "wb")
    err = tempfile.TemporaryFile()
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        sampler = _Sampler(proc.pid, interval)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    finally:
        out.close()
        err.close()
    return Measurement(cmd=list(cmd), wall=wall, returncode=proc.returncode, max_rss_mb=usage.ru_maxrss / 1024,
                       tree_pss_mb=sampler.peak_kb / 1024, stderr=stderr)


def repeat(cmd: list[str], times: int, cwd: Path | None = None, warmup: int = 1) -> tuple[Measurement, list[float]]:
    """Run ``cmd`` ``warmup`` + ``times`` times; the median run's measurement (peak memory over all runs)."""
    for _ in range(warmup):
        run(cmd, cwd=cwd, interval=0.01)
    runs = [run(cmd, cwd=cwd, interval=0.01) for _ in range(times)]
    walls = [m.wall for m in runs]
    median = statistics.median(walls)
    best = min(runs, key=lambda m: abs(m.wall - median))
    return Measurement(cmd=best.cmd, wall=median, returncode=max(m.returncode for m in runs),
                       max_rss_mb=max(m.max_rss_mb for m in runs), tree_pss_mb=max(m.tree_pss_mb for m in runs),
                       stderr=best.stderr), walls

"""Sandbox settings of a verification run, and the sandbox violations found in a run's result.

The reference hosts enforce the sandbox (rbmigrate.hosts): WASI without preopens, environment,
arguments or sockets; TCP only through the host's tcp functions, to the allowlist (here: the
verification database only); a deadline per guest call (epoch interruption) and a memory limit
per instance. On top of that every version of a scenario runs in a worker process with a wall-clock
budget, so a guest blocked where the epoch cannot interrupt it (a WASI sleep) still cannot hang verify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MiB = 1024 * 1024
DEFAULT_DEADLINE_S = 30.0
DEFAULT_MEMORY_LIMIT = 512 * MiB
_DENIED = re.compile(r"(\S+:\d+) is not on the host's network allowlist")


@dataclass
class Sandbox:
    deadline_s: float = DEFAULT_DEADLINE_S  # per guest call
    memory_limit: int = DEFAULT_MEMORY_LIMIT  # bytes, per instance
    allow: list[tuple[str, int]] = field(default_factory=list)  # the verification database
    grace_s: float = 60.0  # wall seconds a worker may spend beyond its guests' deadlines (database work)

    def host_options(self, state: Any = None, cache_dir: Any = None) -> Any:
        from ..hosts import HostOptions

        return HostOptions(allow=list(self.allow), deadline_s=self.deadline_s, memory_limit=self.memory_limit,
                           state=state, cache_dir=cache_dir)

    def run_budget(self, calls: int) -> float:
        """Wall seconds a scenario may take in a worker before it is killed: every call may use its
        whole deadline, plus room for the database work around the calls."""
        return calls * self.deadline_s + self.grace_s


def parse_size(text: str) -> int:
    """`512MiB`, `1GiB`, `300M`, `1048576` -> bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B?)\s*", str(text), re.I)
    if not m:
        raise ValueError(f"not a size: {text!r} (try 512MiB)")
    scale = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2).upper()]
    value = int(float(m.group(1)) * scale)
    if value < 16 * MiB:
        raise ValueError(f"memory limit {text!r} is below 16MiB: no componentize-py guest starts with that")
    return value


def violations(result: Any, stage: str) -> list[str]:
    """Sandbox violations of `stage` in one PipelineResult, as clear sentences."""
    out: list[str] = []
    for e in result.errors:
        if e.stage != stage:
            continue
        if e.kind == "deadline":
            out.append(f"{stage} `{e.call}` ran past the per-call deadline and was interrupted: {e.message} "
                       "(an endless loop?)")
        elif e.kind == "memory":
            out.append(f"{stage} `{e.call}` exhausted its memory: {e.message}")
    for where in denied_connections(result, stage):
        out.append(f"{stage} dialled {where}, which is not on the network allowlist (only the verification "
                   "database is); the host refused the connection")
    return out


def denied_connections(result: Any, stage: str) -> list[str]:
    """Addresses the stage tried to reach outside the allowlist, from what the host told the guest.

    The host answers such a tcp-connect with `permission/NETWORK_DENIED`; a guest may return that
    error, put it in a validation report, a log or a DLQ message. (If a future PipelineResult records
    connection attempts, `connects` is used as well.)"""
    found: list[str] = []
    texts: list[str] = []
    for e in result.errors:
        if e.stage == stage:
            texts.append(e.message)
            if e.error and e.error.get("code") == "NETWORK_DENIED":
                texts.append(str(e.error.get("message", "")))
    texts += [v.message for v in result.validations if v.stage == stage]
    texts += [lg.msg for lg in result.logs if lg.stage == stage]
    texts += [d.error_message for d in result.dlq if d.stage == stage]
    for text in texts:
        for m in _DENIED.finditer(text or ""):
            if m.group(1) not in found:
                found.append(m.group(1))
    for c in getattr(result, "connects", None) or []:
        if getattr(c, "stage", stage) == stage and getattr(c, "outcome", "") == "permission":
            where = f"{c.host}:{c.port}"
            if where not in found:
                found.append(where)
    return found

"""The result of `rbmigrate verify`: one entry per connector with four steps (plain data).

Step status: `passed` | `failed` | `not-available` (could not be done here, e.g. no wasm target) |
`skipped` (an earlier step failed) | `error` (an input or environment problem: exit code 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .compare import Difference

STEPS = ("build", "conformance", "scenario", "differential")


@dataclass
class Step:
    status: str = "skipped"
    seconds: float = 0.0
    message: str = ""
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"status": self.status, "seconds": round(self.seconds, 3), "message": self.message,
                "details": list(self.details)}


@dataclass
class ConnectorResult:
    path: str  # as shown to the user
    root: str  # absolute
    language: str
    role: str
    id: str
    protocol: int
    base: str = ""  # where the original came from
    build: Step = field(default_factory=Step)
    conformance: Step = field(default_factory=Step)
    scenario: Step = field(default_factory=Step)
    differential: Step = field(default_factory=Step)
    differences: list[Difference] = field(default_factory=list)
    more_differences: int = 0  # not kept (beyond the per-stage limit)
    isolated: bool = False  # the differential was judged in isolation (replayed input)

    def steps(self) -> list[tuple[str, Step]]:
        return [(name, getattr(self, name)) for name in STEPS]

    @property
    def status(self) -> str:
        """passed | failed | not-available | error."""
        states = [s.status for _, s in self.steps()]
        if "error" in states:
            return "error"
        if all(s == "passed" for s in states):
            return "passed"
        if "failed" in states:
            return "failed"
        return "not-available"

    @property
    def verify(self) -> str:
        """The value for `UnitResult.verify`: passed | failed | not-available."""
        return {"error": "failed"}.get(self.status, self.status)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for _, s in self.steps())

    def to_dict(self) -> dict:
        return {
            "path": self.path, "language": self.language, "role": self.role, "id": self.id,
            "protocol": self.protocol, "status": self.status, "base": self.base, "seconds": round(self.seconds, 3),
            "steps": {name: step.to_dict() for name, step in self.steps()},
            "isolated": self.isolated,
            "differences": [d.to_dict() for d in self.differences],
            "more_differences": self.more_differences,
        }


@dataclass
class VerifyReport:
    connectors: list[ConnectorResult] = field(default_factory=list)
    scenario: str = ""
    database: str = ""
    base: str = ""
    cache_dir: str = ""
    cache: bool = True  # False with --no-cache
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, message): input errors
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 every connector passed; 1 a connector failed or could not be verified; 2 input/usage errors."""
        if self.problems or not self.connectors or any(c.status == "error" for c in self.connectors):
            return 2
        return 0 if all(c.status == "passed" for c in self.connectors) else 1

    def counts(self) -> dict[str, int]:
        out = {"connectors": len(self.connectors), "passed": 0, "failed": 0, "not-available": 0, "error": 0}
        for c in self.connectors:
            out[c.status] += 1
        return out

    def by_root(self) -> dict[str, ConnectorResult]:
        return {c.root: c for c in self.connectors}

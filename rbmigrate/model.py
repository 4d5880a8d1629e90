"""The one result model every command builds and every renderer reads.

Everything here is plain data (picklable, JSON-friendly) so results can cross
process boundaries in batch runs and be rendered by any output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


NOT_WRITTEN = "nothing in this unit was written"  # said by errors that stop a unit's write
RESIDUE_RULE_ID = "RB920"  # a v3 spelling left in the planned output (rbmigrate/residue), counted apart


class Severity(str, Enum):
    """How much a finding matters.

    ``error``: manual work is needed; counts for ``scan`` and ``--strict``.
    ``warning``: probably needs a look; counts like ``error`` for ``--strict``.
    ``info``: informational (a v3 name in a log string); never changes an exit code.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def blocking(self) -> bool:
        return self is not Severity.INFO


APPLICABILITIES = ("safe", "unsafe", "display")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes ``[start, end)`` of a file with ``replacement`` (UTF-8 text).

    ``applicability`` (as ruff's fixes): ``safe`` is applied; ``unsafe`` only with
    ``--unsafe-fixes`` (otherwise it becomes a finding that shows it); ``display``
    is never applied, only shown."""

    start: int
    end: int
    replacement: str
    rule_id: str
    applicability: str = "safe"


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a person must look at. Lines and columns are 1-based."""

    path: str
    line: int
    col: int
    rule_id: str
    severity: Severity
    message: str
    manual_step: str = ""
    suggestion: str = ""  # an edit not applied (unsafe without --unsafe-fixes, or display-only): its new text
    end_line: int = 0  # where the reported code ends (0: a point finding)
    end_col: int = 0

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @property
    def lines(self) -> range:
        """The lines the reported code covers."""
        return range(self.line, max(self.line, self.end_line) + 1)


@dataclass(slots=True)
class FileError:
    """Why a file could not be migrated (parse error, I/O error, crash). ``message`` is one line."""

    path: str
    message: str
    line: int = 0
    col: int = 0
    kind: str = "error"  # parse | io | validate | internal | version | dirty | action | recovery
    traceback: str = ""  # an unexpected exception (kind ``internal``): shown with --debug, kept in JSON

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path


def internal_error(path: str, exc: BaseException, while_: str = "") -> FileError:
    """An unexpected exception (a bug): a one-line cause, and the traceback for --debug and JSON."""
    import traceback

    first = (str(exc).splitlines() or [""])[0].strip()
    cause = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    where = f" while {while_}" if while_ else ""
    return FileError(path=path, message=f"internal error{where}: {cause}", kind="internal",
                     traceback="".join(traceback.format_exception(exc)))


@dataclass(slots=True)
class Action:
    """A unit-level change that is not a span edit (e.g. regenerating ``wit_world/`` bindings).

    Generated trees are regenerated, never diffed: reports show the action, and
    the write phase performs it (``rbmigrate.actions.prepare``, then the unit's journalled write).
    """

    kind: str  # regenerate-bindings
    path: str  # the folder it acts on, as shown to the user
    rule_id: str
    description: str
    params: dict = field(default_factory=dict)
    done: bool = False
    error: str = ""


@dataclass(slots=True)
class FileResult:
    """One file through the pipeline. ``after is None`` means: no change."""

    path: str
    language: str
    before: bytes
    after: bytes | None = None
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    written: bool = False
    mode: int | None = None
    encoding: str | None = None  # a PEP 263 coding cookie's codec: ``before``/``after`` are its UTF-8 form

    @property
    def changed(self) -> bool:
        return self.error is None and self.after is not None and self.after != self.before

    def on_disk(self, data: bytes) -> bytes:
        """``before`` or ``after`` as the file holds it (in its declared encoding)."""
        return data if self.encoding is None else data.decode("utf-8").encode(self.encoding)


@dataclass(slots=True)
class PhaseTimes:
    """Wall seconds per pipeline phase, summed over files."""

    discover: float = 0.0
    prefilter: float = 0.0
    parse: float = 0.0
    plan: float = 0.0
    validate: float = 0.0
    residue: float = 0.0  # the residue pass (RB920): gate and scan
    write: float = 0.0
    render: float = 0.0

    def add(self, other: "PhaseTimes") -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class UnitResult:
    """One connector, crate, or WIT package: a unit of batch work."""

    root: str
    kind: str  # python-connector | rust-crate | cargo-workspace | wit-package | docs | directory
    files: list[FileResult] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    verify: str | None = None  # passed | failed | not-available | None (not run)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    actions: list[Action] = field(default_factory=list)
    times: PhaseTimes = field(default_factory=PhaseTimes)
    inputs: list[str] = field(default_factory=list)  # paths outside its files it depends on (rbmigrate.inputs)
    cached: bool = False  # taken from the result cache (rbmigrate.resultcache), not computed in this run

    @property
    def changed_files(self) -> list[FileResult]:
        return [f for f in self.files if f.changed]

    @property
    def findings(self) -> list[Finding]:
        return [x for f in self.files for x in f.findings]

    @property
    def all_errors(self) -> list[FileError]:
        return self.errors + [f.error for f in self.files if f.error is not None]

    @property
    def status(self) -> str:
        """``error`` | ``migrated`` (apply wrote files) | ``pending`` (changes not written) | ``clean``."""
        if self.all_errors:
            return "error"
        if any(f.written for f in self.files) or any(a.done for a in self.actions):
            return "migrated"
        return "pending" if any(f.changed for f in self.files) or self.actions else "clean"


@dataclass(slots=True)
class RunResult:
    units: list[UnitResult] = field(default_factory=list)
    mode: str = "apply"  # apply | diff | check | scan
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) left out by discovery

    @property
    def files(self) -> list[FileResult]:
        return [f for u in self.units for f in u.files]

    @property
    def findings(self) -> list[Finding]:
        return [x for u in self.units for x in u.findings]

    @property
    def errors(self) -> list[FileError]:
        return [e for u in self.units for e in u.all_errors]

    def summary(self) -> dict[str, int]:
        files = self.files
        findings = self.findings
        return {
            "units": len(self.units),
            "files_scanned": len(files),
            "files_changed": sum(1 for f in files if f.changed),
            "files_written": sum(1 for f in files if f.written),
            "edits": sum(len(f.edits) for f in files if f.changed),
            "findings": len(findings),
            "blocking_findings": sum(1 for x in findings if x.severity.blocking),
            "v3_spellings_left": sum(1 for x in findings if x.rule_id == RESIDUE_RULE_ID),
            "errors": len(self.errors),
            "units_with_errors": sum(1 for u in self.units if u.all_errors),
        }

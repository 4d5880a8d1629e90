"""The one plan store: what an adapter plans for one file, edits and findings, under one policy.

Every adapter records into a :class:`FilePlan` (the WIT adapter keeps one per
file of a package, the Rust adapter one per file, the Python adapter one per
module), so the engine and every later pass (validation, the residue check,
the renderers) see every language's edits and findings the same way.

The overlap policy is the same everywhere: two edits that touch the same bytes
are a bug in the rules, never something to settle silently. :meth:`FilePlan.edit`
raises :class:`PlanConflict`, an internal error that names both rule ids. An
identical edit planned twice is kept once; insertions at the same offset are
kept in the order they were planned. A concern that must yield to another asks
first (:meth:`FilePlan.claimed`), and a concern that moves code takes the edits
inside the moved span with it (:meth:`FilePlan.take`).

Each edit carries an applicability, as ruff's fixes do: ``safe`` edits are
applied, ``unsafe`` ones only with ``--unsafe-fixes`` (otherwise they are
findings that show the suggested edit), ``display`` ones never (a suggestion).
By default an edit takes the applicability of its rule (``fix`` in rules/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import APPLICABILITIES, Edit, Finding, Severity
from .textio import line_col

if TYPE_CHECKING:  # pragma: no cover
    from .ruletable import RuleTable


class PlanConflict(AssertionError):
    """Two planned edits touch the same bytes: an internal error naming both rules."""

    def __init__(self, path: str, first: Edit, second: Edit):
        super().__init__(
            f"{path}: conflicting edits: [{first.start}, {first.end}) by {first.rule_id} "
            f"and [{second.start}, {second.end}) by {second.rule_id}"
        )
        self.first = first
        self.second = second


class UnknownRule(AssertionError):
    """An adapter planned an edit or a finding under a rule id the table does not declare."""


def conflicts(a: Edit, b: Edit) -> bool:
    """Do two edits touch the same bytes? (Insertions conflict with nothing but a replacement around them.)"""
    if a.start == a.end and b.start == b.end:
        return False  # two insertions: kept in planning order
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


class FilePlan:
    """The planned edits and findings of one file."""

    def __init__(self, path: str, data: bytes, rules: "RuleTable"):
        self.path = path  # as shown to the user
        self.data = data
        self.rules = rules
        self._edits: list[Edit] = []
        self._findings: dict[tuple[int, int, str, str], Finding] = {}

    # ------------------------------------------------------------------ edits

    def _check_rule(self, rule_id: str) -> None:
        if rule_id not in self.rules:
            raise UnknownRule(f"{self.path}: rule {rule_id!r} is not declared in rules/")

    def applicability(self, rule_id: str) -> str:
        return self.rules.get(rule_id).applicability

    def edit(self, start: int, end: int, text: str, rule_id: str, applicability: str | None = None) -> bool:
        """Plan replacing ``[start, end)`` by ``text``. Returns False when it changes nothing (or is planned already)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        self._check_rule(rule_id)
        if applicability is not None and applicability not in APPLICABILITIES:
            raise ValueError(f"applicability {applicability!r} is not one of {APPLICABILITIES}")
        if start > end or end > len(self.data):
            raise ValueError(f"{self.path}: edit by {rule_id} spans [{start}, {end}) outside the file")
        if start != end and self.data[start:end].decode("utf-8", "replace") == text:
            return False  # a no-op
        new = Edit(start, end, text, rule_id, applicability or self.applicability(rule_id))
        for old in self._edits:
            if (old.start, old.end, old.replacement) == (start, end, text):
                return False  # the same edit, planned twice (by the same or another concern)
            if conflicts(old, new) or (old.start, old.end) == (start, end) != (start, start):
                raise PlanConflict(self.path, old, new)
        self._edits.append(new)
        return True

    def claimed(self, start: int, end: int) -> Edit | None:
        """The planned edit touching ``[start, end)``, if any (for a concern that must yield to another)."""
        probe = Edit(start, end, "", "")
        for old in self._edits:
            if conflicts(old, probe) or (start == end and old.start == old.end == start) or (
                (old.start, old.end) == (start, end)
            ):
                return old
        return None

    def at(self, start: int, end: int) -> Edit | None:
        """The planned edit of exactly ``[start, end)``, if any."""
        return next((e for e in self._edits if (e.start, e.end) == (start, end) and e.start != e.end), None)

    def take(self, start: int, end: int) -> list[Edit]:
        """Remove and return the edits inside ``[start, end)`` (a concern moving that code carries them along)."""
        inside = [e for e in self._edits if start <= e.start and e.end <= end]
        self._edits = [e for e in self._edits if not (start <= e.start and e.end <= end)]
        return sorted(inside, key=lambda e: (e.start, e.end))

    def render(self, start: int, end: int) -> str:
        """The original bytes ``[start, end)`` with the edits inside applied; those edits are consumed (:meth:`take`)."""
        out, pos = [], start
        for e in self.take(start, end):
            out.append(self.data[pos : e.start].decode("utf-8"))
            out.append(e.replacement)
            pos = e.end
        out.append(self.data[pos:end].decode("utf-8"))
        return "".join(out)

    @property
    def edits(self) -> list[Edit]:
        """The planned edits, by position (insertions at one offset in planning order)."""
        return sorted(self._edits, key=lambda e: (e.start, e.end))

    def __bool__(self) -> bool:  # pragma: no cover - a plan is an object, never falsy
        return True

    # --------------------------------------------------------------- findings

    def finding(self, offset: int, rule_id: str, message: str, manual_step: str = "",
                severity: Severity | str | None = None, end: int | None = None) -> Finding:
        """Report something a person must do at byte ``offset`` (the reported code ends at byte ``end``)."""
        line, col = line_col(self.data, offset)
        end_line, end_col = line_col(self.data, end) if end is not None and end > offset else (0, 0)
        return self.finding_at(line, col, rule_id, message, manual_step, severity, end_line, end_col)

    def finding_at(self, line: int, col: int, rule_id: str, message: str, manual_step: str = "",
                   severity: Severity | str | None = None, end_line: int = 0, end_col: int = 0) -> Finding:
        """Report something a person must do at a 1-based ``line`` and ``col`` (in characters)."""
        self._check_rule(rule_id)
        if severity is None:
            rule = self.rules.get(rule_id)
            severity = rule.severity if rule.is_finding else "error"
        item = Finding(self.path, line, col, rule_id, Severity(severity), message, manual_step,
                       end_line=end_line, end_col=end_col)
        return self._findings.setdefault((line, col, rule_id, message), item)

    @property
    def findings(self) -> list[Finding]:
        """The findings, in the order they were reported."""
        return list(self._findings.values())

    def result(self) -> tuple[list[Edit], list[Finding]]:
        return self.edits, self.findings

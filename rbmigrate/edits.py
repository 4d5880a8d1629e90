"""Span edits: ordering, overlap detection and application."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Edit


class OverlapError(ValueError):
    def __init__(self, first: Edit, second: Edit):
        super().__init__(
            f"edits overlap: [{first.start}, {first.end}) by {first.rule_id} "
            f"and [{second.start}, {second.end}) by {second.rule_id}"
        )
        self.first = first
        self.second = second


def normalize(edits: Iterable[Edit]) -> list[Edit]:
    """Sort edits by position, drop exact duplicates and no-ops; raise on overlap.

    Two insertions at the same offset are kept in the order they were planned.
    """
    ordered = sorted(dict.fromkeys(edits), key=lambda e: (e.start, e.end))
    out: list[Edit] = []
    for edit in ordered:
        if edit.start > edit.end:
            raise ValueError(f"edit by {edit.rule_id} has start {edit.start} > end {edit.end}")
        if out:
            prev = out[-1]
            if edit.start < prev.end or (edit.start == prev.start and edit.end > edit.start and prev.end > prev.start):
                raise OverlapError(prev, edit)
        out.append(edit)
    return out


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits to ``data`` and return the new bytes."""
    parts: list[bytes] = []
    pos = 0
    for edit in normalize(edits):
        if edit.end > len(data):
            raise ValueError(f"edit by {edit.rule_id} ends at {edit.end}, past the end ({len(data)})")
        parts.append(data[pos : edit.start])
        parts.append(edit.replacement.encode("utf-8"))
        pos = edit.end
    parts.append(data[pos:])
    return b"".join(parts)


def drop_noops(data: bytes, edits: Iterable[Edit]) -> list[Edit]:
    """Edits that actually change something."""
    return [e for e in edits if data[e.start : e.end] != e.replacement.encode("utf-8")]


def by_applicability(edits: Iterable[Edit], unsafe_fixes: bool = False) -> tuple[list[Edit], list[Edit]]:
    """(edits to apply, edits only to show): ``safe`` always applies, ``unsafe`` with ``--unsafe-fixes``,
    ``display`` never."""
    applied, shown = [], []
    for e in edits:
        (applied if e.applicability == "safe" or (e.applicability == "unsafe" and unsafe_fixes) else shown).append(e)
    return applied, shown

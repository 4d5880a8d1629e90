"""Compare two normal forms (normalize.py) and describe every difference, ready to show side by side."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from .normalize import canon

ABSENT = "(absent)"  # shown for a value one side does not have
MAX_DIFFERENCES = 200  # kept per stage; the rest are counted


class _Absent:
    def __repr__(self) -> str:
        return ABSENT


_MISSING = _Absent()


@dataclass
class Difference:
    run: str
    stage: str
    path: str  # "checkpoints[4]", "tables.out.items.rows[17][3]", ...
    base: str  # compact JSON of the v3 original's value, or "(absent)"
    migrated: str  # compact JSON of the migrated connector's value, or "(absent)"

    @property
    def effect(self) -> str:
        return self.path.split("[", 1)[0].split(".", 1)[0]

    def to_dict(self) -> dict:
        return {"run": self.run, "stage": self.stage, "effect": self.effect, "path": self.path,
                "base": self.base, "migrated": self.migrated}


def abbreviate(value: Any, items: int = 3) -> Any:
    """A shorter copy for display: a long list of rows/records keeps its first `items` and a count
    (lists of scalars, such as one row or one checkpoint, stay whole)."""
    if isinstance(value, list):
        nested = len(value) > items + 1 and all(isinstance(v, (list, dict)) for v in value)
        head = [abbreviate(v, items) for v in (value[:items] if nested else value)]
        return head + [f"… {len(value) - items} more"] if nested else head
    if isinstance(value, dict):
        return {k: abbreviate(v, items) for k, v in value.items()}
    return value


def show(value: Any, limit: int = 400) -> str:
    if value is _MISSING:
        return ABSENT
    text = canon(abbreviate(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _walk(a: Any, b: Any, path: str, out: list, budget: list[int]) -> None:
    if budget[0] <= 0:
        budget[1] += 1
        return
    if a is not _MISSING and b is not _MISSING and canon(a) == canon(b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(a) + [k for k in b if k not in a]
        for k in keys:
            sub = f"{path}.{k}" if path else str(k)
            _walk(a.get(k, _MISSING), b.get(k, _MISSING), sub, out, budget)
        return
    if isinstance(a, list) and isinstance(b, list):
        ca, cb = [canon(x) for x in a], [canon(x) for x in b]
        matcher = SequenceMatcher(None, ca, cb, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                x = a[i] if i < i2 else _MISSING
                y = b[j] if j < j2 else _MISSING
                if x is not _MISSING and y is not _MISSING:
                    label = f"[{i}]" if i == j else f"[{i}↔{j}]"
                    _walk(x, y, path + label, out, budget)
                else:
                    label = f"[{i}]" if x is not _MISSING else f"[→{j}]"
                    _emit(x, y, path + label, out, budget)
        return
    _emit(a, b, path, out, budget)


def _emit(a: Any, b: Any, path: str, out: list, budget: list[int]) -> None:
    if budget[0] <= 0:
        budget[1] += 1
        return
    budget[0] -= 1
    out.append((path, show(a), show(b)))


def compare_stage(run: str, stage: str, base: dict, migrated: dict,
                  limit: int = MAX_DIFFERENCES) -> tuple[list[Difference], int]:
    """Differences between two stage forms (base first), and how many more were not kept."""
    found: list[tuple[str, str, str]] = []
    budget = [limit, 0]
    _walk(base, migrated, "", found, budget)
    return [Difference(run, stage, p, x, y) for p, x, y in found], budget[1]


def side_by_side(diff: Difference, width: int = 100, left: str = "v3 original", right: str = "v4 migrated",
                 max_lines: int = 6) -> list[str]:
    """Two columns: the base value left, the migrated value right."""
    col = max(20, (width - 3) // 2)
    a = textwrap.wrap(diff.base, col, max_lines=max_lines, placeholder=" …") or [""]
    b = textwrap.wrap(diff.migrated, col, max_lines=max_lines, placeholder=" …") or [""]
    lines = [f"{left:<{col}} | {right}", f"{'-' * col}-+-{'-' * col}"]
    for k in range(max(len(a), len(b))):
        x = a[k] if k < len(a) else ""
        y = b[k] if k < len(b) else ""
        lines.append(f"{x:<{col}} | {y}")
    return lines

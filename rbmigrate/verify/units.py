"""Carry verify's verdicts into the `apply` result model (`UnitResult.verify`)."""

from __future__ import annotations

from pathlib import Path


def apply_to_units(units: list, report, base: Path | None = None) -> None:
    """Set `unit.verify` ("passed" | "failed" | "not-available") for every unit verify looked at.

    A unit's root is matched by its resolved path (relative roots are taken from `base` or the cwd)."""
    by_root = report.by_root()
    for unit in units:
        root = Path(unit.root)
        if not root.is_absolute():
            root = Path(base or Path.cwd()) / root
        found = by_root.get(str(root.resolve()))
        if found is not None:
            unit.verify = found.verify

"""Helpers for the Python adapter tests (no tests here): migrate a snippet as a connector unit, twice."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rbmigrate.engine import Options, run
from rbmigrate.model import Edit, Finding

SOURCE_MANIFEST = {"id": "acme/source-demo", "role": "source", "protocol_version": "3", "capabilities": ["cdc"]}
DEST_MANIFEST = {"id": "acme/dest-demo", "role": "destination", "protocol_version": "3"}
TRANSFORM_MANIFEST = {"id": "acme/transform-demo", "role": "transform", "protocol_version": "3"}


@dataclass
class Migrated:
    before: bytes
    after: bytes
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: object = None

    @property
    def text(self) -> str:
        return self.after.decode("utf-8")

    def rules(self, severity: str | None = None) -> set[str]:
        return {f.rule_id for f in self.findings if severity is None or f.severity.value == severity}

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity.blocking]

    def at(self, rule_id: str) -> list[str]:
        return [f"{f.line}:{f.col}" for f in self.findings if f.rule_id == rule_id]


def _run_once(folder: Path, name: str, data: bytes, again: bool = False) -> Migrated:
    (folder / name).write_bytes(data)
    result, _ = run([folder], Options(mode="diff", base=folder))
    assert not result.units[0].errors, [e.message for e in result.units[0].errors]
    found = [f for f in result.files if f.path == name]
    if again and not found:  # a migrated file the prefilter finds nothing v3 in is not even parsed
        return Migrated(data, data)
    (fres,) = found
    after = fres.after if fres.changed else data
    return Migrated(data, after, list(fres.edits) if fres.changed else [], list(fres.findings), fres.error)


def migrate(tmp_path: Path, source: str | bytes, manifest: dict | None = None, name: str = "app.py",
            dedent: bool = True, check_idempotent: bool = True) -> Migrated:
    """Migrate one file (with an optional manifest.json beside it); assert a second run is a no-op."""
    folder = tmp_path / "unit"
    folder.mkdir(exist_ok=True)
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    data = source if isinstance(source, bytes) else (textwrap.dedent(source) if dedent else source).encode("utf-8")
    first = _run_once(folder, name, data)
    if check_idempotent and first.error is None:
        again = _run_once(folder, name, first.after, again=True)
        assert again.edits == [], f"second run still edits: {again.edits}"
        was = Counter(f.rule_id for f in first.blocking())
        now = Counter(f.rule_id for f in again.blocking())
        assert not (now - was), f"second run reports new findings: {again.findings}"
    return first


def untouched_bytes_identical(m: Migrated) -> bool:
    """Every byte outside the edit spans is unchanged, in order."""
    pos = 0
    out = []
    for e in sorted(m.edits, key=lambda e: (e.start, e.end)):
        out.append(m.before[pos:e.start])
        out.append(e.replacement.encode("utf-8"))
        pos = e.end
    out.append(m.before[pos:])
    return b"".join(out) == m.after

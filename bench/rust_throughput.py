"""Throughput of the Rust adapter alone: prefilter, parse, prepare, plan and validate, per crate.

``.venv/bin/python -m bench.rust_throughput testdata/rust/v3 [runs]`` prints files and lines per
second. Nothing is written; the numbers are wall-clock time on this machine.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rbmigrate.skipdirs import SKIP_DIRS


@dataclass
class Throughput:
    files: int  # files parsed and planned per run (those the prefilter let through)
    lines: int
    changed: int
    seconds: float  # per run

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


def _crates(root: Path) -> list[tuple[Path, list[Path]]]:
    crates: dict[Path, list[Path]] = {}
    for path in sorted(root.rglob("*.rs")):
        if SKIP_DIRS & set(path.relative_to(root).parts):
            continue
        owner = next((p for p in path.parents if (p / "Cargo.toml").is_file()), root)
        crates.setdefault(owner, []).append(path)
    return sorted(crates.items())


def measure(root: Path, runs: int = 5) -> Throughput:
    from rbmigrate.edits import apply_edits
    from rbmigrate.lang.base import FileContext, UnitContext
    from rbmigrate.lang.rust import RustAdapter
    from rbmigrate.ruletable import default_table

    adapter = RustAdapter()
    rules = default_table()
    crates = [(crate, [(p, p.read_bytes()) for p in files]) for crate, files in _crates(Path(root))]

    def once() -> tuple[int, int, int]:
        files = lines = changed = 0
        for crate, sources in crates:
            unit = UnitContext(root=crate, kind="rust-crate", rules=rules)
            items = []
            for path, data in sources:
                if adapter.prefilter(data):
                    fctx = FileContext(path=path, display=str(path), unit=unit)
                    items.append((fctx, data, adapter.parse(data, fctx)))
            adapter.prepare_unit([(f, d) for f, d, _ in items], unit)
            for fctx, data, tree in items:
                edits, _ = adapter.plan(tree, data, fctx)
                if edits:
                    adapter.validate(apply_edits(data, edits), fctx)
                    changed += 1
                files += 1
                lines += data.count(b"\n")
            adapter.validate_unit([], unit)
        return files, lines, changed

    once()  # warm up: lazy singletons, rule table
    start = time.perf_counter()
    for _ in range(runs):
        files, lines, changed = once()
    seconds = (time.perf_counter() - start) / max(runs, 1)
    return Throughput(files, lines, changed, seconds)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path("testdata/rust/v3")
    runs = int(argv[1]) if len(argv) > 1 else 5
    t = measure(root, runs)
    print(
        f"{t.files} files ({t.changed} changed), {t.lines} lines: {t.seconds * 1000:.1f} ms per run; "
        f"{t.files_per_second:.0f} files/s, {t.lines_per_second:.0f} lines/s (parse+plan+validate)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

"""Per-phase wall time of one ``apply --diff`` run, in one process (no pool), printed as JSON.

    .venv/bin/python -m bench.phases PATH... [--jobs 1] [--profile out.prof]

The engine already records prefilter/parse/plan/validate/residue/write per unit
(:class:`rbmigrate.model.PhaseTimes`, also in the JSON report's ``times``);
discovery and rendering happen outside it, so they are timed here around the
same calls the CLI makes (``discover_all``, ``run_units``,
``report.text.render_diff``). Nothing in the engine is changed for this. With
``--jobs 1`` (the default) the phases add up to the run's wall time; with more
jobs the unit phases are summed over the workers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PHASES = ("discover", "prefilter", "parse", "plan", "validate", "residue", "render")


def measure(paths: list[Path], jobs: int = 1, mode: str = "diff") -> dict:
    t_start = time.perf_counter()
    from rbmigrate.batch import run_units
    from rbmigrate.discover import DiscoverOptions, discover_all
    from rbmigrate.engine import Options
    from rbmigrate.model import PhaseTimes, RunResult
    from rbmigrate.report import text

    by_language = _instrument_adapters() if jobs == 1 else {}
    t_import = time.perf_counter()
    base = Path.cwd()
    found = discover_all(paths, DiscoverOptions(base=base))
    t_discover = time.perf_counter()
    results = run_units(found.units, Options(mode=mode, jobs=jobs, base=base), jobs)
    t_units = time.perf_counter()
    run = RunResult(units=results, mode=mode, skipped=list(found.skipped))
    diff = text.render_diff(run, color=False)
    t_render = time.perf_counter()
    times = PhaseTimes()
    for unit in results:
        times.add(unit.times)
    discovered = [f for u in found.units for f in u.files]
    parsed = run.files
    return {
        "jobs": jobs,
        "import": t_import - t_start,
        "discover": t_discover - t_import,
        "prefilter": times.prefilter,
        "parse": times.parse,
        "plan": times.plan,
        "validate": times.validate,
        "residue": times.residue,
        "render": t_render - t_units,
        "units_wall": t_units - t_discover,
        "total": t_render - t_start,
        "units": len(found.units),
        "files_discovered": len(discovered),
        "lines_discovered": sum(_lines(p) for p in discovered),
        "files_parsed": len(parsed),
        "lines_parsed": sum(f.before.count(b"\n") for f in parsed),
        "files_changed": sum(1 for f in parsed if f.changed),
        "diff_bytes": len(diff.encode("utf-8", errors="surrogateescape")),
        "by_language": {lang: {k: round(v, 4) for k, v in d.items()} for lang, d in by_language.items()},
    }


def _instrument_adapters() -> dict[str, dict[str, float]]:
    """Wrap each adapter instance's methods with wall-time counters (in this process only)."""
    from rbmigrate.lang.base import _ADAPTERS, get_adapter

    totals: dict[str, dict[str, float]] = {}
    for language in _ADAPTERS:
        adapter = get_adapter(language)
        if adapter is None:
            continue
        counters = totals.setdefault(language, {})
        for method in ("prefilter", "parse", "plan", "validate", "prepare_unit", "validate_unit"):
            counters[method] = 0.0
            counters[method + "_calls"] = 0
            original = getattr(adapter, method)

            def timed(*args, _original=original, _method=method, _counters=counters, **kwargs):
                t0 = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    _counters[_method] += time.perf_counter() - t0
                    _counters[_method + "_calls"] += 1

            setattr(adapter, method, timed)
    return totals


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return fh.read().count(b"\n")
    except OSError:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/phases.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="also write a cProfile of the run to this file")
    args = parser.parse_args(argv)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(measure, args.paths, args.jobs)
        profiler.dump_stats(str(args.profile))
    else:
        result = measure(args.paths, args.jobs)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

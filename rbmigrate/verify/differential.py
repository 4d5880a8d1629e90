"""Judge a pipeline's two runs (the originals on the v3 host, the migrated connectors on the v4 host).

For every stage: the scenario step (did the migrated stage complete its calls, inside the sandbox?)
and the differential step (are the normal forms of the two runs equal?). A stage whose input already
differed (its upstream stage emitted other batches) cannot be judged from the pipeline run; the
caller re-runs it in isolation (isolate.py) and judges that instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compare import Difference, compare_stage
from .model import Step
from .normalize import Masker, canon, run_forms
from .sandbox import violations


@dataclass
class StageVerdict:
    scenario: Step
    differential: Step
    differences: list[Difference] = field(default_factory=list)
    more: int = 0
    input_differed: bool = False  # the upstream stage emitted other batches
    cut_short: str = ""  # another stage failed differently, so this one may not have run to the end
    open_info: dict | None = None

    @property
    def needs_isolation(self) -> bool:
        return self.input_differed or bool(self.cut_short)


class ScenarioProblem(Exception):
    """The base run (or the environment) does not allow a verdict: an input/environment error."""


def _error_line(e: Any) -> str:
    return f"{e.stage} `{e.call}`{f' (stream {e.context_stream})' if e.context_stream else ''}: {e.kind}: {e.message}"


def check_base(base: Any, scenario: Any, stages: list[str]) -> None:
    """Raise ScenarioProblem when the originals' run cannot serve as the reference."""
    if base.killed:
        raise ScenarioProblem(f"the run of the originals was killed: {base.killed}")
    if base.error:
        raise ScenarioProblem(f"the run of the originals could not complete: {base.error}")
    for spec, run in zip(scenario.runs, base.runs):
        for stage in stages:
            bad = violations(run.result, stage)
            if bad:
                raise ScenarioProblem(f"run {run.name!r}: the original {bad[0]}")
        if spec.expect_error and not run.result.errors:
            raise ScenarioProblem(f"run {run.name!r} expects an error, but the originals completed it: "
                                  "the scenario does not test what it says")
        if not spec.expect_error and run.result.errors:
            raise ScenarioProblem(f"the originals failed run {run.name!r} ({_error_line(run.result.errors[0])}); "
                                  "fix the scenario or the environment (or mark the run expect_error = true)")


_NAMES = {"batches": ("batch", "batches"), "rows": ("row", "rows"), "checkpoints": ("checkpoint", "checkpoints"),
          "metrics": ("metric", "metrics"), "dlq": ("DLQ record", "DLQ records"), "logs": ("log", "logs"),
          "state": ("state key", "state keys"), "cas": ("CAS outcome", "CAS outcomes"), "tables": ("table", "tables"),
          "table rows": ("table row", "table rows"), "errors": ("error", "errors")}


def _stats(forms: list[dict], stage: str) -> str:
    n = dict.fromkeys(_NAMES, 0)
    for run in forms:
        f = run["stages"].get(stage, {})
        n["batches"] += len(f.get("batches", []))
        n["rows"] += sum(len(b.get("rows") or []) for b in f.get("batches", []))
        for key in ("checkpoints", "metrics", "dlq", "logs", "errors"):
            n[key] += len(f.get(key, []))
        n["state"] += len(f.get("state", {}).get("final", []))
        n["cas"] += len(f.get("state", {}).get("cas", []))
        tables = f.get("tables", {})
        n["tables"] = max(n["tables"], len(tables))
        n["table rows"] += sum(len(t.get("rows", [])) for t in tables.values())
    shown = [f"{v} {_NAMES[k][v != 1]}" for k, v in n.items() if v]
    return ", ".join(shown) or "no effects"


def judge(stages: list[str], base: Any, new: Any, scenario: Any, masker: Masker,
          only: list[str] | None = None) -> dict[str, StageVerdict]:
    """Verdicts for `only` (default: every stage). `check_base` must have passed."""
    only = only or stages
    out: dict[str, StageVerdict] = {}
    if new.killed or new.error:
        why = new.killed or f"the run of the migrated connectors could not complete: {new.error}"
        for stage in only:
            out[stage] = StageVerdict(Step("failed", new.seconds, why),
                                      Step("skipped", 0.0, "the migrated run did not finish"))
        return out
    base_forms = run_forms(base, stages, masker)
    new_forms = run_forms(new, stages, masker)
    for k, stage in enumerate(stages):
        if stage not in only:
            continue
        problems: list[str] = []
        for spec, run in zip(scenario.runs, new.runs):
            problems += [f"run {run.name!r}: {v}" for v in violations(run.result, stage)]
            if not spec.expect_error:
                problems += [f"run {run.name!r}: {_error_line(e)}" for e in run.result.errors if e.stage == stage]
        scen = Step("failed" if problems else "passed", new.seconds,
                    problems[0] if problems else
                    f"{len(new.runs)} run{'s' if len(new.runs) != 1 else ''} on the v4 host: {_stats(new_forms, stage)}",
                    problems[1:] if problems else [f"run {r.name!r}: {r.seconds:.2f}s" for r in new.runs])
        diffs: list[Difference] = []
        more = 0
        for bf, nf in zip(base_forms, new_forms):
            d, m = compare_stage(bf["run"], stage, bf["stages"][stage], nf["stages"][stage])
            diffs += d
            more += m
        input_differed = False
        if k > 0:
            up = stages[k - 1]
            input_differed = any(canon(bf["stages"][up].get("batches")) != canon(nf["stages"][up].get("batches"))
                                 for bf, nf in zip(base_forms, new_forms))
        cut_short = ""
        for other in stages:
            if other != stage and any(canon(bf["stages"][other].get("errors")) != canon(nf["stages"][other].get("errors"))
                                      for bf, nf in zip(base_forms, new_forms)):
                cut_short = other
                break
        if diffs:
            effects = sorted({d.effect for d in diffs})
            diff_step = Step("failed", 0.0, f"{len(diffs) + more} difference{'s' if len(diffs) + more != 1 else ''} "
                             f"from the original ({', '.join(effects)})")
        else:
            diff_step = Step("passed", 0.0, f"equal to the original in every run ({_stats(base_forms, stage)})")
        open_info = next((r.result.open_info[stage] for r in new.runs
                          if r.result is not None and stage in r.result.open_info), None)
        out[stage] = StageVerdict(scen, diff_step, diffs, more, input_differed, cut_short, open_info)
    return out

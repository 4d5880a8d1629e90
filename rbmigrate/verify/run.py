"""`verify(paths, options)`: build, check conformance, run the scenario and compare, per connector.

Order of work (each phase timed):
1. find the connectors under the paths and load the scenario;
2. build every connector for the protocol it targets (in parallel);
3. conformance of each built component to the v4 world of its role;
4. fetch and build each one's original (git revision, apply's snapshot, or a folder);
5. group the connectors into pipelines by the scenario's stages, then per pipeline: a fresh database
   per version, the originals on the v3 host and the migrated connectors on the v4 host (two worker
   processes), normal forms compared stage by stage; a stage whose input differed is re-run in
   isolation with the original upstream batches replayed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .base import BaseError, BaseSpec, resolve
from .build import BuildOutcome, build
from .connectors import ROLES, Connector, ConnectorError, find_connectors, python_connector, rust_connector
from .model import ConnectorResult, Step, VerifyReport
from .sandbox import Sandbox
from .scenario import ScenarioError, load_scenario


@dataclass
class VerifyOptions:
    scenario: Path | None = None  # None: the built-in default scenario
    base: BaseSpec | None = None  # None: git HEAD
    pg_dsn: str | None = None  # None: a throwaway cluster
    sandbox: Sandbox = field(default_factory=Sandbox)
    cache_dir: Path | None = None  # None: the hosts' cache dir
    no_cache: bool = False
    rust_sdk: Path | None = None  # a folder holding rapidbyte-sdk/ (and its sibling crates)
    jobs: int = 2  # parallel builds and scenario workers
    in_process: bool = False  # run scenarios in this process (no wall-clock kill; for debugging)
    progress: Callable[[str], None] | None = None
    display_base: Path | None = None  # paths in the report are relative to this (default: cwd)


class _Ctx:
    def __init__(self, options: VerifyOptions, report: VerifyReport) -> None:
        self.options = options
        self.report = report
        self.server = None
        self.databases: list[str] = []
        self.starting = None  # a Future of the throwaway cluster, started while the builds run

    def say(self, text: str) -> None:
        if self.options.progress:
            self.options.progress(text)

    def tick(self, phase: str, since: float) -> None:
        self.report.timings[phase] = self.report.timings.get(phase, 0.0) + time.monotonic() - since


def _display(path: Path, base: Path | None) -> str:
    for b in (base, Path.cwd()):
        if b is None:
            continue
        try:
            return path.relative_to(Path(b).resolve()).as_posix() or "."
        except ValueError:
            continue
    return path.as_posix()


def _step(outcome: BuildOutcome) -> Step:
    return Step(outcome.status, outcome.seconds, outcome.message, list(outcome.details))


def verify(paths: list[Path], options: VerifyOptions | None = None) -> VerifyReport:
    """Verify every connector under `paths`. Never raises for connector behaviour or bad inputs: those
    end up in the report (see `VerifyReport.exit_code`)."""
    from ..hosts.spec import default_cache_dir

    options = options or VerifyOptions()
    t_start = time.monotonic()
    report = VerifyReport(cache=not options.no_cache)
    ctx = _Ctx(options, report)
    try:
        scenario = load_scenario(options.scenario)
    except ScenarioError as exc:
        report.problems.append((str(options.scenario or "(default scenario)"), str(exc)))
        return report
    report.scenario = scenario.name if scenario.path == "(default)" else f"{scenario.name} ({scenario.path})"
    connectors, problems = find_connectors([Path(p) for p in paths])
    report.problems += problems
    if not connectors:
        report.problems.append((" ".join(str(p) for p in paths), "no connector found (a folder with manifest.json "
                                "and app.py, or a Cargo crate that depends on rapidbyte-sdk)"))
        return report
    base_spec = options.base or BaseSpec("git", "HEAD")
    report.base = base_spec.describe()
    tmp_cache = Path(tempfile.mkdtemp(prefix="rbmigrate-nocache-")) if options.no_cache else None
    cache = tmp_cache or Path(options.cache_dir or default_cache_dir())
    cache.mkdir(parents=True, exist_ok=True)
    report.cache_dir = str(cache) if tmp_cache is None else "(none: --no-cache)"
    work = Path(tempfile.mkdtemp(prefix="rbmigrate-verify-"))
    results = {c.root: ConnectorResult(_display(c.root, options.display_base), str(c.root), c.language, c.role,
                                       c.id, c.protocol) for c in connectors}
    try:
        _start_server_early(ctx, connectors)
        migrated = _build_all(ctx, connectors, results, cache)
        ready = _conformance(ctx, connectors, results, migrated, cache)
        bases = _bases(ctx, ready, results, base_spec, cache, work)
        _pipelines(ctx, scenario, [c for c in ready if c.root in bases], results, migrated, bases, cache)
    finally:
        _cleanup(ctx)
        shutil.rmtree(work, ignore_errors=True)
        if tmp_cache is not None:
            shutil.rmtree(tmp_cache, ignore_errors=True)
    report.connectors = [results[c.root] for c in connectors]
    report.seconds = time.monotonic() - t_start
    report.timings["total"] = report.seconds
    return report


# ---- 1. build ------------------------------------------------------------------------------------

def _build_all(ctx: _Ctx, connectors: list[Connector], results: dict, cache: Path) -> dict[Path, BuildOutcome]:
    t0 = time.monotonic()

    def one(conn: Connector) -> BuildOutcome:
        ctx.say(f"build {results[conn.root].path} ({conn.language}, protocol v{conn.protocol})")
        return build(conn, cache, ctx.options.rust_sdk)

    with ThreadPoolExecutor(max(1, ctx.options.jobs)) as pool:
        outcomes = dict(zip([c.root for c in connectors], pool.map(one, connectors)))
    for conn in connectors:
        res = results[conn.root]
        res.build = _step(outcomes[conn.root])
        if outcomes[conn.root].status != "passed":
            state = "not-available" if outcomes[conn.root].status == "not-available" else "skipped"
            for name in ("conformance", "scenario", "differential"):
                setattr(res, name, Step(state, 0.0, "no component was built (see build)" if state == "not-available"
                                        else "the build failed"))
    ctx.tick("build", t0)
    return outcomes


# ---- 2. conformance -----------------------------------------------------------------------------

def _conformance(ctx: _Ctx, connectors: list[Connector], results: dict, built: dict, cache: Path) -> list[Connector]:
    from .conformance import check_component, static_checks

    t0 = time.monotonic()
    ready = []
    todo = [c for c in connectors if built[c.root].status == "passed" and built[c.root].wasm is not None]
    with ThreadPoolExecutor(max(1, ctx.options.jobs)) as pool:  # wasm-tools subprocesses, several at once
        static = dict(zip([c.root for c in todo], pool.map(lambda c: static_checks(built[c.root].wasm, c.role), todo)))
    for conn in todo:
        out = built[conn.root]
        res = results[conn.root]
        ctx.say(f"conformance {res.path}")
        outcome = check_component(out.wasm, conn.role, ctx.options.sandbox, cache, static[conn.root])
        details = [f"{c.name}: {'ok' if c.ok else 'FAILED'}: {c.message}" for c in outcome.checks]
        for c in outcome.checks:
            if not c.ok:
                details += [f"  {d}" for d in c.details[:8]]
        message = outcome.message
        status = outcome.status
        if conn.protocol != 4:
            status = "failed"
            message = (f"the manifest says protocol v{conn.protocol}: the connector is not migrated; " + message)
        res.conformance = Step(status, outcome.seconds, message, details)
        if status == "passed":
            ready.append(conn)
        else:
            res.scenario = Step("skipped", 0.0, "conformance failed: the v4 host cannot run it")
            res.differential = Step("skipped", 0.0, "conformance failed")
    ctx.tick("conformance", t0)
    return ready


# ---- 3. originals --------------------------------------------------------------------------------

def _bases(ctx: _Ctx, ready: list[Connector], results: dict, spec: BaseSpec, cache: Path,
           work: Path) -> dict[Path, Path]:
    t0 = time.monotonic()
    found: dict[Path, Path] = {}

    def one(conn: Connector) -> tuple[Connector, Path | None, Step | None, str]:
        res = results[conn.root]
        try:
            where = resolve(spec, conn.root, conn.found_under or conn.root, work, whole=conn.language == "rust")
            orig = python_connector(where) if conn.language == "python" else rust_connector(where)
        except (BaseError, ConnectorError, OSError) as exc:
            return conn, None, Step("error", 0.0, f"no original to compare with: {exc}"), ""
        shown = f"{spec.describe()}: {where.name}"
        if orig.role != conn.role:
            return conn, None, Step("error", 0.0, f"the original ({shown}) is a {orig.role}, not a {conn.role}"), ""
        if orig.protocol == 4:
            return conn, None, Step("error", 0.0, f"the original ({spec.describe()}) already targets protocol v4: "
                                    "point --base/--base-dir/--snapshot at the v3 original"), ""
        ctx.say(f"build the original of {res.path} ({spec.describe()})")
        out = build(orig, cache, None)
        if out.status != "passed" or out.wasm is None:
            return conn, None, Step("error", out.seconds, f"the original ({spec.describe()}) does not build: "
                                    f"{out.message}", list(out.details)), ""
        return conn, out.wasm, None, spec.describe()

    with ThreadPoolExecutor(max(1, ctx.options.jobs)) as pool:
        for conn, wasm, failure, shown in pool.map(one, ready):
            res = results[conn.root]
            if failure is not None:
                res.differential = failure
                res.scenario = Step("skipped", 0.0, "no original to run the scenario against")
                continue
            res.base = shown
            found[conn.root] = wasm
    ctx.tick("originals", t0)
    return found


# ---- 4. pipelines --------------------------------------------------------------------------------

def _start_server_early(ctx: _Ctx, connectors: list[Connector]) -> None:
    """A throwaway cluster takes about a second to start: start it beside the builds and the conformance
    checks when a scenario is likely to run (a source is among the connectors). Its failure is reported
    where the scenario needs it, as before; a cluster no scenario used is removed all the same."""
    if ctx.options.pg_dsn or not any(c.role == "source" for c in connectors):
        return
    from .pgcluster import start_cluster

    ctx.say("start a throwaway PostgreSQL cluster")
    pool = ThreadPoolExecutor(1, thread_name_prefix="rbmigrate-pg")
    ctx.starting = pool.submit(start_cluster)
    pool.shutdown(wait=False)


def _server(ctx: _Ctx):
    if ctx.server is None:
        from .pgcluster import PgServer, start_cluster

        if ctx.options.pg_dsn:
            ctx.server = PgServer.from_dsn(ctx.options.pg_dsn)
        elif ctx.starting is not None:
            starting, ctx.starting = ctx.starting, None
            ctx.server = starting.result()
        else:
            ctx.say("start a throwaway PostgreSQL cluster")
            ctx.server = start_cluster()
        ctx.report.database = ctx.server.describe()
    return ctx.server


def _cleanup(ctx: _Ctx) -> None:
    if ctx.starting is not None:  # started early, never used (the builds or conformance failed)
        try:
            ctx.starting.result().remove()
        except Exception:  # noqa: BLE001 - it did not start: nothing to remove
            pass
        ctx.starting = None
    if ctx.server is None:
        return
    if ctx.options.pg_dsn:
        for name in ctx.databases:
            try:
                ctx.server.drop_database(name)
            except Exception:  # noqa: BLE001 - best effort
                pass
    else:
        ctx.server.remove()


def plan_pipelines(scenario, ready: list[Connector]) -> tuple[list[dict[str, Connector]], dict[Path, str]]:
    """Pipelines (role -> connector) from the scenario's stages, and why a connector is in none."""
    candidates: dict[str, list[Connector]] = {}
    for role, stage in scenario.stages.items():
        candidates[role] = [c for c in ready if c.role == role and (stage.connector is None or stage.connector == c.id)]
    placed = {c.root for cands in candidates.values() for c in cands}
    unplaced: dict[Path, str] = {}
    for c in ready:
        if c.root not in placed:
            want = scenario.stages.get(c.role)
            unplaced[c.root] = (f"the scenario {scenario.name!r} has no {c.role} stage" if want is None else
                                f"the scenario's {c.role} stage is for {want.connector}, not {c.id}") + \
                               "; give --scenario FILE with a stage for it"
    if not candidates.get("source"):
        for c in ready:
            unplaced.setdefault(c.root, "the scenario's pipeline starts with a source and none of the verified "
                                        "connectors fills it: verify this connector together with a source")
        return [], unplaced
    n = max(len(v) for v in candidates.values())
    pipelines = []
    for i in range(n):
        pipelines.append({role: candidates[role][min(i, len(candidates[role]) - 1)]
                          for role in ROLES if candidates.get(role)})
    return pipelines, unplaced


def _pipelines(ctx: _Ctx, scenario, ready: list[Connector], results: dict, migrated: dict, bases: dict,
               cache: Path) -> None:
    pipelines, unplaced = plan_pipelines(scenario, ready)
    for root, why in unplaced.items():
        results[root].scenario = Step("not-available", 0.0, why)
        results[root].differential = Step("not-available", 0.0, "the scenario did not run it")
    for role in scenario.stages:
        if pipelines and all(role not in p for p in pipelines):
            ctx.report.notes.append(f"the scenario's {role} stage has no connector under verification: "
                                    "the pipeline ran without it")
    if not pipelines:
        return
    try:
        server = _server(ctx)
    except Exception as exc:  # noqa: BLE001 - PgUnavailable, a bad DSN, ...
        for p in pipelines:
            for conn in p.values():
                results[conn.root].scenario = Step("error", 0.0, f"no PostgreSQL for the scenario: {exc}")
                results[conn.root].differential = Step("skipped", 0.0, "the scenario did not run")
        return
    ctx.report.timings.setdefault("scenario", 0.0)
    verdicts_seen: dict[Path, bool] = {}
    for p in pipelines:
        _run_pipeline(ctx, scenario, p, results, migrated, bases, cache, server, verdicts_seen)


def _job(ctx: _Ctx, scenario, server, version: int, components: dict[str, str], cache: Path, label: str,
         replay=None):
    from .runner import VersionJob

    name = f"rbv_{uuid.uuid4().hex[:10]}_{label}_v{version}".lower().replace("-", "_")
    ctx.databases.append(name)
    sandbox = Sandbox(ctx.options.sandbox.deadline_s, ctx.options.sandbox.memory_limit, [server.address],
                      ctx.options.sandbox.grace_s)
    return VersionJob(version, components, scenario, server, name, sandbox, str(cache), replay, label)


def _run_pipeline(ctx: _Ctx, scenario, pipeline: dict[str, Connector], results: dict, migrated: dict,
                  bases: dict, cache: Path, server, seen: dict[Path, bool]) -> None:
    from .conformance import check_open_info
    from .differential import ScenarioProblem, check_base, judge
    from .normalize import Masker
    from .worker import run_jobs

    stages = [r for r in ROLES if r in pipeline]
    names = " -> ".join(results[pipeline[r].root].path for r in stages)
    ctx.say(f"scenario {scenario.name}: {names} (v3 originals and v4 migrated, {len(scenario.runs)} runs)")
    t0 = time.monotonic()
    base_job = _job(ctx, scenario, server, 3, {r: str(bases[pipeline[r].root]) for r in stages}, cache, "pipe")
    new_job = _job(ctx, scenario, server, 4, {r: str(migrated[pipeline[r].root].wasm) for r in stages}, cache, "pipe")
    base_out, new_out = run_jobs([base_job, new_job], ctx.options.jobs, ctx.options.in_process)
    ctx.tick("scenario", t0)
    t1 = time.monotonic()
    masker = Masker(scenario.mask)
    try:
        check_base(base_out, scenario, stages)
    except ScenarioProblem as exc:
        for r in stages:
            res = results[pipeline[r].root]
            if seen.get(pipeline[r].root) is False:
                continue
            res.scenario = Step("error", base_out.seconds, str(exc))
            res.differential = Step("skipped", 0.0, "the originals' run is not a usable reference")
            seen[pipeline[r].root] = False
        ctx.tick("differential", t1)
        return
    verdicts = judge(stages, base_out, new_out, scenario, masker)
    isolate = [s for s in stages if len(stages) > 1 and verdicts[s].needs_isolation]
    why: dict[str, str] = {}
    if isolate:
        from .isolate import isolation_jobs, replay_components

        ctx.say(f"isolation: {', '.join(isolate)} (the pipeline run cannot judge them)")
        replay = replay_components(cache) if any(s != "source" for s in isolate) else None
        jobs = []
        for s in isolate:
            up = stages[stages.index(s) - 1] if s != "source" else None
            v = verdicts[s]
            if v.input_differed:
                why[s] = (f"its input differed in the pipeline run ({up} emitted other batches, or none), so the "
                          f"original {up} batches were replayed to both versions")
            elif s == "source":
                why[s] = f"the pipeline run ended early because {v.cut_short} failed; the source ran alone"
            else:
                why[s] = (f"the pipeline run ended early because {v.cut_short} failed; the original {up} batches "
                          "were replayed to both versions")
            comps = {3: bases[pipeline[s].root], 4: migrated[pipeline[s].root].wasm}
            jobs += isolation_jobs(s, up, comps, replay, base_out,
                                   lambda ver, c, f, _s=s: _job(ctx, scenario, server, ver, c, cache, f"iso_{_s}", f))
        outs = run_jobs(jobs, ctx.options.jobs, ctx.options.in_process)
        for k, s in enumerate(isolate):
            b, n = outs[2 * k], outs[2 * k + 1]
            if b.killed or b.error:
                verdicts[s].differential = Step("error", b.seconds, f"the isolated run of the original failed: "
                                                f"{b.killed or b.error}")
                continue
            iso_stages = ["source"] if s == "source" else ["source", s]
            iso = judge(iso_stages, b, n, scenario, masker, only=[s])[s]
            verdicts[s].open_info = verdicts[s].open_info or iso.open_info
            note = f"judged in isolation ({why[s]})"
            verdicts[s].scenario = Step(iso.scenario.status, n.seconds, iso.scenario.message,
                                        [note] + iso.scenario.details)
            verdicts[s].differential = Step(iso.differential.status, 0.0, iso.differential.message, [note])
            verdicts[s].differences, verdicts[s].more = iso.differences, iso.more
    for r in stages:
        conn = pipeline[r]
        res = results[conn.root]
        v = verdicts[r]
        ok = v.scenario.status == "passed" and v.differential.status == "passed"
        if seen.get(conn.root) is False:
            continue  # an earlier pipeline already failed it: keep that verdict
        seen[conn.root] = ok
        res.scenario = v.scenario
        res.differential = Step(v.differential.status, time.monotonic() - t1, v.differential.message,
                                v.differential.details)
        res.differences, res.more_differences = v.differences, v.more
        res.isolated = r in why
        if v.open_info is None:
            res.conformance.details.append("open-info: not checked: the scenario never got to open this stage")
            continue
        info = check_open_info(v.open_info, r, conn)
        res.conformance.details.append(f"open-info: {'ok' if info.ok else 'FAILED'}: {info.message}")
        if not info.ok:
            res.conformance.status = "failed"
            res.conformance.message = f"open-info: {info.message}"
    ctx.tick("differential", t1)

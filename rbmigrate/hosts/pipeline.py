"""`run_pipeline`: drive source -> (transform) -> destination through one protocol version's host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .events import ErrorEvent, PipelineResult
from .net import Allowlist
from .runtime import GuestFailure, Stage
from .spec import HostOptions, PipelineSpec
from .state import StateStore


def _drivers(version: int) -> Any:
    if version == 3:
        from . import host_v3 as mod
    elif version == 4:
        from . import host_v4 as mod
    else:
        raise ValueError(f"protocol version must be 3 or 4, not {version!r}")
    return mod.Driver


class _Abort(Exception):
    pass


def run_pipeline(version: int, spec: PipelineSpec, options: HostOptions | None = None) -> PipelineResult:
    """Run every stream of `spec` through the reference host of `version` (3 or 4).

    Lifecycle: each stage is opened (source first), the source discovers (if `spec.discover`),
    each stage validates; then per stream, in order: source run, transform run, destination run,
    with the frames one stage emitted queued for the next stage's next-batch / batch-next.
    The first failing step (a connector-error, a trap, a deadline, the memory limit) is recorded
    in `result.errors` and ends the run; `close` is still called on every opened instance that did
    not trap. Never raises for guest behaviour; raises ValueError for an invalid spec.
    """
    options = options or HostOptions()
    Driver = _drivers(version)
    for s in spec.streams:
        s.check()
    state = options.state if options.state is not None else StateStore()
    result = PipelineResult(version=version)
    allow = Allowlist(options.allow)

    plan: list[tuple[str, Path, dict]] = [("source", Path(spec.source), spec.source_config)]
    if spec.transform is not None:
        plan.append(("transform", Path(spec.transform), spec.transform_config or {}))
    if spec.destination is not None:
        plan.append(("destination", Path(spec.destination), spec.destination_config))

    from .engine import load_component

    opened: list[tuple[Stage, Any]] = []
    stages: list[tuple[Stage, Any]] = []

    def step(stage: Stage, call: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except GuestFailure:
            raise _Abort() from None
        except (TypeError, KeyError, ValueError, AttributeError) as exc:  # a malformed value from the guest
            result.errors.append(ErrorEvent(stage.name, call, stage.context_stream, "protocol",
                                            f"{type(exc).__name__}: {exc}"))
            raise _Abort() from None

    try:
        for name, path, config in plan:
            stage = Stage(name, version, result, state, options, allow)
            try:
                component = load_component(path, options.cache_dir)
            except Exception as exc:  # noqa: BLE001 - unreadable or invalid component
                result.errors.append(ErrorEvent(name, "load", "", "load", f"{path}: {exc}"))
                raise _Abort() from None
            driver = Driver(stage)
            stages.append((stage, driver))
            step(stage, "instantiate", stage.instantiate, component, Driver.install)
            step(stage, "open", driver.open, json.dumps(config))
            opened.append((stage, driver))
            if name == "source" and spec.discover:
                raw = step(stage, "discover", driver.discover)
                result.catalog_raw = raw
                try:
                    result.catalog = json.loads(raw)
                except ValueError as exc:
                    result.errors.append(ErrorEvent(name, "discover", "", "protocol", f"catalog is not JSON: {exc}"))
                    raise _Abort() from None
            step(stage, "validate", driver.validate)

        for stream in spec.streams:
            upstream: list[bytes] = []
            for stage, driver in stages:
                stage.context_stream = stream.name
                stage.inbox = list(upstream)
                stage.outbox = []
                stage.emitted = 0
                step(stage, "run", driver.run, stream)
                upstream = stage.outbox
                stage.inbox = []
            for stage, _ in stages:
                stage.context_stream = ""
    except _Abort:
        pass
    finally:
        for stage, driver in opened:
            stage.context_stream = ""
            if stage.dead:
                continue
            try:
                driver.close()
            except GuestFailure:
                pass
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
                result.errors.append(ErrorEvent(stage.name, "close", "", "protocol", f"{type(exc).__name__}: {exc}"))
        for stage, _ in stages:
            stage.finish()
        result.state.final = state.snapshot()
    return result

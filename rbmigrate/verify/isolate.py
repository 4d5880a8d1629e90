"""Judge one stage in isolation: replay, in both versions, the batches its upstream stage emitted in the
originals' run, so a difference upstream cannot show up as a difference of this stage.

The replay source (guests/replay: app_v3.py, app_v4.py) emits the given frames verbatim and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GUESTS = Path(__file__).resolve().parent / "guests"


def replay_components(cache_dir: Path) -> dict[int, Path]:
    from ..hosts import build_python_component
    from ..resources import wit_dir

    return {v: build_python_component(GUESTS / "replay", wit_dir(f"v{v}"), "rapidbyte-source", module=f"app_v{v}",
                                      cache_dir=cache_dir) for v in (3, 4)}


def upstream_frames(base: Any, upstream: str) -> dict[str, dict[str, list[bytes]]]:
    """run name -> stream -> the frames `upstream` emitted in the originals' run."""
    out: dict[str, dict[str, list[bytes]]] = {}
    for run in base.runs:
        streams: dict[str, list[bytes]] = {}
        for b in run.result.batches if run.result is not None else []:
            if b.stage == upstream:
                streams.setdefault(b.context_stream, []).append(b.raw)
        out[run.name] = streams
    return out


def isolation_jobs(stage: str, upstream: str | None, components: dict[int, Path], replay: dict[int, Path] | None,
                   base: Any, make_job: Any) -> list:
    """Two jobs (v3, v4): the source alone, or replay -> `stage` (`upstream`: whose batches to replay).
    `make_job(version, components, replay_frames)` builds a job."""
    if stage == "source":
        return [make_job(v, {"source": str(components[v])}, None) for v in (3, 4)]
    frames = upstream_frames(base, upstream)
    return [make_job(v, {"source": str(replay[v]), stage: str(components[v])}, frames) for v in (3, 4)]

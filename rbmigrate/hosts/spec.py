"""What a pipeline run is asked to do: streams, components, configs and sandbox options.

Plain data only (no wasmtime import): the verify layer builds these from scenario files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .protocol import DATA_ERROR_POLICIES, DEFAULT_LIMITS, EXTENSION_KEYS, MiB, SYNC_MODES, WRITE_MODES

#: The schema-evolution policy a v3 host puts in `policies.schema_evolution` when the scenario names none
#: (and that the v4 host puts under `extensions-json.schema_evolution`, so both versions see the same knob).
DEFAULT_SCHEMA_EVOLUTION: dict[str, str] = {
    "new_column": "add",
    "removed_column": "ignore",
    "type_change": "fail",
    "nullability_change": "allow",
}


@dataclass
class StreamSpec:
    """One stream, protocol-neutral. The v3 host serialises it to ctx-json (protocol-v3 §3), the v4 host
    converts it to the typed `stream-context` (protocol-v4 `stream-types`)."""

    name: str
    schema: list[dict] = field(default_factory=list)  # [{"name":..,"data_type":..,"nullable":..}]
    sync_mode: str = "full_refresh"
    cursor_field: str | None = None
    cursor_type: str | None = None
    cursor_last_value: Any = None  # a JSON value; v4 receives it JSON-encoded
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))  # merged over DEFAULT_LIMITS
    max_records: int | None = None
    on_data_error: str = "fail"
    write_mode: str | None = None
    primary_key: list[str] = field(default_factory=list)
    selected_columns: list[str] | None = None
    source_stream_name: str | None = None
    extensions: dict = field(default_factory=dict)
    partition: tuple[int, int] | None = None  # (index, count)

    def full_limits(self) -> dict[str, int]:
        unknown = set(self.limits) - set(DEFAULT_LIMITS)
        if unknown:
            raise ValueError(f"stream {self.name!r}: unknown limits {sorted(unknown)}")
        return {**DEFAULT_LIMITS, **self.limits}

    def check(self) -> None:
        """Raise ValueError for values no protocol version can carry."""
        if self.sync_mode not in SYNC_MODES:
            raise ValueError(f"stream {self.name!r}: sync_mode must be one of {SYNC_MODES}")
        if self.write_mode is not None and self.write_mode not in WRITE_MODES:
            raise ValueError(f"stream {self.name!r}: write_mode must be one of {WRITE_MODES}")
        if self.on_data_error not in DATA_ERROR_POLICIES:
            raise ValueError(f"stream {self.name!r}: on_data_error must be one of {DATA_ERROR_POLICIES}")
        unknown = set(self.extensions) - set(EXTENSION_KEYS)
        if unknown:
            raise ValueError(f"stream {self.name!r}: unknown extensions {sorted(unknown)}")
        for col in self.schema:
            if not {"name", "data_type"} <= set(col):
                raise ValueError(f"stream {self.name!r}: a column needs name and data_type: {col!r}")
        self.full_limits()


@dataclass
class PipelineSpec:
    """Components (.wasm) and their configs; `config-json` is `json.dumps` of each config."""

    source: Path
    destination: Path | None = None
    transform: Path | None = None
    source_config: dict = field(default_factory=dict)
    destination_config: dict = field(default_factory=dict)
    transform_config: dict | None = None
    streams: list[StreamSpec] = field(default_factory=list)
    discover: bool = True  # v3: call discover() on the source; v4: run(phase=discover)


def default_cache_dir() -> Path:
    from ..cachedir import default_cache_dir as folder

    return folder()


@dataclass
class HostOptions:
    """Sandbox and host knobs of a run."""

    allow: list[tuple[str, int]] = field(default_factory=list)  # tcp allowlist (host, port)
    deadline_s: float = 30.0  # per guest call (epoch interruption), instantiation included
    memory_limit: int = 512 * MiB  # per linear memory of an instance (wasmtime store limits)
    state: Any = None  # a StateStore to reuse across runs (incremental second run); None = fresh
    cache_dir: Path | None = None  # compiled-artifact cache; default: $RBMIGRATE_CACHE_DIR or ~/.cache/rbmigrate
    connect_timeout_s: float = 5.0  # tcp-connect, also capped by the call's remaining deadline
    socket_poll_s: float = 0.002  # a read/write waits at most this long before answering would-block
    max_frame_bytes: int = 256 * MiB  # a frame that would grow past this gets a `frame` error
    max_output_bytes: int = 1 * MiB  # captured guest stdout/stderr kept per stage (the rest is counted)

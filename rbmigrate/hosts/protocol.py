"""The protocol constants of the reference hosts, written from protocol-v3.md and protocol-v4.md.

`verify` judges a migration by running the v3 original on the v3 host and the migrated connector on
the v4 host. So the hosts must not take these constants from the rule table that drives the
migration: a wrong table entry would be copied into the judge and could never be caught.
tests/test_hosts_protocol.py cross-checks this module against the rule table and the canonical WIT
(wit/v3, wit/v4); a wrong entry on either side fails it.

Plain data only (no wasmtime import).
"""

from __future__ import annotations

PKG = "rapidbyte:connector"
V3_VERSION = "3.0.0"
V4_VERSION = "4.0.0"
MiB = 1024 * 1024

# ---- protocol v3 (protocol-v3.md §1) ------------------------------------------------------------

V3_HOST = "host"
V3_TYPE_INTERFACES = ("types",)
#: stage role -> (exported interface, run function, summary phase)
V3_ROLES = {
    "source": ("source-connector", "run-read", "read"),
    "destination": ("dest-connector", "run-write", "write"),
    "transform": ("transform-connector", "run-transform", "transform"),
}
#: The connector-error field that carries details (snake_case, as wasmtime-py names record fields).
V3_DETAILS = "details_json"

# "Integer codes carried by v3 `u32` parameters (implicit: no WIT enum names them)"; the values are
# the case names of the v4 enums that replace them.
V3_LOG_LEVELS = {0: "error", 1: "warn", 2: "info", 3: "debug"}
V3_LOG_LEVEL_OTHER = "trace"  # "hosts map anything else to trace"
V3_CHECKPOINT_KINDS = {0: "source", 1: "destination", 2: "transform"}
V3_STATE_SCOPES = {0: "pipeline", 1: "per-stream", 2: "connector-instance"}
#: v3 host function -> (its integer parameter, the v4 enum that replaces it, the codes it carries)
V3_INTEGER_CODES = {
    "log": ("level", "log-level", V3_LOG_LEVELS),
    "checkpoint": ("kind", "checkpoint-kind", V3_CHECKPOINT_KINDS),
    "state-get": ("scope", "state-scope", V3_STATE_SCOPES),
    "state-put": ("scope", "state-scope", V3_STATE_SCOPES),
    "state-cas": ("scope", "state-scope", V3_STATE_SCOPES),
}

# ---- protocol v4 (protocol-v4.md) -----------------------------------------------------------------

V4_HOST = "host-io"
V4_TYPE_INTERFACES = ("core-types", "stream-types", "telemetry")
#: stage role -> (exported interface, phase of its run)
V4_ROLES = {
    "source": ("source", "read"),
    "destination": ("destination", "write"),
    "transform": ("transform", "transform"),
}
V4_DETAILS = "details"
LOG_LEVELS = ("error", "warn", "info", "debug", "trace")  # core-types.log-level
CHECKPOINT_KINDS = ("source", "destination", "transform")  # telemetry.checkpoint-kind
STATE_SCOPES = ("pipeline", "per-stream", "connector-instance")  # core-types.state-scope
SUMMARY_FIELDS = ("read", "write", "transform", "discover")  # stream-types.run-summary, beside `role`
#: stream-types enums, in the snake_case a scenario writes them (the WIT cases are kebab-case)
SYNC_MODES = ("full_refresh", "incremental", "cdc")
WRITE_MODES = ("append", "replace", "upsert")
DATA_ERROR_POLICIES = ("skip", "fail", "dlq")
#: Keys of `extensions-json` (stream-types.stream-context).
EXTENSION_KEYS = ("schema_evolution", "partition_strategy", "effective_parallelism", "copy_flush_bytes_override")
#: The seven `stream-limits` fields with the protocol-v4 defaults (also used for v3 contexts).
DEFAULT_LIMITS: dict[str, int] = {
    "max_batch_bytes": 64 * MiB,
    "max_record_bytes": 16 * MiB,
    "max_inflight_batches": 16,
    "max_parallel_requests": 1,
    "checkpoint_interval_bytes": 64 * MiB,
    "checkpoint_interval_rows": 0,
    "checkpoint_interval_seconds": 0,
}

# ---- both ---------------------------------------------------------------------------------------

#: error-category (the same cases in v3 `types` and v4 `core-types`)
ERROR_CATEGORIES = (
    "config", "auth", "permission", "rate-limit", "transient-network",
    "transient-db", "data", "schema", "internal", "frame",
)

#: Every host function: v3 `host` name -> v4 `host-io` name (protocol-v4 `host-io`, column "v3 origin").
HOST_FUNCTIONS = {
    "emit-batch": "batch-emit",
    "next-batch": "batch-next",
    "log": "log",
    "checkpoint": "telemetry-checkpoint",
    "metric": "telemetry-metric",
    "emit-dlq-record": "telemetry-dlq",
    "state-get": "state-get",
    "state-put": "state-put",
    "state-cas": "state-cas",
    "frame-new": "frame-new",
    "frame-write": "frame-write",
    "frame-seal": "frame-seal",
    "frame-len": "frame-len",
    "frame-read": "frame-read",
    "frame-drop": "frame-drop",
    "connect-tcp": "tcp-connect",
    "socket-read": "tcp-read",
    "socket-write": "tcp-write",
    "socket-close": "tcp-close",
}


def qualified(interface: str, version: str) -> str:
    """``rapidbyte:connector/host@3.0.0``."""
    return f"{PKG}/{interface}@{version}"

"""Python-guest data with no WIT origin: the v3 conventions that the v3 WIT left implicit.

Everything with a WIT origin (function, type, parameter and interface names,
enum members, record fields) is derived from the rule table and ``wit/``; what
is here is exactly what protocol-v3.md §1/§3 and migration-recipes.md §3 state
in prose. Names on the right-hand side are WIT spellings (kebab-case).
"""

from __future__ import annotations

# The v3 integer codes (log level, state scope, checkpoint kind) are rule data:
# `[rule.codes]` in rules/wit.toml, read through `RuleTable.integer_codes`.

# ------------------------------------------------------------------ JSON payloads
# v3 payload envelope keys (protocol-v3.md §1); only `payload` carries data in v4.
ENVELOPE_KEYS = frozenset({"protocol_version", "connector_id", "stream_name", "payload"})

# metric payload: {"name", "value": {"type", "value"}, "labels": [[k, v], ...]}; its keys are rule data
# (`[rule.payload]` of RB105), the `value` wrapper is the v3 convention below.
METRIC_VALUE_KEYS = ("type", "value")

# emit-dlq-record: the category string is the snake_case name of an error-category case.
DLQ_CATEGORY_ENUM = "error-category"

# --------------------------------------------------------------- export classes
# run-summary field set for each phase's result, and how the v3 return value is wrapped.
SUMMARY_FIELDS = ("read", "write", "transform", "discover")
DISCOVER_SUMMARY = ("discover-summary", "catalog-json")

# open-info default-limits (protocol-v4.md "role interfaces"), as Python source text.
DEFAULT_LIMITS: dict[str, str] = {
    "max_batch_bytes": "64 * 1024 * 1024",
    "max_record_bytes": "16 * 1024 * 1024",
    "max_inflight_batches": "16",
    "max_parallel_requests": "1",
    "checkpoint_interval_bytes": "64 * 1024 * 1024",
    "checkpoint_interval_rows": "0",
    "checkpoint_interval_seconds": "0",
}
PROTOCOL_VERSION = "4"
SESSION = "1"  # the session a Python guest's `open` returns; state stays module-level

# The exact error of an unsupported phase (protocol-v4.md "role interfaces").
UNSUPPORTED_PHASE = {
    "category": "config",
    "scope": "per-stream",
    "code": "UNSUPPORTED_PHASE",
    "backoff_class": "normal",
}

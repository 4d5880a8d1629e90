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

# checkpoint payload: v3 key -> checkpoint-event field (cursor_* are folded into `cursor`).
CHECKPOINT_FIELDS = {"id": "id", "stream": "stream", "records_processed": "records", "bytes_processed": "bytes"}
CHECKPOINT_CURSOR = ("cursor_field", "cursor_value")  # -> cursor = json.dumps({"field": .., "value": ..})
CHECKPOINT_KIND_STRINGS = {"source": "source", "dest": "destination", "transform": "transform"}

# metric payload: {"name", "value": {"type", "value"}, "labels": [[k, v], ...]}
METRIC_KEYS = ("name", "value", "labels")
METRIC_VALUE_KEYS = ("type", "value")

# emit-dlq-record: the category string is the snake_case name of an error-category case.
DLQ_CATEGORY_ENUM = "error-category"

# ------------------------------------------------------------ the stream context
# v3 ctx key path (dotted) -> (v4 template, kind), migration-recipes.md §3.
# Templates: {stream} is the stream-context record, {request} the run-request,
# {<path>} the v4 value of that v3 path (so a helper holding `ctx["limits"]`
# renders `limits.max_batch_bytes`). Kinds:
#   leaf          a plain value, the same in v3 and v4 (`leaf?`: none when absent; so for others with `?`)
#   record        a dict in v3, a record in v4 (its keys become attributes)
#   optional      like record, but none when absent
#   virtual       a dict in v3 with no v4 counterpart: only its keys are reachable
#   presence      virtual, but `is None` / truthiness tests map to the template
#   schema        the v3 `{"format", "data"}` dict; with format `columns` its data is the v4 `schema`
#   columns       the schema data: a list of column dicts in v3, of `column` records in v4
#   json          a JSON value in v3, JSON-encoded text in v4 (decoded where used)
#   enum:<wit>    a string in v3, a member of the v4 enum in v4
#   arrow         no v4 counterpart: a finding (RB908)
STREAM_CONTEXT: dict[str, tuple[str | None, str]] = {
    "": ("{stream}", "record"),
    "stream_name": ("{stream}.stream_name", "leaf"),
    "source_stream_name": ("{stream}.source_stream_name", "leaf?"),
    "selected_columns": ("{stream}.selected_columns", "leaf?"),
    "schema": ("{stream}.schema", "schema"),
    "schema.data": ("{schema}", "columns"),
    "schema.format": (None, "arrow"),
    "schema.data.[]": ("{schema.data.[]}", "record"),
    "schema.data.[].name": ("{schema.data.[]}.name", "leaf"),
    "schema.data.[].data_type": ("{schema.data.[]}.data_type", "leaf"),
    "schema.data.[].nullable": ("{schema.data.[]}.nullable", "leaf"),
    "sync_mode": ("{stream}.sync_mode", "enum:sync-mode"),
    "cursor_info": ("{stream}.cursor_info", "optional"),
    "cursor_info.cursor_field": ("{cursor_info}.cursor_field", "leaf"),
    "cursor_info.cursor_type": ("{cursor_info}.cursor_type", "leaf"),
    "cursor_info.last_value": ("{cursor_info}.last_value", "json?"),
    "limits": ("{stream}.limits", "record"),
    "limits.max_batch_bytes": ("{limits}.max_batch_bytes", "leaf"),
    "limits.max_record_bytes": ("{limits}.max_record_bytes", "leaf"),
    "limits.max_inflight_batches": ("{limits}.max_inflight_batches", "leaf"),
    "limits.max_parallel_requests": ("{limits}.max_parallel_requests", "leaf"),
    "limits.checkpoint_interval_bytes": ("{limits}.checkpoint_interval_bytes", "leaf"),
    "limits.checkpoint_interval_rows": ("{limits}.checkpoint_interval_rows", "leaf"),
    "limits.checkpoint_interval_seconds": ("{limits}.checkpoint_interval_seconds", "leaf"),
    "limits.max_records": ("{request}.max_records", "leaf?"),
    "policies": (None, "virtual"),
    "policies.on_data_error": ("{stream}.on_data_error", "enum:data-error-policy"),
    "policies.schema_evolution": ('json.loads({stream}.extensions_json or "{{}}").get("schema_evolution")', "leaf?"),
    "write_mode": ("{stream}.write_mode", "presence"),
    "write_mode.mode": ("{stream}.write_mode", "enum:write-mode?"),
    "write_mode.primary_key": ("{stream}.primary_key", "leaf"),
    "partition_index": ("{stream}.partition.index if {stream}.partition is not None else None", "leaf?"),
    "partition_count": ("{stream}.partition.count if {stream}.partition is not None else None", "leaf?"),
    "partition_strategy": ('json.loads({stream}.extensions_json or "{{}}").get("partition_strategy")', "leaf?"),
    "effective_parallelism": ('json.loads({stream}.extensions_json or "{{}}").get("effective_parallelism")', "leaf?"),
    "copy_flush_bytes_override": (
        'json.loads({stream}.extensions_json or "{{}}").get("copy_flush_bytes_override")',
        "leaf?",
    ),
}

# --------------------------------------------------------------- export classes
# v3 role function -> (v4 run-phase case, private helper the v3 body moves into), recipes §0.8.
MOVED_BODIES: dict[str, tuple[str, str]] = {
    "discover": ("discover", "_discover_catalog"),
    "run-read": ("read", "_read_stream"),
    "run-write": ("write", "_write_stream"),
    "run-transform": ("transform", "_transform_stream"),
}
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

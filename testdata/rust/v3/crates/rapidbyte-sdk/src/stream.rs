//! The per-stream context the host passes to `read` / `write` / `transform`.

use crate::error::ConnectorError;
use crate::json::JsonValue;
use crate::types::StreamLimits;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaHint {
    Columns(Vec<ColumnSchema>),
    ArrowIpc(Vec<u8>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    FullRefresh,
    Incremental,
    Cdc,
}

impl SyncMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::FullRefresh => "full_refresh",
            SyncMode::Incremental => "incremental",
            SyncMode::Cdc => "cdc",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CursorInfo {
    pub cursor_field: String,
    pub cursor_type: String,
    pub last_value: Option<JsonValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataErrorPolicy {
    Skip,
    #[default]
    Fail,
    Dlq,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreamPolicies {
    pub on_data_error: DataErrorPolicy,
    /// Opaque schema evolution settings (JSON object).
    pub schema_evolution: Option<JsonValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteMode {
    Append,
    Replace,
    Upsert { primary_key: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionStrategy {
    Mod,
    Range,
}

/// Everything the host tells a connector about one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamContext {
    pub stream_name: String,
    pub source_stream_name: Option<String>,
    pub schema: SchemaHint,
    pub sync_mode: SyncMode,
    pub cursor_info: Option<CursorInfo>,
    pub limits: StreamLimits,
    pub policies: StreamPolicies,
    pub write_mode: Option<WriteMode>,
    pub selected_columns: Option<Vec<String>>,
    pub partition_count: Option<u32>,
    pub partition_index: Option<u32>,
    pub effective_parallelism: Option<u32>,
    pub partition_strategy: Option<PartitionStrategy>,
    pub copy_flush_bytes_override: Option<u64>,
}

impl StreamContext {
    /// A context with default limits and no schema, mostly for tests.
    pub fn named(stream_name: &str) -> Self {
        StreamContext {
            stream_name: stream_name.to_owned(),
            source_stream_name: None,
            schema: SchemaHint::Columns(Vec::new()),
            sync_mode: SyncMode::FullRefresh,
            cursor_info: None,
            limits: StreamLimits::default(),
            policies: StreamPolicies::default(),
            write_mode: None,
            selected_columns: None,
            partition_count: None,
            partition_index: None,
            effective_parallelism: None,
            partition_strategy: None,
            copy_flush_bytes_override: None,
        }
    }

    /// The columns of a `columns` schema hint (empty for Arrow IPC hints).
    pub fn columns(&self) -> &[ColumnSchema] {
        match &self.schema {
            SchemaHint::Columns(columns) => columns,
            SchemaHint::ArrowIpc(_) => &[],
        }
    }

    /// Parse the host-serialised `ctx-json` payload.
    pub fn from_json(ctx_json: &str) -> Result<Self, ConnectorError> {
        let value = JsonValue::parse(ctx_json)?;
        let bad = |what: &str| ConnectorError::internal("BAD_STREAM_CONTEXT", format!("stream context: {what}"));
        let mut ctx = StreamContext::named(&value.str_field("stream_name").ok_or_else(|| bad("stream_name"))?);
        ctx.source_stream_name = value.str_field("source_stream_name");
        if let Some(schema) = value.get("schema") {
            ctx.schema = match schema.str_field("format").as_deref() {
                Some("columns") => SchemaHint::Columns(parse_columns(schema.get("data")).ok_or_else(|| bad("schema"))?),
                Some("arrow_ipc") => SchemaHint::ArrowIpc(
                    schema
                        .get("data")
                        .and_then(JsonValue::as_array)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|b| b.as_u64().map(|b| b as u8))
                        .collect(),
                ),
                _ => return Err(bad("schema.format")),
            };
        }
        ctx.sync_mode = match value.str_field("sync_mode").as_deref() {
            None | Some("full_refresh") => SyncMode::FullRefresh,
            Some("incremental") => SyncMode::Incremental,
            Some("cdc") => SyncMode::Cdc,
            Some(_) => return Err(bad("sync_mode")),
        };
        if let Some(cursor) = value.get("cursor_info") {
            ctx.cursor_info = Some(CursorInfo {
                cursor_field: cursor.str_field("cursor_field").ok_or_else(|| bad("cursor_field"))?,
                cursor_type: cursor.str_field("cursor_type").unwrap_or_else(|| "utf8".to_owned()),
                last_value: cursor.get("last_value").cloned(),
            });
        }
        if let Some(limits) = value.get("limits") {
            let d = StreamLimits::default();
            ctx.limits = StreamLimits {
                max_batch_bytes: limits.u64_field("max_batch_bytes").unwrap_or(d.max_batch_bytes),
                max_record_bytes: limits.u64_field("max_record_bytes").unwrap_or(d.max_record_bytes),
                max_inflight_batches: limits
                    .u64_field("max_inflight_batches")
                    .map_or(d.max_inflight_batches, |v| v as u32),
                max_parallel_requests: limits
                    .u64_field("max_parallel_requests")
                    .map_or(d.max_parallel_requests, |v| v as u32),
                checkpoint_interval_bytes: limits
                    .u64_field("checkpoint_interval_bytes")
                    .unwrap_or(d.checkpoint_interval_bytes),
                checkpoint_interval_rows: limits
                    .u64_field("checkpoint_interval_rows")
                    .unwrap_or(d.checkpoint_interval_rows),
                checkpoint_interval_seconds: limits
                    .u64_field("checkpoint_interval_seconds")
                    .unwrap_or(d.checkpoint_interval_seconds),
                max_records: limits.u64_field("max_records"),
            };
        }
        if let Some(policies) = value.get("policies") {
            ctx.policies.on_data_error = match policies.str_field("on_data_error").as_deref() {
                Some("skip") => DataErrorPolicy::Skip,
                Some("dlq") => DataErrorPolicy::Dlq,
                _ => DataErrorPolicy::Fail,
            };
            ctx.policies.schema_evolution = policies.get("schema_evolution").cloned();
        }
        if let Some(mode) = value.get("write_mode") {
            ctx.write_mode = match mode.str_field("mode").as_deref() {
                Some("append") => Some(WriteMode::Append),
                Some("replace") => Some(WriteMode::Replace),
                Some("upsert") => {
                    Some(WriteMode::Upsert { primary_key: mode.string_list("primary_key").unwrap_or_default() })
                }
                _ => return Err(bad("write_mode")),
            };
        }
        ctx.selected_columns = value.string_list("selected_columns");
        ctx.partition_count = value.u64_field("partition_count").map(|v| v as u32);
        ctx.partition_index = value.u64_field("partition_index").map(|v| v as u32);
        ctx.effective_parallelism = value.u64_field("effective_parallelism").map(|v| v as u32);
        ctx.partition_strategy = match value.str_field("partition_strategy").as_deref() {
            Some("mod") => Some(PartitionStrategy::Mod),
            Some("range") => Some(PartitionStrategy::Range),
            _ => None,
        };
        ctx.copy_flush_bytes_override = value.u64_field("copy_flush_bytes_override");
        Ok(ctx)
    }
}

pub(crate) fn parse_columns(data: Option<&JsonValue>) -> Option<Vec<ColumnSchema>> {
    data?
        .as_array()?
        .iter()
        .map(|col| {
            Some(ColumnSchema {
                name: col.str_field("name")?,
                data_type: col.str_field("data_type")?,
                nullable: col.get("nullable").and_then(JsonValue::as_bool).unwrap_or(true),
            })
        })
        .collect()
}

//! The per-stream context the host passes to `read` / `write` / `transform`.

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

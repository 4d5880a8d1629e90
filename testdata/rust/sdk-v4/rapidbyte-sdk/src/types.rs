//! Protocol types shared by every connector role.

use crate::json::JsonValue;

/// Protocol version a connector declares in [`OpenInfo`] (`rapidbyte:connector@4.0.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtocolVersion {
    #[default]
    V4,
}

impl ProtocolVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V4 => "4",
        }
    }
}

/// Optional capabilities a connector declares (`open-info.capabilities`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    Cdc,
    Stateful,
    ExactlyOnce,
    SchemaAutoMigrate,
    BulkLoadCopy,
}

impl Feature {
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Cdc => "cdc",
            Feature::Stateful => "stateful",
            Feature::ExactlyOnce => "exactly-once",
            Feature::SchemaAutoMigrate => "schema-auto-migrate",
            Feature::BulkLoadCopy => "bulk-load-copy",
        }
    }
}

/// What `open` tells the host about the connector. The `#[connector]`
/// attribute adds the connector id (the crate name) and the role.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenInfo {
    pub protocol_version: ProtocolVersion,
    pub capabilities: Vec<Feature>,
    pub default_limits: StreamLimits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationStatus {
    Success,
    Failed,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationReport {
    pub status: ValidationStatus,
    pub message: String,
    pub warnings: Vec<String>,
}

impl ValidationReport {
    pub fn success(message: impl Into<String>) -> Self {
        ValidationReport { status: ValidationStatus::Success, message: message.into(), warnings: Vec::new() }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        ValidationReport { status: ValidationStatus::Failed, message: message.into(), warnings: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadSummary {
    pub records_read: u64,
    pub bytes_read: u64,
    pub batches_emitted: u64,
    pub checkpoint_count: u64,
    pub records_skipped: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteSummary {
    pub records_written: u64,
    pub bytes_written: u64,
    pub batches_written: u64,
    pub checkpoint_count: u64,
    pub records_failed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransformSummary {
    pub records_in: u64,
    pub records_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub batches_processed: u64,
}

/// Per-stream resource limits chosen by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    pub max_batch_bytes: u64,
    pub max_record_bytes: u64,
    pub max_inflight_batches: u32,
    pub max_parallel_requests: u32,
    pub checkpoint_interval_bytes: u64,
    pub checkpoint_interval_rows: u64,
    pub checkpoint_interval_seconds: u64,
    pub max_records: Option<u64>,
}

impl StreamLimits {
    pub const DEFAULT_MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;
    pub const DEFAULT_MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
    pub const DEFAULT_CHECKPOINT_INTERVAL_BYTES: u64 = 64 * 1024 * 1024;
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            max_batch_bytes: Self::DEFAULT_MAX_BATCH_BYTES,
            max_record_bytes: Self::DEFAULT_MAX_RECORD_BYTES,
            max_inflight_batches: 16,
            max_parallel_requests: 1,
            checkpoint_interval_bytes: Self::DEFAULT_CHECKPOINT_INTERVAL_BYTES,
            checkpoint_interval_rows: 0,
            checkpoint_interval_seconds: 0,
            max_records: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointKind {
    Source,
    Destination,
    Transform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateScope {
    Pipeline,
    PerStream,
    ConnectorInstance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    Counter(u64),
    Gauge(f64),
    Histogram(f64),
}

impl MetricValue {
    /// The value carried by `metric-event` (the metric type is not sent).
    pub fn as_f64(self) -> f64 {
        match self {
            MetricValue::Counter(v) => v as f64,
            MetricValue::Gauge(v) | MetricValue::Histogram(v) => v,
        }
    }
}

/// A cursor position carried by a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorValue {
    Null,
    Int64(i64),
    Utf8(String),
    TimestampMicros(i64),
    Decimal(String),
    Json(JsonValue),
}

impl CursorValue {
    pub fn to_json(&self) -> JsonValue {
        match self {
            CursorValue::Null => JsonValue::Null,
            CursorValue::Int64(v) | CursorValue::TimestampMicros(v) => JsonValue::from(*v),
            CursorValue::Utf8(v) | CursorValue::Decimal(v) => JsonValue::from(v.as_str()),
            CursorValue::Json(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub id: u64,
    pub kind: CheckpointKind,
    pub stream: String,
    pub cursor_field: Option<String>,
    pub cursor_value: Option<CursorValue>,
    pub records_processed: u64,
    pub bytes_processed: u64,
}

impl Checkpoint {
    /// The JSON-encoded cursor of `checkpoint-event`: `{"field": .., "value": ..}`,
    /// or none without a cursor field.
    pub fn cursor_json(&self) -> Option<String> {
        let field = self.cursor_field.as_deref()?;
        let value = self.cursor_value.as_ref().map_or(JsonValue::Null, CursorValue::to_json);
        Some(JsonValue::object([("field", JsonValue::from(field)), ("value", value)]).to_string())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub value: MetricValue,
    pub labels: Vec<(String, String)>,
}

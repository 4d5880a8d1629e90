//! Protocol types shared by every connector role.

use crate::json::JsonValue;

/// Protocol version a connector declares in [`OpenInfo`].
///
/// The WIT package is `rapidbyte:connector@4.0.0`, but the Rust enum only ever
/// had `V2` (serialised `"2"`).
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

/// Optional capabilities a connector declares.
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
            Feature::ExactlyOnce => "exactly_once",
            Feature::SchemaAutoMigrate => "schema_auto_migrate",
            Feature::BulkLoadCopy => "bulk_load_copy",
        }
    }
}

/// What `open` tells the host about the connector.
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

impl CheckpointKind {
    /// The integer code of the v3 `checkpoint` host call.
    pub fn code(self) -> u32 {
        match self {
            CheckpointKind::Source => 0,
            CheckpointKind::Destination => 1,
            CheckpointKind::Transform => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointKind::Source => "source",
            CheckpointKind::Destination => "dest",
            CheckpointKind::Transform => "transform",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateScope {
    Pipeline,
    PerStream,
    ConnectorInstance,
}

impl StateScope {
    pub fn code(self) -> u32 {
        match self {
            StateScope::Pipeline => 0,
            StateScope::PerStream => 1,
            StateScope::ConnectorInstance => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn code(self) -> i32 {
        match self {
            LogLevel::Error => 0,
            LogLevel::Warn => 1,
            LogLevel::Info => 2,
            LogLevel::Debug => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    Counter(u64),
    Gauge(f64),
    Histogram(f64),
}

impl MetricValue {
    pub fn to_json(self) -> JsonValue {
        let (kind, value) = match self {
            MetricValue::Counter(v) => ("counter", v as f64),
            MetricValue::Gauge(v) => ("gauge", v),
            MetricValue::Histogram(v) => ("histogram", v),
        };
        JsonValue::object([("type", JsonValue::from(kind)), ("value", JsonValue::from(value))])
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
    pub fn to_json(&self) -> JsonValue {
        JsonValue::object([
            ("id", JsonValue::from(self.id)),
            ("kind", JsonValue::from(self.kind.as_str())),
            ("stream", JsonValue::from(self.stream.as_str())),
            ("cursor_field", JsonValue::from(self.cursor_field.clone())),
            ("cursor_value", self.cursor_value.as_ref().map_or(JsonValue::Null, CursorValue::to_json)),
            ("records_processed", JsonValue::from(self.records_processed)),
            ("bytes_processed", JsonValue::from(self.bytes_processed)),
        ])
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub value: MetricValue,
    pub labels: Vec<(String, String)>,
}

impl Metric {
    pub fn to_json(&self) -> JsonValue {
        let labels = self
            .labels
            .iter()
            .map(|(k, v)| JsonValue::Array(vec![JsonValue::from(k.as_str()), JsonValue::from(v.as_str())]))
            .collect();
        JsonValue::object([
            ("name", JsonValue::from(self.name.as_str())),
            ("value", self.value.to_json()),
            ("labels", JsonValue::Array(labels)),
        ])
    }
}

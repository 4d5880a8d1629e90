//! The connector-facing host API.

use crate::batch::RecordBatch;
use crate::error::{ConnectorError, ErrorCategory};
use crate::host_ffi::host_imports;
use crate::json::JsonValue;
use crate::types::{Checkpoint, LogLevel, Metric, ProtocolVersion, StateScope};

/// Handle to the host for one connector (and, after [`Context::with_stream`],
/// one stream). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    connector_id: String,
    stream_name: String,
}

impl Context {
    pub fn new(connector_id: &str, stream_name: &str) -> Self {
        Context { connector_id: connector_id.to_owned(), stream_name: stream_name.to_owned() }
    }

    /// The same connector, scoped to another stream.
    pub fn with_stream(&self, stream_name: &str) -> Context {
        Context::new(&self.connector_id, stream_name)
    }

    pub fn connector_id(&self) -> &str {
        &self.connector_id
    }

    pub fn stream_name(&self) -> &str {
        &self.stream_name
    }

    pub fn log(&self, level: LogLevel, message: &str) {
        host_imports().log(level.code(), message);
    }

    /// Encode `batch` into a sealed frame and hand it to the next stage.
    pub fn batch_emit(&self, batch: &RecordBatch) -> Result<(), ConnectorError> {
        let host = host_imports();
        let bytes = batch.to_frame_bytes();
        let handle = host.frame_new(bytes.len() as u64)?;
        let result = host
            .frame_write(handle, &bytes)
            .and_then(|_| host.frame_seal(handle))
            .and_then(|_| host.batch_emit(handle));
        if result.is_err() {
            host.frame_drop(handle);
        }
        result
    }

    /// The next batch from the previous stage, `None` at end of stream.
    pub fn batch_next(&self, max_bytes: u64) -> Result<Option<RecordBatch>, ConnectorError> {
        let host = host_imports();
        let Some(handle) = host.batch_next()? else {
            return Ok(None);
        };
        let len = host.frame_len(handle)?;
        if len > max_bytes {
            host.frame_drop(handle);
            return Err(ConnectorError::frame(
                "BATCH_TOO_LARGE",
                format!("frame of {len} bytes exceeds max_batch_bytes {max_bytes}"),
            ));
        }
        let bytes = host.frame_read(handle, 0, len)?;
        host.frame_drop(handle);
        RecordBatch::from_frame_bytes(&bytes).map(Some)
    }

    pub fn state_get(&self, scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
        host_imports().state_get(scope.code(), key)
    }

    pub fn state_put(&self, scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError> {
        host_imports().state_put(scope.code(), key, value)
    }

    pub fn telemetry_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), ConnectorError> {
        let payload = self.envelope(checkpoint.to_json());
        host_imports().telemetry_checkpoint(checkpoint.kind.code(), &payload.to_string())
    }

    pub fn telemetry_metric(&self, metric: &Metric) -> Result<(), ConnectorError> {
        let payload = self.envelope(metric.to_json());
        host_imports().telemetry_metric(&payload.to_string())
    }

    pub fn telemetry_dlq(
        &self,
        record_json: &str,
        error_message: &str,
        category: ErrorCategory,
    ) -> Result<(), ConnectorError> {
        host_imports().telemetry_dlq(&self.stream_name, record_json, error_message, category.as_str())
    }

    fn envelope(&self, payload: JsonValue) -> JsonValue {
        JsonValue::object([
            ("protocol_version", JsonValue::from(ProtocolVersion::V4.as_str())),
            ("connector_id", JsonValue::from(self.connector_id.as_str())),
            ("stream_name", JsonValue::from(self.stream_name.as_str())),
            ("payload", payload),
        ])
    }
}

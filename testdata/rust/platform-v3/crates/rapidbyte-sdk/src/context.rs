//! The connector's handle on the host during a call.

use rapidbyte_types::{Checkpoint, ConnectorError, Envelope, ErrorCategory, Metric, StateScope};

use crate::host_ffi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    /// The integer the host's `log` import takes.
    pub fn code(self) -> i32 {
        match self {
            LogLevel::Error => 0,
            LogLevel::Warn => 1,
            LogLevel::Info => 2,
            LogLevel::Debug => 3,
        }
    }
}

/// Who is running, and on which stream. Every trait method gets one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    connector_id: String,
    stream_name: String,
}

impl Context {
    pub fn new(connector_id: impl Into<String>, stream_name: impl Into<String>) -> Context {
        Context { connector_id: connector_id.into(), stream_name: stream_name.into() }
    }

    pub fn with_stream(&self, stream_name: &str) -> Context {
        Context::new(self.connector_id.clone(), stream_name)
    }

    pub fn connector_id(&self) -> &str {
        &self.connector_id
    }

    pub fn stream_name(&self) -> &str {
        &self.stream_name
    }

    pub fn log(&self, level: LogLevel, message: &str) {
        host_ffi::log(level.code(), message)
    }

    /// Hands an encoded batch to the next stage: copies it into a sealed host
    /// frame and calls [`host_ffi::emit_batch`].
    pub fn emit_batch(&self, batch: &[u8]) -> Result<(), ConnectorError> {
        let handle = host_ffi::frame_new(batch.len() as u64)?;
        host_ffi::frame_write(handle, batch)?;
        host_ffi::frame_seal(handle)?;
        host_ffi::emit_batch(handle)
    }

    /// The next batch from the previous stage, at most `max_bytes` of it, or
    /// `None` at the end of the stream (see [`host_ffi::next_batch`]).
    pub fn next_batch(&self, max_bytes: u64) -> Result<Option<Vec<u8>>, ConnectorError> {
        let Some(handle) = host_ffi::next_batch()? else {
            return Ok(None);
        };
        let len = host_ffi::frame_len(handle)?.min(max_bytes);
        let data = host_ffi::frame_read(handle, 0, len);
        host_ffi::frame_drop(handle);
        data.map(Some)
    }

    /// Records a checkpoint: sends it in an [`Envelope`] to `host_ffi::checkpoint`
    /// together with its kind's integer code.
    pub fn checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), ConnectorError> {
        let envelope = Envelope::new(&self.connector_id, &self.stream_name, checkpoint);
        let payload = serde_json::to_string(&envelope)
            .map_err(|e| ConnectorError::internal("CHECKPOINT_ENCODE", e.to_string()))?;
        host_ffi::checkpoint(checkpoint.kind.code(), &payload)
    }

    /// Records a metric, in an [`Envelope`] like [`Context::checkpoint`].
    pub fn metric(&self, metric: &Metric) -> Result<(), ConnectorError> {
        let envelope = Envelope::new(&self.connector_id, &self.stream_name, metric);
        let payload =
            serde_json::to_string(&envelope).map_err(|e| ConnectorError::internal("METRIC_ENCODE", e.to_string()))?;
        host_ffi::metric(&payload)
    }

    pub fn emit_dlq_record(
        &self,
        record_json: &str,
        error_message: &str,
        category: ErrorCategory,
    ) -> Result<(), ConnectorError> {
        host_ffi::emit_dlq_record(&self.stream_name, record_json, error_message, category.as_str())
    }

    pub fn state_get(&self, scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
        host_ffi::state_get(scope.code(), key)
    }

    pub fn state_put(&self, scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError> {
        host_ffi::state_put(scope.code(), key, value)
    }

    /// Stores `value` if the key still holds `expected`; whether it did.
    pub fn state_compare_and_set(
        &self,
        scope: StateScope,
        key: &str,
        expected: Option<&str>,
        value: &str,
    ) -> Result<bool, ConnectorError> {
        host_ffi::state_compare_and_set(scope.code(), key, expected, value)
    }
}

//! Per-stream resource limits, negotiated between the connector's defaults and
//! the pipeline's configuration.

use serde::{Deserialize, Serialize};

/// Default upper bound of one batch: 64 MiB.
pub const DEFAULT_MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;
/// Default upper bound of one record: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_inflight_batches: 16,
            max_parallel_requests: 1,
            checkpoint_interval_bytes: DEFAULT_MAX_BATCH_BYTES,
            checkpoint_interval_rows: 0,
            checkpoint_interval_seconds: 0,
            max_records: None,
        }
    }
}

impl StreamLimits {
    /// Whether a batch of `bytes` fits, given `max_batch_bytes`.
    pub fn batch_fits(&self, bytes: u64) -> bool {
        bytes <= self.max_batch_bytes
    }

    /// Whether a checkpoint is due after `rows` rows and `bytes` bytes.
    pub fn checkpoint_due(&self, rows: u64, bytes: u64) -> bool {
        (self.checkpoint_interval_rows > 0 && rows >= self.checkpoint_interval_rows)
            || (self.checkpoint_interval_bytes > 0 && bytes >= self.checkpoint_interval_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_take_the_defaults() {
        let limits: StreamLimits = serde_json::from_str(r#"{"max_batch_bytes": 1024}"#).unwrap();
        assert_eq!(limits.max_batch_bytes, 1024);
        assert_eq!(limits.max_record_bytes, DEFAULT_MAX_RECORD_BYTES);
        assert_eq!(limits.max_records, None);
    }

    #[test]
    fn round_trips() {
        let limits = StreamLimits { checkpoint_interval_rows: 500, max_records: Some(10), ..StreamLimits::default() };
        let json = serde_json::to_string(&limits).unwrap();
        assert_eq!(serde_json::from_str::<StreamLimits>(&json).unwrap(), limits);
        assert!(limits.checkpoint_due(500, 0));
        assert!(!limits.batch_fits(DEFAULT_MAX_BATCH_BYTES + 1));
    }
}

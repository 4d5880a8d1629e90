//! Guest bindings for `rapidbyte:connector@3.0.0`.
//!
//! Hand-written stand-in for the output of `wit_bindgen::generate!`: same
//! module paths and signatures. On `wasm32` the real bindings lower these
//! calls to component imports; this std-only copy has no component host, so
//! the import shims panic exactly like wit-bindgen's non-wasm stubs do.

pub mod rapidbyte {
    pub mod connector {
        pub mod types {
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum ValidationStatus {
                Success,
                Failed,
                Warning,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum ErrorCategory {
                Config,
                Auth,
                Permission,
                RateLimit,
                TransientNetwork,
                TransientDb,
                Data,
                Schema,
                Internal,
                Frame,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum ErrorScope {
                PerStream,
                PerBatch,
                PerRecord,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum BackoffClass {
                Fast,
                Normal,
                Slow,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum CommitState {
                BeforeCommit,
                AfterCommitUnknown,
                AfterCommitConfirmed,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct ConnectorError {
                pub category: ErrorCategory,
                pub scope: ErrorScope,
                pub code: String,
                pub message: String,
                pub retryable: bool,
                pub retry_after_ms: Option<u64>,
                pub backoff_class: BackoffClass,
                pub safe_to_retry: bool,
                pub commit_state: Option<CommitState>,
                pub details_json: Option<String>,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct StreamLimits {
                pub max_batch_bytes: u64,
                pub max_record_bytes: u64,
                pub max_inflight_batches: u32,
                pub max_parallel_requests: u32,
                pub checkpoint_interval_bytes: u64,
                pub checkpoint_interval_rows: u64,
                pub checkpoint_interval_seconds: u64,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct ReadSummary {
                pub records_read: u64,
                pub bytes_read: u64,
                pub batches_emitted: u64,
                pub checkpoint_count: u64,
                pub records_skipped: u64,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct WriteSummary {
                pub records_written: u64,
                pub bytes_written: u64,
                pub batches_written: u64,
                pub checkpoint_count: u64,
                pub records_failed: u64,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct TransformSummary {
                pub records_in: u64,
                pub records_out: u64,
                pub bytes_in: u64,
                pub bytes_out: u64,
                pub batches_processed: u64,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct ValidationResult {
                pub status: ValidationStatus,
                pub message: String,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub enum SocketReadResult {
                Data(Vec<u8>),
                Eof,
                WouldBlock,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum SocketWriteResult {
                Written(u64),
                WouldBlock,
            }
        }

        pub mod host {
            use super::types::{ConnectorError, SocketReadResult, SocketWriteResult};

            const WIT_INTERFACE: &str = "rapidbyte:connector/host@3.0.0";

            #[cold]
            fn unavailable(func: &str) -> ! {
                unreachable!("{WIT_INTERFACE}#{func} is only provided by a component host")
            }

            pub fn emit_batch(handle: u64) -> Result<(), ConnectorError> {
                let _ = handle;
                unavailable("emit-batch")
            }

            pub fn next_batch() -> Result<Option<u64>, ConnectorError> {
                unavailable("next-batch")
            }

            pub fn log(level: u32, msg: &str) {
                let _ = (level, msg);
                unavailable("log")
            }

            pub fn checkpoint(kind: u32, payload_json: &str) -> Result<(), ConnectorError> {
                let _ = (kind, payload_json);
                unavailable("checkpoint")
            }

            pub fn metric(payload_json: &str) -> Result<(), ConnectorError> {
                let _ = payload_json;
                unavailable("metric")
            }

            pub fn emit_dlq_record(
                stream_name: &str,
                record_json: &str,
                error_message: &str,
                error_category: &str,
            ) -> Result<(), ConnectorError> {
                let _ = (stream_name, record_json, error_message, error_category);
                unavailable("emit-dlq-record")
            }

            pub fn state_get(scope: u32, key: &str) -> Result<Option<String>, ConnectorError> {
                let _ = (scope, key);
                unavailable("state-get")
            }

            pub fn state_put(scope: u32, key: &str, val: &str) -> Result<(), ConnectorError> {
                let _ = (scope, key, val);
                unavailable("state-put")
            }

            pub fn state_cas(
                scope: u32,
                key: &str,
                expected: Option<&str>,
                new_val: &str,
            ) -> Result<bool, ConnectorError> {
                let _ = (scope, key, expected, new_val);
                unavailable("state-cas")
            }

            pub fn frame_new(capacity: u64) -> Result<u64, ConnectorError> {
                let _ = capacity;
                unavailable("frame-new")
            }

            pub fn frame_write(handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
                let _ = (handle, chunk);
                unavailable("frame-write")
            }

            pub fn frame_seal(handle: u64) -> Result<(), ConnectorError> {
                let _ = handle;
                unavailable("frame-seal")
            }

            pub fn frame_len(handle: u64) -> Result<u64, ConnectorError> {
                let _ = handle;
                unavailable("frame-len")
            }

            pub fn frame_read(handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
                let _ = (handle, offset, len);
                unavailable("frame-read")
            }

            pub fn frame_drop(handle: u64) {
                let _ = handle;
                unavailable("frame-drop")
            }

            pub fn connect_tcp(host: &str, port: u16) -> Result<u64, ConnectorError> {
                let _ = (host, port);
                unavailable("connect-tcp")
            }

            pub fn socket_read(handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError> {
                let _ = (handle, len);
                unavailable("socket-read")
            }

            pub fn socket_write(handle: u64, data: &[u8]) -> Result<SocketWriteResult, ConnectorError> {
                let _ = (handle, data);
                unavailable("socket-write")
            }

            pub fn socket_close(handle: u64) {
                let _ = handle;
                unavailable("socket-close")
            }
        }
    }
}

pub mod exports {
    pub mod rapidbyte {
        pub mod connector {
            pub mod source_connector {
                use crate::rapidbyte::connector::types::{ConnectorError, ReadSummary, ValidationResult};

                pub trait Guest {
                    fn open(config_json: String) -> Result<(), ConnectorError>;
                    fn discover() -> Result<String, ConnectorError>;
                    fn validate() -> Result<ValidationResult, ConnectorError>;
                    fn run_read(ctx_json: String) -> Result<ReadSummary, ConnectorError>;
                    fn close() -> Result<(), ConnectorError>;
                }
            }

            pub mod dest_connector {
                use crate::rapidbyte::connector::types::{ConnectorError, ValidationResult, WriteSummary};

                pub trait Guest {
                    fn open(config_json: String) -> Result<(), ConnectorError>;
                    fn validate() -> Result<ValidationResult, ConnectorError>;
                    fn run_write(ctx_json: String) -> Result<WriteSummary, ConnectorError>;
                    fn close() -> Result<(), ConnectorError>;
                }
            }

            pub mod transform_connector {
                use crate::rapidbyte::connector::types::{ConnectorError, TransformSummary, ValidationResult};

                pub trait Guest {
                    fn open(config_json: String) -> Result<(), ConnectorError>;
                    fn validate() -> Result<ValidationResult, ConnectorError>;
                    fn run_transform(ctx_json: String) -> Result<TransformSummary, ConnectorError>;
                    fn close() -> Result<(), ConnectorError>;
                }
            }
        }
    }
}

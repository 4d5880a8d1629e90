//! Guest bindings for `rapidbyte:connector@4.0.0`.
//!
//! Hand-written stand-in for the output of `wit_bindgen::generate!`: same
//! module paths and signatures. On `wasm32` the real bindings lower these
//! calls to component imports; this std-only copy has no component host, so
//! the import shims panic exactly like wit-bindgen's non-wasm stubs do.

pub mod rapidbyte {
    pub mod connector {
        pub mod core_types {
            pub type Session = u64;

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum ConnectorRole {
                Source,
                Destination,
                Transform,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum RunPhase {
                Discover,
                Read,
                Write,
                Transform,
            }

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

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum StateScope {
                Pipeline,
                PerStream,
                ConnectorInstance,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum LogLevel {
                Error,
                Warn,
                Info,
                Debug,
                Trace,
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
                pub details: Option<String>,
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

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct ValidationReport {
                pub status: ValidationStatus,
                pub message: String,
                pub warnings: Vec<String>,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct OpenInfo {
                pub connector_id: String,
                pub role: ConnectorRole,
                pub protocol_version: String,
                pub capabilities: Vec<String>,
                pub default_limits: StreamLimits,
            }
        }

        pub mod stream_types {
            pub use super::core_types::{ConnectorRole, RunPhase, StreamLimits};

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum SyncMode {
                FullRefresh,
                Incremental,
                Cdc,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum WriteMode {
                Append,
                Replace,
                Upsert,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum DataErrorPolicy {
                Skip,
                Fail,
                Dlq,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct Column {
                pub name: String,
                pub data_type: String,
                pub nullable: bool,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct CursorInfo {
                pub cursor_field: String,
                pub cursor_type: String,
                pub last_value: Option<String>,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct Partition {
                pub index: u32,
                pub count: u32,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct StreamContext {
                pub stream_name: String,
                pub source_stream_name: Option<String>,
                pub schema: Vec<Column>,
                pub sync_mode: SyncMode,
                pub cursor_info: Option<CursorInfo>,
                pub limits: StreamLimits,
                pub on_data_error: DataErrorPolicy,
                pub write_mode: Option<WriteMode>,
                pub primary_key: Vec<String>,
                pub selected_columns: Option<Vec<String>>,
                pub partition: Option<Partition>,
                pub extensions_json: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct RunRequest {
                pub stream: StreamContext,
                pub phase: RunPhase,
                pub dry_run: bool,
                pub max_records: Option<u64>,
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
            pub struct DiscoverSummary {
                pub catalog_json: String,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct RunSummary {
                pub role: ConnectorRole,
                pub read: Option<ReadSummary>,
                pub write: Option<WriteSummary>,
                pub transform: Option<TransformSummary>,
                pub discover: Option<DiscoverSummary>,
            }
        }

        pub mod telemetry {
            pub use super::core_types::ErrorCategory;

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum CheckpointKind {
                Source,
                Destination,
                Transform,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct CheckpointEvent {
                pub kind: CheckpointKind,
                pub stream: String,
                pub id: u64,
                /// JSON-encoded cursor: `{"field": .., "value": ..}`.
                pub cursor: Option<String>,
                pub records: u64,
                pub bytes: u64,
            }

            #[derive(Debug, Clone, PartialEq)]
            pub struct MetricEvent {
                pub name: String,
                pub value: f64,
                pub labels: Vec<(String, String)>,
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct DlqRecord {
                pub stream: String,
                pub record_json: String,
                pub error_message: String,
                pub error_category: ErrorCategory,
            }
        }

        pub mod host_io {
            use super::core_types::{ConnectorError, LogLevel, StateScope};
            use super::telemetry::{CheckpointEvent, DlqRecord, MetricEvent};

            const WIT_INTERFACE: &str = "rapidbyte:connector/host-io@4.0.0";

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub enum TcpReadResult {
                Data(Vec<u8>),
                Eof,
                WouldBlock,
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum TcpWriteResult {
                Written(u64),
                WouldBlock,
            }

            #[cold]
            fn unavailable(func: &str) -> ! {
                unreachable!("{WIT_INTERFACE}#{func} is only provided by a component host")
            }

            pub fn batch_emit(handle: u64) -> Result<(), ConnectorError> {
                let _ = handle;
                unavailable("batch-emit")
            }

            pub fn batch_next() -> Result<Option<u64>, ConnectorError> {
                unavailable("batch-next")
            }

            pub fn log(level: LogLevel, msg: &str) {
                let _ = (level, msg);
                unavailable("log")
            }

            pub fn telemetry_checkpoint(event: &CheckpointEvent) -> Result<(), ConnectorError> {
                let _ = event;
                unavailable("telemetry-checkpoint")
            }

            pub fn telemetry_metric(event: &MetricEvent) -> Result<(), ConnectorError> {
                let _ = event;
                unavailable("telemetry-metric")
            }

            pub fn telemetry_dlq(entry: &DlqRecord) -> Result<(), ConnectorError> {
                let _ = entry;
                unavailable("telemetry-dlq")
            }

            pub fn state_get(scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
                let _ = (scope, key);
                unavailable("state-get")
            }

            pub fn state_put(scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError> {
                let _ = (scope, key, value);
                unavailable("state-put")
            }

            pub fn state_cas(
                scope: StateScope,
                key: &str,
                expected: Option<&str>,
                new_value: &str,
            ) -> Result<bool, ConnectorError> {
                let _ = (scope, key, expected, new_value);
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

            pub fn tcp_connect(host: &str, port: u16) -> Result<u64, ConnectorError> {
                let _ = (host, port);
                unavailable("tcp-connect")
            }

            pub fn tcp_read(handle: u64, len: u64) -> Result<TcpReadResult, ConnectorError> {
                let _ = (handle, len);
                unavailable("tcp-read")
            }

            pub fn tcp_write(handle: u64, data: &[u8]) -> Result<TcpWriteResult, ConnectorError> {
                let _ = (handle, data);
                unavailable("tcp-write")
            }

            pub fn tcp_close(handle: u64) {
                let _ = handle;
                unavailable("tcp-close")
            }
        }
    }
}

pub mod exports {
    pub mod rapidbyte {
        pub mod connector {
            macro_rules! role_interface {
                ($role:ident) => {
                    pub mod $role {
                        use crate::rapidbyte::connector::core_types::{
                            ConnectorError, OpenInfo, Session, ValidationReport,
                        };
                        use crate::rapidbyte::connector::stream_types::{RunRequest, RunSummary};

                        pub trait Guest {
                            fn open(config_json: String) -> Result<(Session, OpenInfo), ConnectorError>;
                            fn validate(session: Session) -> Result<ValidationReport, ConnectorError>;
                            fn run(session: Session, request: RunRequest) -> Result<RunSummary, ConnectorError>;
                            fn close(session: Session) -> Result<(), ConnectorError>;
                        }
                    }
                };
            }

            role_interface!(source);
            role_interface!(destination);
            role_interface!(transform);
        }
    }
}

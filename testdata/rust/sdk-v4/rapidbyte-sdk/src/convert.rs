//! Conversions between the SDK's ergonomic types and the generated WIT records.

use crate::catalog::Catalog;
use crate::error::{BackoffClass, CommitState, ConnectorError, ErrorCategory, ErrorScope};
use crate::json::JsonValue;
use crate::rapidbyte::connector::{core_types, stream_types, telemetry};
use crate::run::{ConnectorRole, RunPhase, RunRequest, RunSummary};
use crate::stream::{
    ColumnSchema, CursorInfo, DataErrorPolicy, PartitionStrategy, SchemaHint, StreamContext, StreamPolicies, SyncMode,
    WriteMode,
};
use crate::types::{
    Checkpoint, CheckpointKind, LogLevel, Metric, OpenInfo, ReadSummary, StateScope, StreamLimits, TransformSummary,
    ValidationReport, ValidationStatus, WriteSummary,
};

impl From<ErrorCategory> for core_types::ErrorCategory {
    fn from(c: ErrorCategory) -> Self {
        match c {
            ErrorCategory::Config => core_types::ErrorCategory::Config,
            ErrorCategory::Auth => core_types::ErrorCategory::Auth,
            ErrorCategory::Permission => core_types::ErrorCategory::Permission,
            ErrorCategory::RateLimit => core_types::ErrorCategory::RateLimit,
            ErrorCategory::TransientNetwork => core_types::ErrorCategory::TransientNetwork,
            ErrorCategory::TransientDb => core_types::ErrorCategory::TransientDb,
            ErrorCategory::Data => core_types::ErrorCategory::Data,
            ErrorCategory::Schema => core_types::ErrorCategory::Schema,
            ErrorCategory::Internal => core_types::ErrorCategory::Internal,
            ErrorCategory::Frame => core_types::ErrorCategory::Frame,
        }
    }
}

impl From<core_types::ErrorCategory> for ErrorCategory {
    fn from(c: core_types::ErrorCategory) -> Self {
        match c {
            core_types::ErrorCategory::Config => ErrorCategory::Config,
            core_types::ErrorCategory::Auth => ErrorCategory::Auth,
            core_types::ErrorCategory::Permission => ErrorCategory::Permission,
            core_types::ErrorCategory::RateLimit => ErrorCategory::RateLimit,
            core_types::ErrorCategory::TransientNetwork => ErrorCategory::TransientNetwork,
            core_types::ErrorCategory::TransientDb => ErrorCategory::TransientDb,
            core_types::ErrorCategory::Data => ErrorCategory::Data,
            core_types::ErrorCategory::Schema => ErrorCategory::Schema,
            core_types::ErrorCategory::Internal => ErrorCategory::Internal,
            core_types::ErrorCategory::Frame => ErrorCategory::Frame,
        }
    }
}

impl From<core_types::ConnectorError> for ConnectorError {
    fn from(e: core_types::ConnectorError) -> Self {
        ConnectorError {
            category: e.category.into(),
            scope: match e.scope {
                core_types::ErrorScope::PerStream => ErrorScope::PerStream,
                core_types::ErrorScope::PerBatch => ErrorScope::PerBatch,
                core_types::ErrorScope::PerRecord => ErrorScope::PerRecord,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
            backoff_class: match e.backoff_class {
                core_types::BackoffClass::Fast => BackoffClass::Fast,
                core_types::BackoffClass::Normal => BackoffClass::Normal,
                core_types::BackoffClass::Slow => BackoffClass::Slow,
            },
            safe_to_retry: e.safe_to_retry,
            commit_state: e.commit_state.map(|s| match s {
                core_types::CommitState::BeforeCommit => CommitState::BeforeCommit,
                core_types::CommitState::AfterCommitUnknown => CommitState::AfterCommitUnknown,
                core_types::CommitState::AfterCommitConfirmed => CommitState::AfterCommitConfirmed,
            }),
            details: e.details,
        }
    }
}

impl From<ConnectorError> for core_types::ConnectorError {
    fn from(e: ConnectorError) -> Self {
        core_types::ConnectorError {
            category: e.category.into(),
            scope: match e.scope {
                ErrorScope::PerStream => core_types::ErrorScope::PerStream,
                ErrorScope::PerBatch => core_types::ErrorScope::PerBatch,
                ErrorScope::PerRecord => core_types::ErrorScope::PerRecord,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
            backoff_class: match e.backoff_class {
                BackoffClass::Fast => core_types::BackoffClass::Fast,
                BackoffClass::Normal => core_types::BackoffClass::Normal,
                BackoffClass::Slow => core_types::BackoffClass::Slow,
            },
            safe_to_retry: e.safe_to_retry,
            commit_state: e.commit_state.map(|s| match s {
                CommitState::BeforeCommit => core_types::CommitState::BeforeCommit,
                CommitState::AfterCommitUnknown => core_types::CommitState::AfterCommitUnknown,
                CommitState::AfterCommitConfirmed => core_types::CommitState::AfterCommitConfirmed,
            }),
            details: e.details,
        }
    }
}

impl From<LogLevel> for core_types::LogLevel {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Error => core_types::LogLevel::Error,
            LogLevel::Warn => core_types::LogLevel::Warn,
            LogLevel::Info => core_types::LogLevel::Info,
            LogLevel::Debug => core_types::LogLevel::Debug,
            LogLevel::Trace => core_types::LogLevel::Trace,
        }
    }
}

impl From<StateScope> for core_types::StateScope {
    fn from(scope: StateScope) -> Self {
        match scope {
            StateScope::Pipeline => core_types::StateScope::Pipeline,
            StateScope::PerStream => core_types::StateScope::PerStream,
            StateScope::ConnectorInstance => core_types::StateScope::ConnectorInstance,
        }
    }
}

impl From<ConnectorRole> for core_types::ConnectorRole {
    fn from(role: ConnectorRole) -> Self {
        match role {
            ConnectorRole::Source => core_types::ConnectorRole::Source,
            ConnectorRole::Destination => core_types::ConnectorRole::Destination,
            ConnectorRole::Transform => core_types::ConnectorRole::Transform,
        }
    }
}

impl From<core_types::RunPhase> for RunPhase {
    fn from(phase: core_types::RunPhase) -> Self {
        match phase {
            core_types::RunPhase::Discover => RunPhase::Discover,
            core_types::RunPhase::Read => RunPhase::Read,
            core_types::RunPhase::Write => RunPhase::Write,
            core_types::RunPhase::Transform => RunPhase::Transform,
        }
    }
}

impl From<StreamLimits> for core_types::StreamLimits {
    fn from(l: StreamLimits) -> Self {
        core_types::StreamLimits {
            max_batch_bytes: l.max_batch_bytes,
            max_record_bytes: l.max_record_bytes,
            max_inflight_batches: l.max_inflight_batches,
            max_parallel_requests: l.max_parallel_requests,
            checkpoint_interval_bytes: l.checkpoint_interval_bytes,
            checkpoint_interval_rows: l.checkpoint_interval_rows,
            checkpoint_interval_seconds: l.checkpoint_interval_seconds,
        }
    }
}

impl From<ValidationReport> for core_types::ValidationReport {
    fn from(v: ValidationReport) -> Self {
        core_types::ValidationReport {
            status: match v.status {
                ValidationStatus::Success => core_types::ValidationStatus::Success,
                ValidationStatus::Failed => core_types::ValidationStatus::Failed,
                ValidationStatus::Warning => core_types::ValidationStatus::Warning,
            },
            message: v.message,
            warnings: v.warnings,
        }
    }
}

/// The WIT `open-info`, completed with what the `#[connector]` attribute knows.
pub fn open_info(info: OpenInfo, connector_id: &str, role: ConnectorRole) -> core_types::OpenInfo {
    core_types::OpenInfo {
        connector_id: connector_id.to_owned(),
        role: role.into(),
        protocol_version: info.protocol_version.as_str().to_owned(),
        capabilities: info.capabilities.iter().map(|f| f.as_str().to_owned()).collect(),
        default_limits: info.default_limits.into(),
    }
}

impl From<ReadSummary> for stream_types::ReadSummary {
    fn from(s: ReadSummary) -> Self {
        stream_types::ReadSummary {
            records_read: s.records_read,
            bytes_read: s.bytes_read,
            batches_emitted: s.batches_emitted,
            checkpoint_count: s.checkpoint_count,
            records_skipped: s.records_skipped,
        }
    }
}

impl From<WriteSummary> for stream_types::WriteSummary {
    fn from(s: WriteSummary) -> Self {
        stream_types::WriteSummary {
            records_written: s.records_written,
            bytes_written: s.bytes_written,
            batches_written: s.batches_written,
            checkpoint_count: s.checkpoint_count,
            records_failed: s.records_failed,
        }
    }
}

impl From<TransformSummary> for stream_types::TransformSummary {
    fn from(s: TransformSummary) -> Self {
        stream_types::TransformSummary {
            records_in: s.records_in,
            records_out: s.records_out,
            bytes_in: s.bytes_in,
            bytes_out: s.bytes_out,
            batches_processed: s.batches_processed,
        }
    }
}

impl From<RunSummary> for stream_types::RunSummary {
    fn from(s: RunSummary) -> Self {
        stream_types::RunSummary {
            role: s.role.into(),
            read: s.read.map(Into::into),
            write: s.write.map(Into::into),
            transform: s.transform.map(Into::into),
            discover: s
                .discover
                .map(|c: Catalog| stream_types::DiscoverSummary { catalog_json: c.to_json().to_string() }),
        }
    }
}

/// The SDK stream context of a run request: the typed WIT record mapped back
/// onto the v3-shaped [`StreamContext`] connectors are written against.
impl TryFrom<stream_types::RunRequest> for RunRequest {
    type Error = ConnectorError;

    fn try_from(request: stream_types::RunRequest) -> Result<Self, ConnectorError> {
        let s = request.stream;
        let extensions = match s.extensions_json.as_deref() {
            Some(text) => JsonValue::parse(text)?,
            None => JsonValue::object(Vec::<(String, JsonValue)>::new()),
        };
        let cursor_info = s
            .cursor_info
            .map(|c| -> Result<CursorInfo, ConnectorError> {
                Ok(CursorInfo {
                    cursor_field: c.cursor_field,
                    cursor_type: c.cursor_type,
                    last_value: c.last_value.as_deref().map(JsonValue::parse).transpose()?,
                })
            })
            .transpose()?;
        let stream = StreamContext {
            stream_name: s.stream_name,
            source_stream_name: s.source_stream_name,
            schema: SchemaHint::Columns(
                s.schema
                    .into_iter()
                    .map(|c| ColumnSchema { name: c.name, data_type: c.data_type, nullable: c.nullable })
                    .collect(),
            ),
            sync_mode: match s.sync_mode {
                stream_types::SyncMode::FullRefresh => SyncMode::FullRefresh,
                stream_types::SyncMode::Incremental => SyncMode::Incremental,
                stream_types::SyncMode::Cdc => SyncMode::Cdc,
            },
            cursor_info,
            limits: StreamLimits {
                max_batch_bytes: s.limits.max_batch_bytes,
                max_record_bytes: s.limits.max_record_bytes,
                max_inflight_batches: s.limits.max_inflight_batches,
                max_parallel_requests: s.limits.max_parallel_requests,
                checkpoint_interval_bytes: s.limits.checkpoint_interval_bytes,
                checkpoint_interval_rows: s.limits.checkpoint_interval_rows,
                checkpoint_interval_seconds: s.limits.checkpoint_interval_seconds,
                max_records: request.max_records,
            },
            policies: StreamPolicies {
                on_data_error: match s.on_data_error {
                    stream_types::DataErrorPolicy::Skip => DataErrorPolicy::Skip,
                    stream_types::DataErrorPolicy::Fail => DataErrorPolicy::Fail,
                    stream_types::DataErrorPolicy::Dlq => DataErrorPolicy::Dlq,
                },
                schema_evolution: extensions.get("schema_evolution").cloned(),
            },
            write_mode: s.write_mode.map(|mode| match mode {
                stream_types::WriteMode::Append => WriteMode::Append,
                stream_types::WriteMode::Replace => WriteMode::Replace,
                stream_types::WriteMode::Upsert => WriteMode::Upsert { primary_key: s.primary_key.clone() },
            }),
            selected_columns: s.selected_columns,
            partition_count: s.partition.map(|p| p.count),
            partition_index: s.partition.map(|p| p.index),
            effective_parallelism: extensions.u64_field("effective_parallelism").map(|v| v as u32),
            partition_strategy: match extensions.str_field("partition_strategy").as_deref() {
                Some("mod") => Some(PartitionStrategy::Mod),
                Some("range") => Some(PartitionStrategy::Range),
                _ => None,
            },
            copy_flush_bytes_override: extensions.u64_field("copy_flush_bytes_override"),
        };
        Ok(RunRequest {
            phase: request.phase.into(),
            stream,
            dry_run: request.dry_run,
            max_records: request.max_records,
        })
    }
}

impl Checkpoint {
    pub(crate) fn to_event(&self) -> telemetry::CheckpointEvent {
        telemetry::CheckpointEvent {
            kind: match self.kind {
                CheckpointKind::Source => telemetry::CheckpointKind::Source,
                CheckpointKind::Destination => telemetry::CheckpointKind::Destination,
                CheckpointKind::Transform => telemetry::CheckpointKind::Transform,
            },
            stream: self.stream.clone(),
            id: self.id,
            cursor: self.cursor_json(),
            records: self.records_processed,
            bytes: self.bytes_processed,
        }
    }
}

impl Metric {
    pub(crate) fn to_event(&self) -> telemetry::MetricEvent {
        telemetry::MetricEvent { name: self.name.clone(), value: self.value.as_f64(), labels: self.labels.clone() }
    }
}

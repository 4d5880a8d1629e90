//! Conversions between the SDK's ergonomic types and the generated WIT records.

use crate::error::{BackoffClass, CommitState, ConnectorError, ErrorCategory, ErrorScope};
use crate::rapidbyte::connector::{core_types as wit, stream_types};
use crate::types::{ReadSummary, TransformSummary, ValidationReport, ValidationStatus, WriteSummary};

impl From<wit::ConnectorError> for ConnectorError {
    fn from(e: wit::ConnectorError) -> Self {
        ConnectorError {
            category: match e.category {
                wit::ErrorCategory::Config => ErrorCategory::Config,
                wit::ErrorCategory::Auth => ErrorCategory::Auth,
                wit::ErrorCategory::Permission => ErrorCategory::Permission,
                wit::ErrorCategory::RateLimit => ErrorCategory::RateLimit,
                wit::ErrorCategory::TransientNetwork => ErrorCategory::TransientNetwork,
                wit::ErrorCategory::TransientDb => ErrorCategory::TransientDb,
                wit::ErrorCategory::Data => ErrorCategory::Data,
                wit::ErrorCategory::Schema => ErrorCategory::Schema,
                wit::ErrorCategory::Internal => ErrorCategory::Internal,
                wit::ErrorCategory::Frame => ErrorCategory::Frame,
            },
            scope: match e.scope {
                wit::ErrorScope::PerStream => ErrorScope::PerStream,
                wit::ErrorScope::PerBatch => ErrorScope::PerBatch,
                wit::ErrorScope::PerRecord => ErrorScope::PerRecord,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
            backoff_class: match e.backoff_class {
                wit::BackoffClass::Fast => BackoffClass::Fast,
                wit::BackoffClass::Normal => BackoffClass::Normal,
                wit::BackoffClass::Slow => BackoffClass::Slow,
            },
            safe_to_retry: e.safe_to_retry,
            commit_state: e.commit_state.map(|s| match s {
                wit::CommitState::BeforeCommit => CommitState::BeforeCommit,
                wit::CommitState::AfterCommitUnknown => CommitState::AfterCommitUnknown,
                wit::CommitState::AfterCommitConfirmed => CommitState::AfterCommitConfirmed,
            }),
            details: e.details,
        }
    }
}

impl From<ConnectorError> for wit::ConnectorError {
    fn from(e: ConnectorError) -> Self {
        wit::ConnectorError {
            category: match e.category {
                ErrorCategory::Config => wit::ErrorCategory::Config,
                ErrorCategory::Auth => wit::ErrorCategory::Auth,
                ErrorCategory::Permission => wit::ErrorCategory::Permission,
                ErrorCategory::RateLimit => wit::ErrorCategory::RateLimit,
                ErrorCategory::TransientNetwork => wit::ErrorCategory::TransientNetwork,
                ErrorCategory::TransientDb => wit::ErrorCategory::TransientDb,
                ErrorCategory::Data => wit::ErrorCategory::Data,
                ErrorCategory::Schema => wit::ErrorCategory::Schema,
                ErrorCategory::Internal => wit::ErrorCategory::Internal,
                ErrorCategory::Frame => wit::ErrorCategory::Frame,
            },
            scope: match e.scope {
                ErrorScope::PerStream => wit::ErrorScope::PerStream,
                ErrorScope::PerBatch => wit::ErrorScope::PerBatch,
                ErrorScope::PerRecord => wit::ErrorScope::PerRecord,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
            backoff_class: match e.backoff_class {
                BackoffClass::Fast => wit::BackoffClass::Fast,
                BackoffClass::Normal => wit::BackoffClass::Normal,
                BackoffClass::Slow => wit::BackoffClass::Slow,
            },
            safe_to_retry: e.safe_to_retry,
            commit_state: e.commit_state.map(|s| match s {
                CommitState::BeforeCommit => wit::CommitState::BeforeCommit,
                CommitState::AfterCommitUnknown => wit::CommitState::AfterCommitUnknown,
                CommitState::AfterCommitConfirmed => wit::CommitState::AfterCommitConfirmed,
            }),
            details: e.details,
        }
    }
}

impl From<ValidationReport> for wit::ValidationReport {
    fn from(v: ValidationReport) -> Self {
        wit::ValidationReport {
            status: match v.status {
                ValidationStatus::Success => wit::ValidationStatus::Success,
                ValidationStatus::Failed => wit::ValidationStatus::Failed,
                ValidationStatus::Warning => wit::ValidationStatus::Warning,
            },
            message: v.message,
            warnings: v.warnings,
        }
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

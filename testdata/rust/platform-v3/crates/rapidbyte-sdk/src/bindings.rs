//! Guest bindings for `rapidbyte:connector@3.0.0`, generated from `wit/` by
//! wit-bindgen. [`host`] holds the `host` imports every connector calls
//! through [`crate::host_ffi`]; [`source`], [`destination`] and [`transform`]
//! add the exports (`exports::rapidbyte::connector::source_connector::Guest`,
//! ...) that `#[connector(..)]` implements, and their `export_*!` macros.

pub mod host {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "rapidbyte-host",
    });
}

pub mod source {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "rapidbyte-source",
        pub_export_macro: true,
        export_macro_name: "export_source",
        default_bindings_module: "rapidbyte_sdk::bindings::source",
    });
}

pub mod destination {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "rapidbyte-destination",
        pub_export_macro: true,
        export_macro_name: "export_destination",
        default_bindings_module: "rapidbyte_sdk::bindings::destination",
    });
}

pub mod transform {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "rapidbyte-transform",
        pub_export_macro: true,
        export_macro_name: "export_transform",
        default_bindings_module: "rapidbyte_sdk::bindings::transform",
    });
}

/// `ConnectorError` both ways between the SDK and one world's `types`.
macro_rules! error_conversions {
    ($world:ident) => {
        const _: () = {
            use rapidbyte_types::error::{BackoffClass, CommitState, ErrorCategory, ErrorScope};
            use rapidbyte_types::ConnectorError;

            use $world::rapidbyte::connector::types as wit;

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
                        commit_state: e.commit_state.map(|c| match c {
                            CommitState::BeforeCommit => wit::CommitState::BeforeCommit,
                            CommitState::AfterCommitUnknown => wit::CommitState::AfterCommitUnknown,
                            CommitState::AfterCommitConfirmed => wit::CommitState::AfterCommitConfirmed,
                        }),
                        details_json: e.details_json,
                    }
                }
            }

            impl From<wit::ConnectorError> for ConnectorError {
                fn from(e: wit::ConnectorError) -> Self {
                    let category = match e.category {
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
                    };
                    let mut err = ConnectorError::new(category, &e.code, e.message);
                    err.retryable = e.retryable;
                    err.retry_after_ms = e.retry_after_ms;
                    err.safe_to_retry = e.safe_to_retry;
                    err.details_json = e.details_json;
                    err
                }
            }
        };
    };
}

/// The records a role's exports return, from the SDK's types.
macro_rules! export_conversions {
    ($world:ident) => {
        const _: () = {
            use rapidbyte_types::stream::{ReadSummary, TransformSummary, WriteSummary};
            use rapidbyte_types::{ValidationResult, ValidationStatus};

            use $world::rapidbyte::connector::types as wit;

            impl From<ValidationResult> for wit::ValidationResult {
                fn from(result: ValidationResult) -> Self {
                    let status = match result.status {
                        ValidationStatus::Success => wit::ValidationStatus::Success,
                        ValidationStatus::Failed => wit::ValidationStatus::Failed,
                        ValidationStatus::Warning => wit::ValidationStatus::Warning,
                    };
                    wit::ValidationResult { status, message: result.message }
                }
            }

            impl From<ReadSummary> for wit::ReadSummary {
                fn from(s: ReadSummary) -> Self {
                    wit::ReadSummary {
                        records_read: s.records_read,
                        bytes_read: s.bytes_read,
                        batches_emitted: s.batches_emitted,
                        checkpoint_count: s.checkpoint_count,
                        records_skipped: s.records_skipped,
                    }
                }
            }

            impl From<WriteSummary> for wit::WriteSummary {
                fn from(s: WriteSummary) -> Self {
                    wit::WriteSummary {
                        records_written: s.records_written,
                        bytes_written: s.bytes_written,
                        batches_written: s.batches_written,
                        checkpoint_count: s.checkpoint_count,
                        records_failed: s.records_failed,
                    }
                }
            }

            impl From<TransformSummary> for wit::TransformSummary {
                fn from(s: TransformSummary) -> Self {
                    wit::TransformSummary {
                        records_in: s.records_in,
                        records_out: s.records_out,
                        bytes_in: s.bytes_in,
                        bytes_out: s.bytes_out,
                        batches_processed: s.batches_processed,
                    }
                }
            }
        };
    };
}

error_conversions!(host);
error_conversions!(source);
error_conversions!(destination);
error_conversions!(transform);
export_conversions!(source);
export_conversions!(destination);
export_conversions!(transform);

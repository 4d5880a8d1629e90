//! Guest bindings for `rapidbyte:connector@4.0.0`, generated from `wit/` by
//! wit-bindgen. [`host`] holds the `host-io` imports every connector calls
//! through [`crate::host_ffi`]; [`source`], [`destination`] and [`transform`]
//! add the exports (`exports::rapidbyte::connector::source::Guest`,
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

/// `ConnectorError` both ways between the SDK and one world's `core-types`.
macro_rules! error_conversions {
    ($world:ident) => {
        const _: () = {
            use rapidbyte_types::error::{BackoffClass, CommitState, ErrorCategory, ErrorScope};
            use rapidbyte_types::ConnectorError;

            use $world::rapidbyte::connector::core_types as wit;

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
                        details: e.details_json,
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
                    err.details_json = e.details;
                    err
                }
            }

            impl From<ErrorCategory> for wit::ErrorCategory {
                fn from(category: ErrorCategory) -> Self {
                    match category {
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
                    }
                }
            }
        };
    };
}

/// The records a role's exports take and return, to and from the SDK's types.
macro_rules! export_conversions {
    ($world:ident) => {
        const _: () = {
            use rapidbyte_types::limits::StreamLimits;
            use rapidbyte_types::stream::{
                ReadSummary, RunPhase, RunRequest, RunSummary, StreamContext, SyncMode, TransformSummary, WriteSummary,
            };
            use rapidbyte_types::{OpenInfo, ValidationReport, ValidationStatus};

            use $world::rapidbyte::connector::core_types as wit;
            use $world::rapidbyte::connector::stream_types;

            impl From<ValidationReport> for wit::ValidationReport {
                fn from(result: ValidationReport) -> Self {
                    let status = match result.status {
                        ValidationStatus::Success => wit::ValidationStatus::Success,
                        ValidationStatus::Failed => wit::ValidationStatus::Failed,
                        ValidationStatus::Warning => wit::ValidationStatus::Warning,
                    };
                    wit::ValidationReport { status, message: result.message, warnings: result.warnings }
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

            impl wit::OpenInfo {
                /// The WIT `open-info` of a connector with this id and role.
                pub fn from_sdk(info: &OpenInfo, connector_id: &str, role: wit::ConnectorRole) -> wit::OpenInfo {
                    let limits = info.default_limits;
                    wit::OpenInfo {
                        connector_id: connector_id.to_owned(),
                        role,
                        protocol_version: info.protocol_version.to_string(),
                        capabilities: info.capabilities.iter().map(ToString::to_string).collect(),
                        default_limits: wit::StreamLimits {
                            max_batch_bytes: limits.max_batch_bytes,
                            max_record_bytes: limits.max_record_bytes,
                            max_inflight_batches: limits.max_inflight_batches,
                            max_parallel_requests: limits.max_parallel_requests,
                            checkpoint_interval_bytes: limits.checkpoint_interval_bytes,
                            checkpoint_interval_rows: limits.checkpoint_interval_rows,
                            checkpoint_interval_seconds: limits.checkpoint_interval_seconds,
                        },
                    }
                }
            }

            impl From<stream_types::RunRequest> for RunRequest {
                fn from(request: stream_types::RunRequest) -> Self {
                    let stream = request.stream;
                    let limits = stream.limits;
                    RunRequest {
                        phase: match request.phase {
                            wit::RunPhase::Discover => RunPhase::Discover,
                            wit::RunPhase::Read => RunPhase::Read,
                            wit::RunPhase::Write => RunPhase::Write,
                            wit::RunPhase::Transform => RunPhase::Transform,
                        },
                        stream: StreamContext {
                            stream_name: stream.stream_name,
                            source_stream_name: stream.source_stream_name,
                            sync_mode: match stream.sync_mode {
                                stream_types::SyncMode::FullRefresh => SyncMode::FullRefresh,
                                stream_types::SyncMode::Incremental => SyncMode::Incremental,
                                stream_types::SyncMode::Cdc => SyncMode::Cdc,
                            },
                            cursor_field: stream.cursor_info.map(|cursor| cursor.cursor_field),
                            limits: StreamLimits {
                                max_batch_bytes: limits.max_batch_bytes,
                                max_record_bytes: limits.max_record_bytes,
                                max_inflight_batches: limits.max_inflight_batches,
                                max_parallel_requests: limits.max_parallel_requests,
                                checkpoint_interval_bytes: limits.checkpoint_interval_bytes,
                                checkpoint_interval_rows: limits.checkpoint_interval_rows,
                                checkpoint_interval_seconds: limits.checkpoint_interval_seconds,
                                max_records: request.max_records,
                            },
                            selected_columns: stream.selected_columns,
                        },
                        dry_run: request.dry_run,
                        max_records: request.max_records,
                    }
                }
            }

            impl From<RunSummary> for stream_types::RunSummary {
                fn from(summary: RunSummary) -> Self {
                    let role = if summary.write.is_some() {
                        wit::ConnectorRole::Destination
                    } else if summary.transform.is_some() {
                        wit::ConnectorRole::Transform
                    } else {
                        wit::ConnectorRole::Source
                    };
                    stream_types::RunSummary {
                        role,
                        read: summary.read.map(Into::into),
                        write: summary.write.map(Into::into),
                        transform: summary.transform.map(Into::into),
                        discover: summary.discover.map(|catalog| stream_types::DiscoverSummary {
                            catalog_json: serde_json::to_string(&catalog).expect("a catalog always serialises"),
                        }),
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

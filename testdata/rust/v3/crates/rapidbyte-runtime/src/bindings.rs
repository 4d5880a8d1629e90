//! Host bindings for `rapidbyte:connector@3.0.0`.
//!
//! Std-only stand-in for the output of
//! `wasmtime::component::bindgen!({ world: "rapidbyte-source", ... })` (and the
//! destination and transform worlds): same module paths, trait and method
//! names, built on [`crate::component`] instead of wasmtime.

pub mod rapidbyte {
    pub mod connector {
        pub mod types {
            use crate::component::{Error, Result, Val};

            macro_rules! wit_enum {
                ($name:ident { $($case:ident = $wit:literal),* $(,)? }) => {
                    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                    pub enum $name { $($case),* }

                    impl $name {
                        pub fn wit_name(self) -> &'static str {
                            match self { $($name::$case => $wit),* }
                        }

                        pub fn from_wit_name(name: &str) -> Result<Self> {
                            match name {
                                $($wit => Ok($name::$case),)*
                                other => Err(Error::new(format!(concat!("bad ", stringify!($name), " case {}"), other))),
                            }
                        }

                        pub fn lower(self) -> Val {
                            Val::Enum(self.wit_name().to_owned())
                        }

                        pub fn lift(val: &Val) -> Result<Self> {
                            match val {
                                Val::Enum(name) => Self::from_wit_name(name),
                                other => Err(Error::new(format!("expected an enum, got {other:?}"))),
                            }
                        }
                    }
                };
            }

            wit_enum!(ValidationStatus { Success = "success", Failed = "failed", Warning = "warning" });
            wit_enum!(ErrorCategory {
                Config = "config",
                Auth = "auth",
                Permission = "permission",
                RateLimit = "rate-limit",
                TransientNetwork = "transient-network",
                TransientDb = "transient-db",
                Data = "data",
                Schema = "schema",
                Internal = "internal",
                Frame = "frame",
            });
            wit_enum!(ErrorScope { PerStream = "per-stream", PerBatch = "per-batch", PerRecord = "per-record" });
            wit_enum!(BackoffClass { Fast = "fast", Normal = "normal", Slow = "slow" });
            wit_enum!(CommitState {
                BeforeCommit = "before-commit",
                AfterCommitUnknown = "after-commit-unknown",
                AfterCommitConfirmed = "after-commit-confirmed",
            });

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

            impl ConnectorError {
                pub fn lower(&self) -> Val {
                    Val::Record(vec![
                        ("category".into(), self.category.lower()),
                        ("scope".into(), self.scope.lower()),
                        ("code".into(), Val::String(self.code.clone())),
                        ("message".into(), Val::String(self.message.clone())),
                        ("retryable".into(), Val::Bool(self.retryable)),
                        ("retry-after-ms".into(), Val::Option(self.retry_after_ms.map(|v| Box::new(Val::U64(v))))),
                        ("backoff-class".into(), self.backoff_class.lower()),
                        ("safe-to-retry".into(), Val::Bool(self.safe_to_retry)),
                        ("commit-state".into(), Val::Option(self.commit_state.map(|c| Box::new(c.lower())))),
                        (
                            "details-json".into(),
                            Val::Option(self.details_json.clone().map(|d| Box::new(Val::String(d)))),
                        ),
                    ])
                }

                pub fn lift(val: &Val) -> Result<Self> {
                    let opt = |name: &str| match val.field(name)? {
                        Val::Option(inner) => Ok(inner.as_deref().cloned()),
                        other => Err(Error::new(format!("{name}: expected an option, got {other:?}"))),
                    };
                    Ok(ConnectorError {
                        category: ErrorCategory::lift(val.field("category")?)?,
                        scope: ErrorScope::lift(val.field("scope")?)?,
                        code: val.field("code")?.as_str()?.to_owned(),
                        message: val.field("message")?.as_str()?.to_owned(),
                        retryable: val.field("retryable")?.as_bool()?,
                        retry_after_ms: opt("retry-after-ms")?.map(|v| v.as_u64()).transpose()?,
                        backoff_class: BackoffClass::lift(val.field("backoff-class")?)?,
                        safe_to_retry: val.field("safe-to-retry")?.as_bool()?,
                        commit_state: opt("commit-state")?.map(|v| CommitState::lift(&v)).transpose()?,
                        details_json: opt("details-json")?.map(|v| v.as_str().map(str::to_owned)).transpose()?,
                    })
                }
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

            impl ReadSummary {
                pub fn lift(val: &Val) -> Result<Self> {
                    Ok(ReadSummary {
                        records_read: val.field("records-read")?.as_u64()?,
                        bytes_read: val.field("bytes-read")?.as_u64()?,
                        batches_emitted: val.field("batches-emitted")?.as_u64()?,
                        checkpoint_count: val.field("checkpoint-count")?.as_u64()?,
                        records_skipped: val.field("records-skipped")?.as_u64()?,
                    })
                }
            }

            impl WriteSummary {
                pub fn lift(val: &Val) -> Result<Self> {
                    Ok(WriteSummary {
                        records_written: val.field("records-written")?.as_u64()?,
                        bytes_written: val.field("bytes-written")?.as_u64()?,
                        batches_written: val.field("batches-written")?.as_u64()?,
                        checkpoint_count: val.field("checkpoint-count")?.as_u64()?,
                        records_failed: val.field("records-failed")?.as_u64()?,
                    })
                }
            }

            impl TransformSummary {
                pub fn lift(val: &Val) -> Result<Self> {
                    Ok(TransformSummary {
                        records_in: val.field("records-in")?.as_u64()?,
                        records_out: val.field("records-out")?.as_u64()?,
                        bytes_in: val.field("bytes-in")?.as_u64()?,
                        bytes_out: val.field("bytes-out")?.as_u64()?,
                        batches_processed: val.field("batches-processed")?.as_u64()?,
                    })
                }
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct ValidationResult {
                pub status: ValidationStatus,
                pub message: String,
            }

            impl ValidationResult {
                pub fn lift(val: &Val) -> Result<Self> {
                    Ok(ValidationResult {
                        status: ValidationStatus::lift(val.field("status")?)?,
                        message: val.field("message")?.as_str()?.to_owned(),
                    })
                }
            }

            #[derive(Debug, Clone, PartialEq, Eq)]
            pub enum SocketReadResult {
                Data(Vec<u8>),
                Eof,
                WouldBlock,
            }

            impl SocketReadResult {
                pub fn lower(&self) -> Val {
                    match self {
                        SocketReadResult::Data(bytes) => Val::Variant(
                            "data".into(),
                            Some(Box::new(Val::List(bytes.iter().map(|b| Val::U32(u32::from(*b))).collect()))),
                        ),
                        SocketReadResult::Eof => Val::Variant("eof".into(), None),
                        SocketReadResult::WouldBlock => Val::Variant("would-block".into(), None),
                    }
                }
            }

            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum SocketWriteResult {
                Written(u64),
                WouldBlock,
            }

            impl SocketWriteResult {
                pub fn lower(&self) -> Val {
                    match self {
                        SocketWriteResult::Written(n) => Val::Variant("written".into(), Some(Box::new(Val::U64(*n)))),
                        SocketWriteResult::WouldBlock => Val::Variant("would-block".into(), None),
                    }
                }
            }
        }

        pub mod host {
            use super::types::{ConnectorError, SocketReadResult, SocketWriteResult};

            /// Implemented by the embedder: one method per function of `interface host`.
            pub trait Host {
                fn emit_batch(&mut self, handle: u64) -> Result<(), ConnectorError>;
                fn next_batch(&mut self) -> Result<Option<u64>, ConnectorError>;
                fn log(&mut self, level: u32, msg: String);
                fn checkpoint(&mut self, kind: u32, payload_json: String) -> Result<(), ConnectorError>;
                fn metric(&mut self, payload_json: String) -> Result<(), ConnectorError>;
                fn emit_dlq_record(
                    &mut self,
                    stream_name: String,
                    record_json: String,
                    error_message: String,
                    error_category: String,
                ) -> Result<(), ConnectorError>;
                fn state_get(&mut self, scope: u32, key: String) -> Result<Option<String>, ConnectorError>;
                fn state_put(&mut self, scope: u32, key: String, val: String) -> Result<(), ConnectorError>;
                fn state_cas(
                    &mut self,
                    scope: u32,
                    key: String,
                    expected: Option<String>,
                    new_val: String,
                ) -> Result<bool, ConnectorError>;
                fn frame_new(&mut self, capacity: u64) -> Result<u64, ConnectorError>;
                fn frame_write(&mut self, handle: u64, chunk: Vec<u8>) -> Result<u64, ConnectorError>;
                fn frame_seal(&mut self, handle: u64) -> Result<(), ConnectorError>;
                fn frame_len(&mut self, handle: u64) -> Result<u64, ConnectorError>;
                fn frame_read(&mut self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError>;
                fn frame_drop(&mut self, handle: u64);
                fn connect_tcp(&mut self, host: String, port: u16) -> Result<u64, ConnectorError>;
                fn socket_read(&mut self, handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError>;
                fn socket_write(&mut self, handle: u64, data: Vec<u8>) -> Result<SocketWriteResult, ConnectorError>;
                fn socket_close(&mut self, handle: u64);
            }
        }
    }
}

pub mod exports {
    pub mod rapidbyte {
        pub mod connector {
            use crate::bindings::rapidbyte::connector::types::ConnectorError;
            use crate::component::{Error, Result, Store, Val};

            /// Split a `result<T, connector-error>` value.
            pub(crate) fn lift_result<R>(
                val: Val,
                ok: impl FnOnce(Option<&Val>) -> Result<R>,
            ) -> Result<std::result::Result<R, ConnectorError>> {
                match val {
                    Val::Result(Ok(inner)) => ok(inner.as_deref()).map(Ok),
                    Val::Result(Err(Some(err))) => ConnectorError::lift(&err).map(Err),
                    other => Err(Error::new(format!("expected a result, got {other:?}"))),
                }
            }

            pub(crate) fn unit(val: Option<&Val>) -> Result<()> {
                match val {
                    None => Ok(()),
                    Some(other) => Err(Error::new(format!("expected no payload, got {other:?}"))),
                }
            }

            pub(crate) fn payload(val: Option<&Val>) -> Result<&Val> {
                val.ok_or_else(|| Error::new("expected a payload"))
            }

            pub(crate) fn call<T>(store: &mut Store<T>, interface: &str, func: &str, args: &[Val]) -> Result<Val> {
                store.call(interface, func, args)
            }

            pub mod source_connector {
                use super::{call, lift_result, payload, unit};
                use crate::bindings::rapidbyte::connector::types::{ConnectorError, ReadSummary, ValidationResult};
                use crate::component::{Result, Store, Val};

                pub struct Guest {
                    pub(crate) interface: &'static str,
                }

                impl Guest {
                    pub fn call_open<T>(
                        &self,
                        store: &mut Store<T>,
                        config_json: &str,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "open", &[Val::String(config_json.into())])?, unit)
                    }

                    pub fn call_discover<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<String, ConnectorError>> {
                        lift_result(call(store, self.interface, "discover", &[])?, |v| {
                            Ok(payload(v)?.as_str()?.to_owned())
                        })
                    }

                    pub fn call_validate<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<ValidationResult, ConnectorError>> {
                        lift_result(call(store, self.interface, "validate", &[])?, |v| {
                            ValidationResult::lift(payload(v)?)
                        })
                    }

                    pub fn call_run_read<T>(
                        &self,
                        store: &mut Store<T>,
                        ctx_json: &str,
                    ) -> Result<std::result::Result<ReadSummary, ConnectorError>> {
                        let val = call(store, self.interface, "run-read", &[Val::String(ctx_json.into())])?;
                        lift_result(val, |v| ReadSummary::lift(payload(v)?))
                    }

                    pub fn call_close<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "close", &[])?, unit)
                    }
                }
            }

            pub mod dest_connector {
                use super::{call, lift_result, payload, unit};
                use crate::bindings::rapidbyte::connector::types::{ConnectorError, ValidationResult, WriteSummary};
                use crate::component::{Result, Store, Val};

                pub struct Guest {
                    pub(crate) interface: &'static str,
                }

                impl Guest {
                    pub fn call_open<T>(
                        &self,
                        store: &mut Store<T>,
                        config_json: &str,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "open", &[Val::String(config_json.into())])?, unit)
                    }

                    pub fn call_validate<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<ValidationResult, ConnectorError>> {
                        lift_result(call(store, self.interface, "validate", &[])?, |v| {
                            ValidationResult::lift(payload(v)?)
                        })
                    }

                    pub fn call_run_write<T>(
                        &self,
                        store: &mut Store<T>,
                        ctx_json: &str,
                    ) -> Result<std::result::Result<WriteSummary, ConnectorError>> {
                        let val = call(store, self.interface, "run-write", &[Val::String(ctx_json.into())])?;
                        lift_result(val, |v| WriteSummary::lift(payload(v)?))
                    }

                    pub fn call_close<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "close", &[])?, unit)
                    }
                }
            }

            pub mod transform_connector {
                use super::{call, lift_result, payload, unit};
                use crate::bindings::rapidbyte::connector::types::{
                    ConnectorError, TransformSummary, ValidationResult,
                };
                use crate::component::{Result, Store, Val};

                pub struct Guest {
                    pub(crate) interface: &'static str,
                }

                impl Guest {
                    pub fn call_open<T>(
                        &self,
                        store: &mut Store<T>,
                        config_json: &str,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "open", &[Val::String(config_json.into())])?, unit)
                    }

                    pub fn call_validate<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<ValidationResult, ConnectorError>> {
                        lift_result(call(store, self.interface, "validate", &[])?, |v| {
                            ValidationResult::lift(payload(v)?)
                        })
                    }

                    pub fn call_run_transform<T>(
                        &self,
                        store: &mut Store<T>,
                        ctx_json: &str,
                    ) -> Result<std::result::Result<TransformSummary, ConnectorError>> {
                        let val = call(store, self.interface, "run-transform", &[Val::String(ctx_json.into())])?;
                        lift_result(val, |v| TransformSummary::lift(payload(v)?))
                    }

                    pub fn call_close<T>(
                        &self,
                        store: &mut Store<T>,
                    ) -> Result<std::result::Result<(), ConnectorError>> {
                        lift_result(call(store, self.interface, "close", &[])?, unit)
                    }
                }
            }
        }
    }
}

/// `world rapidbyte-source`.
pub struct RapidbyteSource {
    interface0: exports::rapidbyte::connector::source_connector::Guest,
}

impl Default for RapidbyteSource {
    fn default() -> Self {
        RapidbyteSource {
            interface0: exports::rapidbyte::connector::source_connector::Guest {
                interface: "rapidbyte:connector/source-connector@3.0.0",
            },
        }
    }
}

impl RapidbyteSource {
    pub fn rapidbyte_connector_source_connector(&self) -> &exports::rapidbyte::connector::source_connector::Guest {
        &self.interface0
    }
}

/// `world rapidbyte-destination`.
pub struct RapidbyteDestination {
    interface0: exports::rapidbyte::connector::dest_connector::Guest,
}

impl Default for RapidbyteDestination {
    fn default() -> Self {
        RapidbyteDestination {
            interface0: exports::rapidbyte::connector::dest_connector::Guest {
                interface: "rapidbyte:connector/dest-connector@3.0.0",
            },
        }
    }
}

impl RapidbyteDestination {
    pub fn rapidbyte_connector_dest_connector(&self) -> &exports::rapidbyte::connector::dest_connector::Guest {
        &self.interface0
    }
}

/// `world rapidbyte-transform`.
pub struct RapidbyteTransform {
    interface0: exports::rapidbyte::connector::transform_connector::Guest,
}

impl Default for RapidbyteTransform {
    fn default() -> Self {
        RapidbyteTransform {
            interface0: exports::rapidbyte::connector::transform_connector::Guest {
                interface: "rapidbyte:connector/transform-connector@3.0.0",
            },
        }
    }
}

impl RapidbyteTransform {
    pub fn rapidbyte_connector_transform_connector(
        &self,
    ) -> &exports::rapidbyte::connector::transform_connector::Guest {
        &self.interface0
    }
}

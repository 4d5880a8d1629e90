//! Rapidbyte connector SDK, protocol v3 (`rapidbyte:connector@4.0.0`).
//!
//! A connector is a crate built for `wasm32-wasip2` that implements one of
//! [`Source`], [`Destination`] or [`Transform`] and marks its type with
//! `#[rapidbyte_sdk::connector(source)]` (or `destination`, `transform`).

mod bindings;
mod convert;

pub mod batch;
pub mod catalog;
pub mod config;
pub mod connector;
pub mod context;
pub mod error;
pub mod host_ffi;
pub mod host_tcp;
pub mod json;
pub mod manifest;
pub mod prelude;
pub mod scaffold;
pub mod stream;
pub mod types;

#[doc(hidden)]
pub mod guest;

pub use bindings::{exports, rapidbyte};

pub use batch::RecordBatch;
pub use catalog::{Catalog, Stream};
pub use config::ConnectorConfig;
pub use connector::{Destination, Source, Transform};
pub use context::Context;
pub use error::{BackoffClass, CommitState, ConnectorError, ErrorCategory, ErrorScope};
pub use stream::{
    ColumnSchema, CursorInfo, DataErrorPolicy, PartitionStrategy, SchemaHint, StreamContext, StreamPolicies, SyncMode,
    WriteMode,
};
pub use types::{
    Checkpoint, CheckpointKind, CursorValue, Feature, LogLevel, Metric, MetricValue, OpenInfo, ProtocolVersion,
    ReadSummary, StateScope, StreamLimits, TransformSummary, ValidationReport, ValidationStatus, WriteSummary,
};

/// `#[connector(source | destination | transform)]`: exports the marked type
/// as the component's connector. (The attribute shares its name with the
/// [`connector`](mod@connector) module; they live in different namespaces.)
pub use rapidbyte_sdk_macros::connector;

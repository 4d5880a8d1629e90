//! `use rapidbyte_sdk::prelude::*;` brings in what a connector usually needs.

pub use crate::batch::RecordBatch;
pub use crate::catalog::{Catalog, Stream};
pub use crate::config::ConnectorConfig;
pub use crate::connector;
pub use crate::connector::{Destination, Source, Transform};
pub use crate::context::Context;
pub use crate::error::{ConnectorError, ErrorCategory};
pub use crate::json::JsonValue;
pub use crate::run::{RunPhase, RunRequest, RunSummary};
pub use crate::stream::{ColumnSchema, DataErrorPolicy, StreamContext, SyncMode, WriteMode};
pub use crate::types::{
    Checkpoint, CheckpointKind, CursorValue, Feature, LogLevel, Metric, MetricValue, OpenInfo, ProtocolVersion,
    ReadSummary, StateScope, StreamLimits, TransformSummary, ValidationReport, ValidationStatus, WriteSummary,
};

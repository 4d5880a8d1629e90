//! `use rapidbyte_sdk::prelude::*;` brings in what a connector needs.

pub use crate::connector::{Destination, Source, Transform};
pub use crate::context::{Context, LogLevel};
pub use crate::host_tcp::TcpStream;
pub use rapidbyte_types::limits::{StreamLimits, DEFAULT_MAX_BATCH_BYTES};
pub use rapidbyte_types::stream::{
    Catalog, ColumnSchema, ReadSummary, RunPhase, RunRequest, RunSummary, StreamContext, StreamSchema, SyncMode,
    TransformSummary, WriteSummary,
};
pub use rapidbyte_types::{
    Checkpoint, CheckpointKind, ConnectorError, CursorValue, ErrorCategory, Feature, Metric, MetricValue, OpenInfo,
    ProtocolVersion, StateScope, ValidationReport, ValidationStatus,
};

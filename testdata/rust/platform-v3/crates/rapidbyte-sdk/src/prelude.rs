//! `use rapidbyte_sdk::prelude::*;` brings in what a connector needs.

pub use crate::connector::{Destination, Source, Transform};
pub use crate::context::{Context, LogLevel};
pub use crate::host_tcp::HostTcpStream;
pub use rapidbyte_types::limits::{StreamLimits, DEFAULT_MAX_BATCH_BYTES};
pub use rapidbyte_types::stream::{
    Catalog, ColumnSchema, ReadSummary, StreamContext, StreamSchema, SyncMode, TransformSummary, WriteSummary,
};
pub use rapidbyte_types::{
    Checkpoint, CheckpointKind, ConnectorError, ConnectorInfo, CursorValue, ErrorCategory, Feature, Metric,
    MetricValue, ProtocolVersion, StateScope, ValidationResult, ValidationStatus,
};

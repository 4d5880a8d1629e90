//! Protocol types shared by the Rapidbyte host, the engine and the connector SDK.
//!
//! Everything here is serialised with serde: the engine journals checkpoints
//! ([`Checkpoint`], wrapped in an [`Envelope`]) and state keyed by [`StateScope`];
//! connectors describe themselves with [`OpenInfo`] (naming
//! [`ProtocolVersion::V4`]) and answer `validate` with [`ValidationReport`]s.
//! Stream limits live in [`limits`] (`limits::StreamLimits`).

pub mod checkpoint;
pub mod envelope;
pub mod error;
pub mod limits;
pub mod metric;
pub mod protocol;
pub mod socket;
pub mod state;
pub mod stream;
pub mod validation;

pub use checkpoint::{Checkpoint, CheckpointKind, CursorValue};
pub use envelope::Envelope;
pub use error::{BackoffClass, CommitState, ConnectorError, ErrorCategory, ErrorScope};
pub use metric::{Metric, MetricValue};
pub use protocol::{Feature, OpenInfo, ProtocolVersion};
pub use socket::{TcpReadResult, TcpWriteResult};
pub use state::StateScope;
pub use stream::{
    Catalog, ReadSummary, RunPhase, RunRequest, RunSummary, StreamContext, SyncMode, TransformSummary, WriteSummary,
};
pub use validation::{ValidationReport, ValidationStatus};

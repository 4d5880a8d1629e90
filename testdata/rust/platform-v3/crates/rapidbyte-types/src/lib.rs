//! Protocol types shared by the Rapidbyte host, the engine and the connector SDK.
//!
//! Everything here is serialised with serde: the engine journals checkpoints
//! ([`Checkpoint`], wrapped in an [`Envelope`]) and state keyed by [`StateScope`];
//! connectors describe themselves with [`ConnectorInfo`] (naming
//! [`ProtocolVersion::V2`]) and answer `validate` with [`ValidationResult`]s.
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
pub use protocol::{ConnectorInfo, Feature, ProtocolVersion};
pub use socket::{SocketReadResult, SocketWriteResult};
pub use state::StateScope;
pub use stream::{Catalog, ReadSummary, StreamContext, SyncMode, TransformSummary, WriteSummary};
pub use validation::{ValidationResult, ValidationStatus};

//! The `run` request and summary shared by every role.

use crate::catalog::Catalog;
use crate::stream::StreamContext;
use crate::types::{ReadSummary, TransformSummary, WriteSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorRole {
    Source,
    Destination,
    Transform,
}

impl ConnectorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorRole::Source => "source",
            ConnectorRole::Destination => "destination",
            ConnectorRole::Transform => "transform",
        }
    }
}

/// What a `run` call asks for. Sources serve `Discover` and `Read`,
/// destinations `Write`, transforms `Transform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    Discover,
    Read,
    Write,
    Transform,
}

impl RunPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            RunPhase::Discover => "discover",
            RunPhase::Read => "read",
            RunPhase::Write => "write",
            RunPhase::Transform => "transform",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    pub phase: RunPhase,
    pub stream: StreamContext,
    pub dry_run: bool,
    pub max_records: Option<u64>,
}

/// The result of `run`: exactly the field of the phase that ran is set.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub role: ConnectorRole,
    pub read: Option<ReadSummary>,
    pub write: Option<WriteSummary>,
    pub transform: Option<TransformSummary>,
    pub discover: Option<Catalog>,
}

impl RunSummary {
    fn empty(role: ConnectorRole) -> Self {
        RunSummary { role, read: None, write: None, transform: None, discover: None }
    }

    pub fn read(summary: ReadSummary) -> Self {
        RunSummary { read: Some(summary), ..Self::empty(ConnectorRole::Source) }
    }

    pub fn write(summary: WriteSummary) -> Self {
        RunSummary { write: Some(summary), ..Self::empty(ConnectorRole::Destination) }
    }

    pub fn transform(summary: TransformSummary) -> Self {
        RunSummary { transform: Some(summary), ..Self::empty(ConnectorRole::Transform) }
    }

    pub fn discover(catalog: Catalog) -> Self {
        RunSummary { discover: Some(catalog), ..Self::empty(ConnectorRole::Source) }
    }
}

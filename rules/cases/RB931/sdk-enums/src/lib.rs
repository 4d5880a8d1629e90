use serde::{Deserialize, Serialize};

/// Where connector state lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateScope {
    Pipeline,
    /// One value per stream.
    Stream,
    ConnectorInstance,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum ProtocolVersion {
    #[serde(rename = "2")]
    V2,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum CheckpointKind {
    Source,
    Dest,
    Transform,
}

/// Not serialised: renamed, no alias.
#[derive(Debug, Clone, Copy)]
pub enum Other {
    Stream,
}

use rapidbyte_types::{ConnectorError, ValidationReport};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A guest call returned a `connector-error`.
    #[error("{step} failed: {source}")]
    Connector { step: &'static str, source: ConnectorError },
    /// `validate` answered `failed`.
    #[error("validation failed: {0}")]
    Invalid(ValidationReport),
    /// The guest trapped, or returned something malformed.
    #[error("guest trapped: {0}")]
    Trap(#[from] wasmtime::Error),
    #[error("bad JSON from the guest: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Load(#[from] anyhow::Error),
}

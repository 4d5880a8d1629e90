//! The error every fallible protocol call returns.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    Config,
    Auth,
    Permission,
    RateLimit,
    TransientNetwork,
    TransientDb,
    Data,
    Schema,
    Internal,
    Frame,
}

impl ErrorCategory {
    /// The snake_case name, as DLQ records carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCategory::Config => "config",
            ErrorCategory::Auth => "auth",
            ErrorCategory::Permission => "permission",
            ErrorCategory::RateLimit => "rate_limit",
            ErrorCategory::TransientNetwork => "transient_network",
            ErrorCategory::TransientDb => "transient_db",
            ErrorCategory::Data => "data",
            ErrorCategory::Schema => "schema",
            ErrorCategory::Internal => "internal",
            ErrorCategory::Frame => "frame",
        }
    }

    pub fn is_transient(self) -> bool {
        matches!(self, ErrorCategory::RateLimit | ErrorCategory::TransientNetwork | ErrorCategory::TransientDb)
    }
}

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorScope {
    PerStream,
    PerBatch,
    PerRecord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackoffClass {
    Fast,
    Normal,
    Slow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitState {
    BeforeCommit,
    AfterCommitUnknown,
    AfterCommitConfirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{category} error {code}: {message}")]
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
    /// Extra structured context, JSON-encoded.
    pub details_json: Option<String>,
}

impl ConnectorError {
    pub fn new(category: ErrorCategory, code: &str, message: impl Into<String>) -> ConnectorError {
        let retryable = category.is_transient();
        ConnectorError {
            category,
            scope: ErrorScope::PerStream,
            code: code.to_owned(),
            message: message.into(),
            retryable,
            retry_after_ms: None,
            backoff_class: BackoffClass::Normal,
            safe_to_retry: retryable,
            commit_state: None,
            details_json: None,
        }
    }

    pub fn config(code: &str, message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorCategory::Config, code, message)
    }

    pub fn internal(code: &str, message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorCategory::Internal, code, message)
    }

    pub fn transient_network(code: &str, message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorCategory::TransientNetwork, code, message)
    }

    pub fn frame(message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorCategory::Frame, "BAD_FRAME", message)
    }

    pub fn with_details(mut self, details: &serde_json::Value) -> ConnectorError {
        self.details_json = Some(details.to_string());
        self
    }

    /// The answer to a `run` whose phase the connector's role does not serve.
    pub fn unsupported_phase(phase: crate::stream::RunPhase) -> ConnectorError {
        ConnectorError::config("UNSUPPORTED_PHASE", format!("connector does not serve phase {phase}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_displays() {
        let err = ConnectorError::transient_network("SOCKET", "connection reset")
            .with_details(&serde_json::json!({"host": "db", "port": 5432}));
        assert!(err.retryable);
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<ConnectorError>(&json).unwrap(), err);
        assert_eq!(err.to_string(), "transient_network error SOCKET: connection reset");
        assert_eq!(ErrorCategory::TransientDb.as_str(), "transient_db");
    }
}

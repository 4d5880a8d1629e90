//! Connector errors.

use std::fmt;

use crate::run::RunPhase;

/// `code` of [`ConnectorError::unsupported_phase`].
pub const UNSUPPORTED_PHASE: &str = "UNSUPPORTED_PHASE";

/// What kind of failure a [`ConnectorError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The snake_case name the host expects (`emit-dlq-record` takes it as a string).
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

    /// Categories whose failures are worth retrying.
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorCategory::RateLimit | ErrorCategory::TransientNetwork | ErrorCategory::TransientDb)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorScope {
    PerStream,
    PerBatch,
    PerRecord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackoffClass {
    Fast,
    Normal,
    Slow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitState {
    BeforeCommit,
    AfterCommitUnknown,
    AfterCommitConfirmed,
}

/// Error returned by every fallible connector and host call.
#[derive(Debug, Clone, PartialEq)]
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
    /// JSON-encoded details.
    pub details: Option<String>,
}

impl ConnectorError {
    pub fn new(category: ErrorCategory, code: impl Into<String>, message: impl Into<String>) -> Self {
        let retryable = category.is_transient();
        ConnectorError {
            category,
            scope: ErrorScope::PerStream,
            code: code.into(),
            message: message.into(),
            retryable,
            retry_after_ms: None,
            backoff_class: BackoffClass::Normal,
            safe_to_retry: retryable,
            commit_state: None,
            details: None,
        }
    }

    pub fn config(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Config, code, message)
    }

    pub fn auth(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Auth, code, message)
    }

    pub fn transient_network(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::TransientNetwork, code, message)
    }

    pub fn transient_db(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::TransientDb, code, message)
    }

    pub fn data(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Data, code, message)
    }

    pub fn schema(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Schema, code, message)
    }

    pub fn internal(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Internal, code, message)
    }

    pub fn frame(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::Frame, code, message)
    }

    /// The error for a `run` phase the connector does not serve. The
    /// `#[connector]` glue names the role in the message.
    pub fn unsupported_phase(phase: RunPhase) -> Self {
        ConnectorError {
            retryable: false,
            safe_to_retry: false,
            ..Self::config(UNSUPPORTED_PHASE, format!("connector does not serve phase {}", phase.as_str()))
        }
    }

    pub fn with_scope(mut self, scope: ErrorScope) -> Self {
        self.scope = scope;
        self
    }

    pub fn with_commit_state(mut self, state: CommitState) -> Self {
        self.commit_state = Some(state);
        self
    }

    pub fn with_details(mut self, details_json: impl Into<String>) -> Self {
        self.details = Some(details_json.into());
        self
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.category.as_str(), self.code, self.message)
    }
}

impl std::error::Error for ConnectorError {}

impl From<std::io::Error> for ConnectorError {
    fn from(err: std::io::Error) -> Self {
        ConnectorError::transient_network("IO_ERROR", err.to_string())
    }
}

impl From<crate::json::JsonError> for ConnectorError {
    fn from(err: crate::json::JsonError) -> Self {
        ConnectorError::data("INVALID_JSON", err.to_string())
    }
}

//! The answer to `validate`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationStatus {
    Success,
    Failed,
    Warning,
}

impl fmt::Display for ValidationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValidationStatus::Success => "success",
            ValidationStatus::Failed => "failed",
            ValidationStatus::Warning => "warning",
        })
    }
}

/// What a connector's `validate` returns: a [`ValidationStatus`] and a message
/// for the operator. The engine stores the last one per connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationResult {
    pub status: ValidationStatus,
    pub message: String,
}

impl ValidationResult {
    pub fn success(message: impl Into<String>) -> ValidationResult {
        ValidationResult { status: ValidationStatus::Success, message: message.into() }
    }

    pub fn failed(message: impl Into<String>) -> ValidationResult {
        ValidationResult { status: ValidationStatus::Failed, message: message.into() }
    }

    pub fn warning(message: impl Into<String>) -> ValidationResult {
        ValidationResult { status: ValidationStatus::Warning, message: message.into() }
    }

    /// Success or warning: the pipeline may run.
    pub fn is_ok(&self) -> bool {
        self.status != ValidationStatus::Failed
    }
}

impl fmt::Display for ValidationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for result in [ValidationResult::success("ok"), ValidationResult::failed("no"), ValidationResult::warning("hm")]
        {
            let json = serde_json::to_string(&result).unwrap();
            assert_eq!(serde_json::from_str::<ValidationResult>(&json).unwrap(), result);
        }
    }

    #[test]
    fn reads_results_stored_by_v3_engines() {
        let stored: ValidationResult =
            serde_json::from_str(r#"{"status": "failed", "message": "table users is missing"}"#).unwrap();
        assert_eq!(stored, ValidationResult::failed("table users is missing"));
        assert!(!stored.is_ok());
        assert_eq!(stored.to_string(), "failed: table users is missing");
    }
}

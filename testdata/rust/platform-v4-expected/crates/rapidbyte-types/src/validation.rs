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
pub struct ValidationReport {
    pub status: ValidationStatus,
    pub message: String,
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl ValidationReport {
    pub fn success(message: impl Into<String>) -> ValidationReport {
        ValidationReport { status: ValidationStatus::Success, message: message.into(), warnings: Vec::new() }
    }

    pub fn failed(message: impl Into<String>) -> ValidationReport {
        ValidationReport { status: ValidationStatus::Failed, message: message.into(), warnings: Vec::new() }
    }

    pub fn warning(message: impl Into<String>) -> ValidationReport {
        ValidationReport { status: ValidationStatus::Warning, message: message.into(), warnings: Vec::new() }
    }

    /// Success or warning: the pipeline may run.
    pub fn is_ok(&self) -> bool {
        self.status != ValidationStatus::Failed
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for result in [ValidationReport::success("ok"), ValidationReport::failed("no"), ValidationReport::warning("hm")]
        {
            let json = serde_json::to_string(&result).unwrap();
            assert_eq!(serde_json::from_str::<ValidationReport>(&json).unwrap(), result);
        }
    }

    #[test]
    fn reads_results_stored_by_v3_engines() {
        let stored: ValidationReport =
            serde_json::from_str(r#"{"status": "failed", "message": "table users is missing"}"#).unwrap();
        assert_eq!(stored, ValidationReport::failed("table users is missing"));
        assert!(!stored.is_ok());
        assert_eq!(stored.to_string(), "failed: table users is missing");
    }
}

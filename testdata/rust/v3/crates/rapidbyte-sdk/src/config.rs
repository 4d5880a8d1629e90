//! Connector configuration decoding (stand-in for `serde::Deserialize`).

use crate::error::ConnectorError;
use crate::json::JsonValue;

/// Implemented by every connector's `Config` type.
pub trait ConnectorConfig: Sized {
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError>;

    fn from_json_str(config_json: &str) -> Result<Self, ConnectorError> {
        let value =
            JsonValue::parse(config_json).map_err(|e| ConnectorError::config("INVALID_CONFIG_JSON", e.to_string()))?;
        Self::from_json(&value)
    }
}

/// A required string field.
pub fn required_str(value: &JsonValue, key: &str) -> Result<String, ConnectorError> {
    value
        .str_field(key)
        .ok_or_else(|| ConnectorError::config("MISSING_FIELD", format!("config field `{key}` is required")))
}

//! Transform settings.

use rapidbyte_sdk::config::{required_str, ConnectorConfig};
use rapidbyte_sdk::json::JsonValue;
use rapidbyte_sdk::ConnectorError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `SELECT <columns> FROM input [WHERE <conditions>]`
    pub query: String,
    /// Checkpoint after this many batches (0: never).
    pub checkpoint_every_batches: u64,
}

impl ConnectorConfig for Config {
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError> {
        Ok(Config {
            query: required_str(value, "query")?,
            checkpoint_every_batches: value.u64_field("checkpoint_every_batches").unwrap_or(10),
        })
    }
}

//! Connection settings.

use rapidbyte_sdk::config::{required_str, ConnectorConfig};
use rapidbyte_sdk::json::JsonValue;
use rapidbyte_sdk::ConnectorError;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub database: String,
    pub schema: String,
    /// Rows per emitted batch (the stream's `max_batch_bytes` still applies).
    pub batch_rows: usize,
}

impl ConnectorConfig for Config {
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError> {
        let port = match value.get("port") {
            None => 5432,
            Some(port) => port
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| ConnectorError::config("INVALID_PORT", "`port` must be an integer in 1..=65535"))?,
        };
        Ok(Config {
            host: required_str(value, "host")?,
            port,
            user: required_str(value, "user")?,
            password: value.str_field("password"),
            database: required_str(value, "database")?,
            schema: value.str_field("schema").unwrap_or_else(|| "public".to_owned()),
            batch_rows: value.u64_field("batch_rows").unwrap_or(10_000) as usize,
        })
    }
}

impl Config {
    pub fn check(&self) -> Result<(), ConnectorError> {
        if self.host.is_empty() {
            return Err(ConnectorError::config("EMPTY_HOST", "`host` must not be empty"));
        }
        if self.batch_rows == 0 {
            return Err(ConnectorError::config("INVALID_BATCH_ROWS", "`batch_rows` must be positive"));
        }
        if !self.schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ConnectorError::config("INVALID_SCHEMA", format!("unsupported schema name {:?}", self.schema)));
        }
        Ok(())
    }
}

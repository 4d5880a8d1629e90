//! Destination settings.

use rapidbyte_sdk::config::required_str;
use rapidbyte_sdk::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadMethod {
    /// `COPY ... FROM STDIN` (fast, the default).
    Copy,
    /// Multi-row `INSERT` statements.
    Insert,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub database: String,
    pub schema: String,
    pub load_method: LoadMethod,
    /// Flush COPY data after this many bytes (the stream may override it).
    pub copy_flush_bytes: u64,
}

impl ConnectorConfig for Config {
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError> {
        let load_method = match value.str_field("load_method").as_deref() {
            None | Some("copy") => LoadMethod::Copy,
            Some("insert") => LoadMethod::Insert,
            Some(other) => {
                return Err(ConnectorError::config("INVALID_LOAD_METHOD", format!("unknown load_method {other:?}")))
            }
        };
        Ok(Config {
            host: required_str(value, "host")?,
            port: value.u64_field("port").unwrap_or(5432) as u16,
            user: required_str(value, "user")?,
            password: value.str_field("password"),
            database: required_str(value, "database")?,
            schema: value.str_field("schema").unwrap_or_else(|| "public".to_owned()),
            load_method,
            copy_flush_bytes: value.u64_field("copy_flush_bytes").unwrap_or(4 * 1024 * 1024),
        })
    }
}

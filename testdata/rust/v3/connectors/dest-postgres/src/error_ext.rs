//! `anyhow`-style context for fallible calls, without anyhow.

use rapidbyte_sdk::prelude::*;

// TRAP: .context() extension trait; a method named context, unrelated to the SDK Context
pub trait ResultExt<T> {
    /// Prefix the error message with what was being done.
    fn context(self, what: &str) -> Result<T, ConnectorError>;
}

impl<T> ResultExt<T> for Result<T, ConnectorError> {
    fn context(self, what: &str) -> Result<T, ConnectorError> {
        self.map_err(|mut err| {
            err.message = format!("{what}: {}", err.message);
            err
        })
    }
}

impl<T> ResultExt<T> for Result<T, std::io::Error> {
    fn context(self, what: &str) -> Result<T, ConnectorError> {
        self.map_err(|err| ConnectorError::transient_network("IO_ERROR", format!("{what}: {err}")))
    }
}

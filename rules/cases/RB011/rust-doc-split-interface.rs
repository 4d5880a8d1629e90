//! Docs that name the v3 `types` interface: v4 splits it, so which interface
//! a sentence means is the reader's call, not the codemod's.

use rapidbyte_sdk::ConnectorError;

/// `ConnectorError` both ways between the SDK and one world's `types`.
pub fn to_wit(err: ConnectorError) -> ConnectorError {
    err
}

/// The WIT `types` interface holds every record; the `host` interface is renamed.
pub fn records() {}

/// Our own `types` module has nothing to do with the protocol.
pub mod types {}

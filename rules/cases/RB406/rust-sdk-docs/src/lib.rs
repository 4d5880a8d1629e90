//! Docs of the SDK crate itself.

/// Keeps what `init` said about the connector; [`init`] links an item and stays.
pub struct Opened;

/// A role of a connector.
pub trait Source: Sized {
    /// Opens the connector (`init()` in the lifecycle).
    fn init() -> Result<Self, String>;
}

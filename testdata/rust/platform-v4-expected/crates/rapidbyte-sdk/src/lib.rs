//! Write Rapidbyte connectors in Rust.
//!
//! A connector is a struct marked `#[connector(source)]` (or `destination`,
//! `transform`) with an `impl` of [`Source`], [`Destination`] or
//! [`Transform`]; the macro exports the role's WIT interface on top of it.
//! During a run, [`Context`] reaches the host: [`Context::batch_emit`],
//! [`Context::batch_next`], [`Context::telemetry_checkpoint`], [`Context::telemetry_metric`],
//! state and logs (see [`host_ffi`] for the raw imports). `validate` answers
//! with a [`ValidationReport`]; [`Source::open`] returns the connector's
//! [`OpenInfo`].

pub use rapidbyte_types::checkpoint;
pub use rapidbyte_types::error;
pub use rapidbyte_types::limits;
pub use rapidbyte_types::metric;
pub use rapidbyte_types::protocol;
pub use rapidbyte_types::state;
pub use rapidbyte_types::stream;
pub use rapidbyte_types::validation;
pub use rapidbyte_types::{ConnectorError, OpenInfo, ProtocolVersion, ValidationReport};

pub mod bindings;
pub mod connector;
pub mod context;
pub mod host_ffi;
pub mod host_tcp;
pub mod prelude;

#[doc(hidden)]
pub mod __private;

pub use connector::{Destination, Source, Transform};
pub use context::{Context, LogLevel};
pub use rapidbyte_sdk_macros::connector;

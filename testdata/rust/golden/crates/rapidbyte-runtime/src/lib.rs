//! Rapidbyte connector host runtime, protocol v3.
//!
//! Links the `rapidbyte:connector/host-io@4.0.0` imports to a [`HostState`] and
//! drives source, destination and transform components through their
//! lifecycle.

pub mod bindings;
pub mod component;
pub mod host_state;
pub mod json;
pub mod linker;
pub mod payload;
pub mod runner;

pub use host_state::HostState;
pub use linker::{add_to_linker, HOST_INTERFACE};
pub use runner::{run_destination, run_source, run_transform, RunError};

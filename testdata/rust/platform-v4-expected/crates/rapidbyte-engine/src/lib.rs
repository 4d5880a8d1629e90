//! The Rapidbyte engine: drives each connector of a pipeline through its
//! lifecycle, from `open` to `close`, and journals what it checkpointed.

pub mod error;
pub mod journal;
pub mod pipeline;
pub mod runner;

pub use error::EngineError;
pub use journal::Journal;
pub use pipeline::{ConnectorSpec, Pipeline, StreamSpec};
pub use runner::{run_destination, run_pipeline, run_source, run_transform, PipelineOutcome, SourceOutcome};

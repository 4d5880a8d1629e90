//! The traits a connector implements, one per role.

use serde::de::DeserializeOwned;

use crate::context::Context;
use rapidbyte_types::stream::{RunRequest, RunSummary};
use rapidbyte_types::{ConnectorError, OpenInfo, ValidationReport};

/// A source reads streams out of a system: the exported `open` calls
/// [`Source::open`], and `run` calls [`Source::run`] for the discover
/// phase and once per stream for the read phase.
#[allow(async_fn_in_trait)]
pub trait Source: Sized {
    type Config: DeserializeOwned;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

/// A destination writes the batches it takes with [`Context::batch_next`];
/// `run` calls [`Destination::run`] for the write phase.
#[allow(async_fn_in_trait)]
pub trait Destination: Sized {
    type Config: DeserializeOwned;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

/// A transform maps batches in flight; `run` calls
/// [`Transform::run`] for the transform phase.
#[allow(async_fn_in_trait)]
pub trait Transform: Sized {
    type Config: DeserializeOwned;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

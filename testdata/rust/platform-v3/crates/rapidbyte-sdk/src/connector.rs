//! The traits a connector implements, one per role.

use serde::de::DeserializeOwned;

use crate::context::Context;
use rapidbyte_types::stream::{Catalog, ReadSummary, StreamContext, TransformSummary, WriteSummary};
use rapidbyte_types::{ConnectorError, ConnectorInfo, ValidationResult};

/// A source reads streams out of a system: the exported `open` calls
/// [`Source::init`], `discover` calls [`Source::discover`] and `run-read`
/// calls [`Source::read`] once per stream.
#[allow(async_fn_in_trait)]
pub trait Source: Sized {
    type Config: DeserializeOwned;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationResult::success("validation not implemented"))
    }

    async fn discover(&mut self, ctx: &Context) -> Result<Catalog, ConnectorError>;

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

/// A destination writes the batches it takes with [`Context::next_batch`];
/// `run-write` calls [`Destination::write`].
#[allow(async_fn_in_trait)]
pub trait Destination: Sized {
    type Config: DeserializeOwned;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationResult::success("validation not implemented"))
    }

    async fn write(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

/// A transform maps batches in flight; `run-transform` calls
/// [`Transform::transform`].
#[allow(async_fn_in_trait)]
pub trait Transform: Sized {
    type Config: DeserializeOwned;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationResult::success("validation not implemented"))
    }

    async fn transform(&mut self, ctx: &Context, stream: StreamContext) -> Result<TransformSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

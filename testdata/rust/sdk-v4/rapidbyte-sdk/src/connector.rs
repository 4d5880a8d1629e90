//! The traits a connector implements, one per role. Every role has the same
//! lifecycle: `open`, `validate`, `run` (once per stream and phase), `close`.

use crate::config::ConnectorConfig;
use crate::context::Context;
use crate::error::ConnectorError;
use crate::run::{RunRequest, RunSummary};
use crate::types::{OpenInfo, ValidationReport};

#[allow(async_fn_in_trait)]
pub trait Source: Sized {
    type Config: ConnectorConfig;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    /// Serves `RunPhase::Discover` and `RunPhase::Read`.
    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

#[allow(async_fn_in_trait)]
pub trait Destination: Sized {
    type Config: ConnectorConfig;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    /// Serves `RunPhase::Write`.
    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

#[allow(async_fn_in_trait)]
pub trait Transform: Sized {
    type Config: ConnectorConfig;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    /// Serves `RunPhase::Transform`.
    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

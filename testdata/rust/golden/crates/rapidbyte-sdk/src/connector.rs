//! The traits a connector implements, one per role.

use crate::catalog::Catalog;
use crate::config::ConnectorConfig;
use crate::context::Context;
use crate::error::ConnectorError;
use crate::stream::StreamContext;
use crate::types::{OpenInfo, ReadSummary, TransformSummary, ValidationReport, WriteSummary};

#[allow(async_fn_in_trait)]
pub trait Source: Sized {
    type Config: ConnectorConfig;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError>;

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let _ = (config, ctx);
        Ok(ValidationReport::success("validation not implemented"))
    }

    async fn discover(&mut self, ctx: &Context) -> Result<Catalog, ConnectorError>;

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError>;

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

    async fn write(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError>;

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

    async fn transform(&mut self, ctx: &Context, stream: StreamContext) -> Result<TransformSummary, ConnectorError>;

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        let _ = ctx;
        Ok(())
    }
}

//! PostgreSQL source connector.
//!
//! Discovers the tables of one schema and reads them either in full or
//! incrementally past a cursor column, over sockets opened by the host.

mod client;
mod config;
mod discovery;
// TRAP: mod metrics is a module name, not the metric host call
mod metrics;
mod reader;

use rapidbyte_sdk::{
    connector, Catalog, ConnectorError, ConnectorInfo, Context, Feature, LogLevel, ProtocolVersion, ReadSummary,
    Source, StateScope, StreamContext, StreamLimits, ValidationResult, ValidationStatus,
};

use crate::client::PgClient;
use crate::config::Config;

#[connector(source)]
pub struct PostgresSource {
    config: Config,
    client: Option<PgClient>,
}

impl PostgresSource {
    fn client(&mut self) -> Result<&mut PgClient, ConnectorError> {
        if self.client.is_none() {
            self.client = Some(PgClient::connect(&self.config)?);
        }
        Ok(self.client.as_mut().expect("client was just connected"))
    }
}

impl Source for PostgresSource {
    type Config = Config;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        config.check()?;
        Ok((
            Self { config, client: None },
            ConnectorInfo {
                protocol_version: ProtocolVersion::V2,
                features: vec![Feature::Cdc, Feature::Stateful],
                default_max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
            },
        ))
    }

    async fn validate(config: &Self::Config, ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        let failed = |message| ValidationResult { status: ValidationStatus::Failed, message };
        if let Err(err) = config.check() {
            return Ok(failed(err.message));
        }
        match PgClient::connect(config).and_then(|mut client| client.query("SELECT 1")) {
            Ok(_) => Ok(ValidationResult {
                status: ValidationStatus::Success,
                message: format!("connected to {}:{}/{}", config.host, config.port, config.database),
            }),
            Err(err) => {
                ctx.log(LogLevel::Warn, &format!("validation failed: {err}"));
                Ok(failed(err.message))
            }
        }
    }

    async fn discover(&mut self, ctx: &Context) -> Result<Catalog, ConnectorError> {
        let schema = self.config.schema.clone();
        let catalog = discovery::discover(self.client()?, &schema)?;
        ctx.log(LogLevel::Info, &format!("discovered {} tables in schema {schema}", catalog.streams.len()));
        Ok(catalog)
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let stream_ctx = ctx.with_stream(&stream.stream_name);
        stream_ctx.log(LogLevel::Info, &format!("reading {} ({})", stream.stream_name, stream.sync_mode.as_str()));
        let config = self.config.clone();
        let summary = reader::read_table(&stream_ctx, self.client()?, &config, &stream).await?;
        stream_ctx.state_put(StateScope::Stream, "last_sync_records", &summary.records_read.to_string())?;
        Ok(summary)
    }

    async fn close(&mut self, ctx: &Context) -> Result<(), ConnectorError> {
        if let Some(client) = self.client.take() {
            client.terminate();
            ctx.log(LogLevel::Debug, "connection closed");
        }
        Ok(())
    }
}

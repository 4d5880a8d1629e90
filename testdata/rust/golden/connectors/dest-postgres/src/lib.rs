//! PostgreSQL destination connector.
//!
//! Loads each stream into a table of the same name with COPY (or INSERT),
//! honouring the stream's write mode (append, replace, upsert).

mod client;
mod config;
mod copy;
mod error_ext;
mod writer;

use rapidbyte_sdk::prelude::*;

use crate::client::PgConnection;
use crate::config::{Config, LoadMethod};
use crate::error_ext::ResultExt;
use crate::writer::WriteSession;

#[connector(destination)]
pub struct PostgresDestination {
    config: Config,
    conn: Option<PgConnection>,
}

impl Destination for PostgresDestination {
    type Config = Config;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        let mut features = vec![Feature::ExactlyOnce, Feature::SchemaAutoMigrate];
        if config.load_method == LoadMethod::Copy {
            features.push(Feature::BulkLoadCopy);
        }
        let info = OpenInfo {
            protocol_version: ProtocolVersion::V4,
            capabilities: features,
            default_limits: StreamLimits { max_batch_bytes: 16 * 1024 * 1024, ..StreamLimits::default() },
        };
        Ok((Self { config, conn: None }, info))
    }

    async fn validate(config: &Self::Config, _ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        let mut conn = match PgConnection::connect(config) {
            Ok(conn) => conn,
            Err(err) => {
                let message = err.to_string();
                return Ok(ValidationReport { status: ValidationStatus::Failed, message, warnings: Vec::new() });
            }
        };
        let probe = format!("CREATE SCHEMA IF NOT EXISTS {}", client::quote_ident(&config.schema));
        Ok(match conn.execute(&probe) {
            Ok(()) => ValidationReport {
                status: ValidationStatus::Success,
                message: format!("ready to load into schema {}", config.schema),
                warnings: Vec::new(),
            },
            Err(err) => ValidationReport {
                status: ValidationStatus::Warning,
                message: format!("cannot create schema {}: {}", config.schema, err.message),
                warnings: Vec::new(),
            },
        })
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        match request.phase {
            RunPhase::Write => self.write_stream(ctx, request.stream).await.map(RunSummary::write),
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }
    }

    async fn close(&mut self, _ctx: &Context) -> Result<(), ConnectorError> {
        self.conn = None;
        Ok(())
    }
}

impl PostgresDestination {
    async fn write_stream(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError> {
        if self.conn.is_none() {
            self.conn = Some(PgConnection::connect(&self.config).context("opening load connection")?);
        }
        let conn = self.conn.as_mut().expect("connection was just opened");
        ctx.log(LogLevel::Debug, &format!("loading stream {}", stream.stream_name));
        WriteSession::new(ctx.clone(), conn, &self.config, stream).run()
    }
}

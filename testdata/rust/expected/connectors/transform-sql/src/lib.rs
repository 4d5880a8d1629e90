//! SQL transform: filters and projects every batch of a stream with
//! `SELECT ... FROM input WHERE ...`.

mod config;
mod query;
mod throttle;

use rapidbyte_sdk::connector;
use rapidbyte_sdk::types::{OpenInfo, ProtocolVersion, StreamLimits};
use rapidbyte_sdk::{Checkpoint, CheckpointKind, ConnectorError, Context, LogLevel, Metric, MetricValue};
use rapidbyte_sdk::{
    RunPhase, RunRequest, RunSummary, StreamContext, Transform, TransformSummary, ValidationReport, ValidationStatus,
};

use crate::config::Config;
use crate::query::Query;

#[connector(transform)]
pub struct SqlTransform {
    config: Config,
    query: Query,
}

impl Transform for SqlTransform {
    type Config = Config;

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        let query = Query::parse(&config.query)?;
        Ok((
            Self { config, query },
            OpenInfo {
                protocol_version: ProtocolVersion::V4,
                capabilities: Vec::new(),
                default_limits: StreamLimits {
                    max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
                    ..StreamLimits::default()
                },
            },
        ))
    }

    async fn validate(config: &Self::Config, _ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        Ok(match Query::parse(&config.query) {
            Ok(query) => ValidationReport {
                status: ValidationStatus::Success,
                message: match query.output_columns() {
                    Some(columns) => format!("query selects {}", columns.join(", ")),
                    None => "query selects every input column".to_owned(),
                },
                warnings: Vec::new(),
            },
            Err(err) => {
                let message = format!("invalid query: {}", err.message);
                ValidationReport { status: ValidationStatus::Failed, message, warnings: Vec::new() }
            }
        })
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        match request.phase {
            RunPhase::Transform => self.transform_stream(ctx, request.stream).await.map(RunSummary::transform),
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }
    }
}

impl SqlTransform {
    /// Pulls batches with `ctx.batch_next()`, filters them and passes the
    /// survivors on with `ctx.batch_emit()`.
    async fn transform_stream(
        &mut self,
        ctx: &Context,
        input: StreamContext,
    ) -> Result<TransformSummary, ConnectorError> {
        let mut summary = TransformSummary::default();
        while let Some(batch) = ctx.batch_next(input.limits.max_batch_bytes)? {
            summary.records_in += batch.num_rows() as u64;
            summary.bytes_in += batch.byte_size();
            let out = self.query.apply(&batch)?;
            if !out.is_empty() {
                summary.records_out += out.num_rows() as u64;
                summary.bytes_out += out.byte_size();
                ctx.batch_emit(&out)?;
            }
            summary.batches_processed += 1;
            let every = self.config.checkpoint_every_batches;
            if every > 0 && summary.batches_processed % every == 0 {
                ctx.telemetry_checkpoint(&Checkpoint {
                    id: summary.batches_processed / every,
                    kind: CheckpointKind::Transform,
                    stream: input.stream_name.clone(),
                    cursor_field: None,
                    cursor_value: None,
                    records_processed: summary.records_in,
                    bytes_processed: summary.bytes_in,
                })?;
            }
            throttle::yield_now().await;
        }
        ctx.telemetry_metric(&Metric {
            name: "transform_records_filtered".to_owned(),
            value: MetricValue::Counter(summary.records_in - summary.records_out),
            labels: vec![("stream".to_owned(), input.stream_name.clone())],
        })?;
        ctx.log(
            LogLevel::Info,
            &format!("{}: {} of {} records passed", input.stream_name, summary.records_out, summary.records_in),
        );
        Ok(summary)
    }
}

//! SQL transform: filters and projects every batch of a stream with
//! `SELECT ... FROM input WHERE ...`.

mod config;
mod query;
mod throttle;

use rapidbyte_sdk::connector;
use rapidbyte_sdk::types::{ConnectorInfo, ProtocolVersion, StreamLimits};
use rapidbyte_sdk::{Checkpoint, CheckpointKind, ConnectorError, Context, LogLevel, Metric, MetricValue};
use rapidbyte_sdk::{StreamContext, Transform, TransformSummary, ValidationResult, ValidationStatus};

use crate::config::Config;
use crate::query::Query;

#[connector(transform)]
pub struct SqlTransform {
    config: Config,
    query: Query,
}

impl Transform for SqlTransform {
    type Config = Config;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        let query = Query::parse(&config.query)?;
        Ok((
            Self { config, query },
            ConnectorInfo {
                protocol_version: ProtocolVersion::V2,
                features: Vec::new(),
                default_max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
            },
        ))
    }

    async fn validate(config: &Self::Config, _ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        Ok(match Query::parse(&config.query) {
            Ok(query) => ValidationResult {
                status: ValidationStatus::Success,
                message: match query.output_columns() {
                    Some(columns) => format!("query selects {}", columns.join(", ")),
                    None => "query selects every input column".to_owned(),
                },
            },
            Err(err) => {
                let message = format!("invalid query: {}", err.message);
                ValidationResult { status: ValidationStatus::Failed, message }
            }
        })
    }

    /// Pulls batches with `ctx.next_batch()`, filters them and passes the
    /// survivors on with `ctx.emit_batch()`.
    async fn transform(&mut self, ctx: &Context, input: StreamContext) -> Result<TransformSummary, ConnectorError> {
        let mut summary = TransformSummary::default();
        while let Some(batch) = ctx.next_batch(input.limits.max_batch_bytes)? {
            summary.records_in += batch.num_rows() as u64;
            summary.bytes_in += batch.byte_size();
            let out = self.query.apply(&batch)?;
            if !out.is_empty() {
                summary.records_out += out.num_rows() as u64;
                summary.bytes_out += out.byte_size();
                ctx.emit_batch(&out)?;
            }
            summary.batches_processed += 1;
            let every = self.config.checkpoint_every_batches;
            if every > 0 && summary.batches_processed % every == 0 {
                ctx.checkpoint(&Checkpoint {
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
        ctx.metric(&Metric {
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

//! The `#[connector(..)]` glue, for each role, against the generated `Guest` traits.

use rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source_connector::Guest;
use rapidbyte_sdk::bindings::source::rapidbyte::connector::types;
use rapidbyte_sdk::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct RangeConfig {
    pub end: u64,
}

#[rapidbyte_sdk::connector(source)]
pub struct RangeSource {
    end: u64,
}

impl Source for RangeSource {
    type Config = RangeConfig;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((RangeSource { end: config.end }, ConnectorInfo::new(vec![Feature::Stateful])))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let mut summary = ReadSummary::default();
        for n in 0..self.end {
            ctx.emit_batch(&n.to_le_bytes())?;
            summary.records_read += 1;
        }
        ctx.checkpoint(&Checkpoint::new(1, CheckpointKind::Source, stream.stream_name).with_cursor("n", 1))?;
        Ok(summary)
    }
}

#[rapidbyte_sdk::connector(destination)]
pub struct NullDestination;

impl Destination for NullDestination {
    type Config = serde_json::Value;

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((NullDestination, ConnectorInfo::default()))
    }

    async fn validate(_config: &Self::Config, _ctx: &Context) -> Result<ValidationResult, ConnectorError> {
        Ok(ValidationResult::warning("writes nowhere"))
    }

    async fn write(&mut self, ctx: &Context, _stream: StreamContext) -> Result<WriteSummary, ConnectorError> {
        let mut summary = WriteSummary::default();
        while let Some(batch) = ctx.next_batch(DEFAULT_MAX_BATCH_BYTES)? {
            summary.bytes_written += batch.len() as u64;
        }
        ctx.state_put(StateScope::Stream, "written", &summary.bytes_written.to_string())?;
        Ok(summary)
    }
}

#[rapidbyte_sdk::connector(transform)]
pub struct Passthrough;

impl Transform for Passthrough {
    type Config = serde_json::Value;

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Passthrough, ConnectorInfo::default()))
    }

    async fn transform(&mut self, ctx: &Context, _stream: StreamContext) -> Result<TransformSummary, ConnectorError> {
        let mut summary = TransformSummary::default();
        while let Some(batch) = ctx.next_batch(DEFAULT_MAX_BATCH_BYTES)? {
            ctx.emit_batch(&batch)?;
            summary.batches_processed += 1;
        }
        Ok(summary)
    }
}

#[test]
fn open_rejects_a_bad_config() {
    let err = <__RangeSourceGuest as Guest>::open("{\"end\": \"ten\"}".to_owned()).unwrap_err();
    assert_eq!(err.category, types::ErrorCategory::Config);
    assert_eq!(err.code, "INVALID_CONFIG");
}

#[test]
fn calls_before_open_fail() {
    let err = <__RangeSourceGuest as Guest>::validate().unwrap_err();
    assert_eq!(err.code, "NOT_OPEN");
    assert!(<__RangeSourceGuest as Guest>::run_read("{}".to_owned()).is_err());
}

//! The `#[connector(..)]` glue, for each role, against the generated `Guest` traits.

use rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source::Guest;
use rapidbyte_sdk::bindings::source::rapidbyte::connector::core_types;
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

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        Ok((RangeSource { end: config.end }, OpenInfo::new(vec![Feature::Stateful])))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        match request.phase {
            RunPhase::Discover => self.discover_catalog(ctx).await.map(RunSummary::discover),
            RunPhase::Read => self.read_stream(ctx, request.stream).await.map(RunSummary::read),
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }
    }
}

impl RangeSource {
    async fn discover_catalog(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read_stream(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let mut summary = ReadSummary::default();
        for n in 0..self.end {
            ctx.batch_emit(&n.to_le_bytes())?;
            summary.records_read += 1;
        }
        ctx.telemetry_checkpoint(&Checkpoint::new(1, CheckpointKind::Source, stream.stream_name).with_cursor("n", 1))?;
        Ok(summary)
    }
}

#[rapidbyte_sdk::connector(destination)]
pub struct NullDestination;

impl Destination for NullDestination {
    type Config = serde_json::Value;

    async fn open(_config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        Ok((NullDestination, OpenInfo::default()))
    }

    async fn validate(_config: &Self::Config, _ctx: &Context) -> Result<ValidationReport, ConnectorError> {
        Ok(ValidationReport::warning("writes nowhere"))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        match request.phase {
            RunPhase::Write => self.write_stream(ctx, request.stream).await.map(RunSummary::write),
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }
    }
}

impl NullDestination {
    async fn write_stream(&mut self, ctx: &Context, _stream: StreamContext) -> Result<WriteSummary, ConnectorError> {
        let mut summary = WriteSummary::default();
        while let Some(batch) = ctx.batch_next(DEFAULT_MAX_BATCH_BYTES)? {
            summary.bytes_written += batch.len() as u64;
        }
        ctx.state_put(StateScope::PerStream, "written", &summary.bytes_written.to_string())?;
        Ok(summary)
    }
}

#[rapidbyte_sdk::connector(transform)]
pub struct Passthrough;

impl Transform for Passthrough {
    type Config = serde_json::Value;

    async fn open(_config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        Ok((Passthrough, OpenInfo::default()))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        match request.phase {
            RunPhase::Transform => self.transform_stream(ctx, request.stream).await.map(RunSummary::transform),
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }
    }
}

impl Passthrough {
    async fn transform_stream(
        &mut self,
        ctx: &Context,
        _stream: StreamContext,
    ) -> Result<TransformSummary, ConnectorError> {
        let mut summary = TransformSummary::default();
        while let Some(batch) = ctx.batch_next(DEFAULT_MAX_BATCH_BYTES)? {
            ctx.batch_emit(&batch)?;
            summary.batches_processed += 1;
        }
        Ok(summary)
    }
}

#[test]
fn open_rejects_a_bad_config() {
    let err = <__RangeSourceGuest as Guest>::open("{\"end\": \"ten\"}".to_owned()).unwrap_err();
    assert_eq!(err.category, core_types::ErrorCategory::Config);
    assert_eq!(err.code, "INVALID_CONFIG");
}

#[test]
fn calls_before_open_fail() {
    let err = <__RangeSourceGuest as Guest>::validate(1).unwrap_err();
    assert_eq!(err.code, "NOT_OPEN");
    assert!(<__RangeSourceGuest as Guest>::close(1).is_err());
}

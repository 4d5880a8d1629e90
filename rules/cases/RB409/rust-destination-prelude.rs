use rapidbyte_sdk::prelude::*;

pub struct Sink;

impl Destination for Sink {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Sink, ConnectorInfo { protocol_version: ProtocolVersion::V2, features: vec![], default_max_batch_bytes: 1 }))
    }

    async fn write(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError> {
        let mut summary = WriteSummary::default();
        while let Some(batch) = ctx.next_batch(stream.limits.max_batch_bytes)? {
            summary.records_written += batch.num_rows() as u64;
        }
        Ok(summary)
    }
}

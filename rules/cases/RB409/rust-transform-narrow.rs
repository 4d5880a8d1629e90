use rapidbyte_sdk::prelude::*;

pub struct Upper;

impl Transform for Upper {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Upper, ConnectorInfo { protocol_version: ProtocolVersion::V2, features: vec![], default_max_batch_bytes: 1 }))
    }

    async fn transform(&mut self, ctx: &Context, input: StreamContext) -> Result<TransformSummary, ConnectorError> {
        while let Some(batch) = ctx.next_batch(input.limits.max_batch_bytes)? {
            ctx.emit_batch(&batch)?;
        }
        Ok(TransformSummary::default())
    }
}

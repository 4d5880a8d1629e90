use rapidbyte_sdk::{
    Catalog, ConnectorError, ConnectorInfo, Context, ProtocolVersion, ReadSummary, Source,
    StreamContext, StreamLimits,
};

pub struct Demo {
    rows: u64,
}

impl Source for Demo {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((
            Demo { rows: 0 },
            ConnectorInfo {
                protocol_version: ProtocolVersion::V2,
                features: vec![],
                default_max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
            },
        ))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    /// Reads the rows; the doc comment moves with the body.
    #[allow(clippy::needless_pass_by_value)]
    async fn read(
        &mut self,
        ctx: &Context,
        stream: StreamContext,
    ) -> Result<ReadSummary, ConnectorError> {
        ctx.log(rapidbyte_sdk::LogLevel::Info, &stream.stream_name);
        self.rows += 1;
        Ok(ReadSummary::default())
    }

    async fn close(&mut self, _ctx: &Context) -> Result<(), ConnectorError> {
        Ok(())
    }
}

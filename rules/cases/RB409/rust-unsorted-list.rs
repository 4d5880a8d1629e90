use rapidbyte_sdk::{Source, Context, ConnectorError, ConnectorInfo, StreamContext, ReadSummary, Catalog, ProtocolVersion};

pub struct Demo;

impl Source for Demo {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Demo, ConnectorInfo { protocol_version: ProtocolVersion::V2, features: vec![], default_max_batch_bytes: 1 }))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read(&mut self, _ctx: &Context, _stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        Ok(ReadSummary::default())
    }
}

use rapidbyte_sdk::prelude::*;

pub struct Csv;

trait RowReader {
    fn read_stream(&mut self, name: &str) -> Vec<String>;
}

impl RowReader for Csv {
    fn read_stream(&mut self, name: &str) -> Vec<String> {
        vec![name.to_owned()]
    }
}

impl Source for Csv {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Csv, ConnectorInfo { protocol_version: ProtocolVersion::V2, features: vec![], default_max_batch_bytes: 1 }))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let rows = self.read_stream(&stream.stream_name);
        ctx.log(LogLevel::Info, &format!("{} rows", rows.len()));
        Ok(ReadSummary::default())
    }
}

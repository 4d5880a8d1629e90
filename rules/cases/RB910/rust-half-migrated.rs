use rapidbyte_sdk::prelude::*;

pub struct Half;

impl Source for Half {
    type Config = ();

    async fn open(_config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {
        Ok((Half, OpenInfo { protocol_version: ProtocolVersion::V4, capabilities: vec![], default_limits: StreamLimits::default() }))
    }

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {
        let _ = (ctx, request);
        Ok(RunSummary::read(ReadSummary::default()))
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let _ = (ctx, stream);
        Ok(ReadSummary::default())
    }
}

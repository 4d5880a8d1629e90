use rapidbyte_sdk::prelude::*;

pub struct Noop;

impl Transform for Noop {
    type Config = ();

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Noop, ConnectorInfo { protocol_version: ProtocolVersion::V2, features: vec![], default_max_batch_bytes: 1 }))
    }
}

// a method named `init` on another type is not the role trait's
impl Noop {
    fn init(&self) {}
}

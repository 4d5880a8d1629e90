use rapidbyte_sdk::{ConnectorError, ConnectorInfo, Feature, ProtocolVersion};

pub fn info(copy: bool) -> Result<ConnectorInfo, ConnectorError> {
    let mut features = vec![Feature::ExactlyOnce];
    if copy {
        features.push(Feature::BulkLoadCopy);
    }
    Ok(ConnectorInfo {
        protocol_version: ProtocolVersion::V2,
        features,
        default_max_batch_bytes: 16 * 1024 * 1024,
    })
}

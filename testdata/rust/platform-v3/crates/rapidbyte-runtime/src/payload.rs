//! Decoding of the v3 host-call arguments: JSON envelopes for `checkpoint`
//! and `metric`, integer codes for checkpoint kinds, state scopes and log
//! levels, and category names for `emit-dlq-record`.

use rapidbyte_types::{Checkpoint, CheckpointKind, ConnectorError, Envelope, ErrorCategory, Metric, StateScope};

/// Log levels: 0 = error, 1 = warn, 2 = info, 3 = debug; anything else is trace (4).
pub fn log_level(level: u32) -> u32 {
    level.min(4)
}

pub fn state_scope(code: u32) -> Result<StateScope, ConnectorError> {
    StateScope::from_code(code)
        .ok_or_else(|| ConnectorError::internal("BAD_SCOPE", format!("unknown state scope {code}")))
}

/// A checkpoint envelope (or bare payload) whose kind must match `kind`.
pub fn parse_checkpoint(
    kind: u32,
    payload_json: &str,
    connector_id: &str,
    stream_name: &str,
) -> Result<Checkpoint, ConnectorError> {
    let kind = CheckpointKind::from_code(kind)
        .ok_or_else(|| ConnectorError::internal("BAD_CHECKPOINT", format!("unknown checkpoint kind {kind}")))?;
    let envelope = Envelope::<Checkpoint>::parse(payload_json, connector_id, stream_name)
        .map_err(|e| ConnectorError::internal("BAD_CHECKPOINT", e.to_string()))?;
    if envelope.payload.kind != kind {
        let message = format!("checkpoint kind {kind} does not match its payload ({})", envelope.payload.kind);
        return Err(ConnectorError::internal("BAD_CHECKPOINT", message));
    }
    Ok(envelope.payload)
}

pub fn parse_metric(payload_json: &str, connector_id: &str, stream_name: &str) -> Result<Metric, ConnectorError> {
    Envelope::<Metric>::parse(payload_json, connector_id, stream_name)
        .map(|envelope| envelope.payload)
        .map_err(|e| ConnectorError::internal("BAD_METRIC", e.to_string()))
}

/// `"transient_db"` and friends.
pub fn parse_category(name: &str) -> Result<ErrorCategory, ConnectorError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| ConnectorError::internal("BAD_CATEGORY", format!("unknown error category {name:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_kind_must_match() {
        let json = r#"{"protocol_version":"2","connector_id":"src","stream_name":"users","payload":{"id":1,"kind":"source","stream":"users","cursor_field":null,"cursor_value":null,"records_processed":1,"bytes_processed":2}}"#;
        assert_eq!(parse_checkpoint(0, json, "src", "users").unwrap().records_processed, 1);
        assert_eq!(parse_checkpoint(1, json, "src", "users").unwrap_err().code, "BAD_CHECKPOINT");
        assert_eq!(parse_category("transient_db").unwrap(), ErrorCategory::TransientDb);
        assert_eq!(state_scope(1).unwrap(), StateScope::Stream);
    }
}

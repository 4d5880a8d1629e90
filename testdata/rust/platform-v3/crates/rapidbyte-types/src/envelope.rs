//! The JSON envelope around checkpoint and metric payloads: the protocol
//! version, the connector and the stream, and the `payload`. The engine's
//! state journal stores one envelope per line.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::protocol::ProtocolVersion;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub protocol_version: ProtocolVersion,
    pub connector_id: String,
    pub stream_name: String,
    pub payload: T,
}

impl<T> Envelope<T> {
    pub fn new(connector_id: &str, stream_name: &str, payload: T) -> Envelope<T> {
        Envelope {
            protocol_version: ProtocolVersion::V2,
            connector_id: connector_id.to_owned(),
            stream_name: stream_name.to_owned(),
            payload,
        }
    }
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Parses an envelope, or a bare payload that older connectors send, which
    /// is wrapped with the given connector and stream.
    pub fn parse(json: &str, connector_id: &str, stream_name: &str) -> Result<Envelope<T>, serde_json::Error> {
        match serde_json::from_str::<Envelope<T>>(json) {
            Ok(envelope) => Ok(envelope),
            Err(envelope_err) => match serde_json::from_str::<T>(json) {
                Ok(payload) => Ok(Envelope::new(connector_id, stream_name, payload)),
                Err(_) => Err(envelope_err),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{Checkpoint, CheckpointKind};

    #[test]
    fn round_trips() {
        let envelope = Envelope::new("src-pg", "users", Checkpoint::new(1, CheckpointKind::Source, "users"));
        let json = serde_json::to_string(&envelope).unwrap();
        assert_eq!(Envelope::<Checkpoint>::parse(&json, "x", "y").unwrap(), envelope);
    }

    #[test]
    fn reads_journal_lines_written_by_v3_engines() {
        let line = r#"{"protocol_version":"2","connector_id":"dest-pg","stream_name":"users","payload":{"id":4,"kind":"dest","stream":"users","cursor_field":null,"cursor_value":null,"records_processed":3,"bytes_processed":99}}"#;
        let envelope = Envelope::<Checkpoint>::parse(line, "x", "y").unwrap();
        assert_eq!(envelope.protocol_version, ProtocolVersion::V2);
        assert_eq!(envelope.payload.kind, CheckpointKind::Dest);
        assert_eq!(envelope.connector_id, "dest-pg");
    }

    #[test]
    fn wraps_a_bare_payload() {
        let bare = r#"{"id":1,"kind":"source","stream":"s","cursor_field":null,"cursor_value":null,"records_processed":0,"bytes_processed":0}"#;
        let envelope = Envelope::<Checkpoint>::parse(bare, "src", "s").unwrap();
        assert_eq!((envelope.connector_id.as_str(), envelope.stream_name.as_str()), ("src", "s"));
    }
}

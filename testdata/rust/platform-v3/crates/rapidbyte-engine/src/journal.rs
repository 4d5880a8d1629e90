//! The state journal: one JSON envelope per line for every checkpoint and
//! metric a run produced. A restarted run resumes each stream from its last
//! checkpoint.

use std::collections::BTreeMap;

use rapidbyte_types::{Checkpoint, Envelope, Metric, ProtocolVersion};

#[derive(Debug, Default)]
pub struct Journal {
    lines: Vec<String>,
}

impl Journal {
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn record_checkpoint(&mut self, connector_id: &str, checkpoint: &Checkpoint) -> Result<(), serde_json::Error> {
        let envelope = Envelope::new(connector_id, &checkpoint.stream, checkpoint);
        self.lines.push(serde_json::to_string(&envelope)?);
        Ok(())
    }

    pub fn record_metric(&mut self, connector_id: &str, stream_name: &str, metric: &Metric) {
        let line = serde_json::json!({
            "protocol_version": ProtocolVersion::V2,
            "connector_id": connector_id,
            "stream_name": stream_name,
            "payload": metric,
        });
        self.lines.push(line.to_string());
    }

    /// The last checkpoint of every stream in a journal's text; lines that are
    /// not checkpoints (metrics) are skipped.
    pub fn last_checkpoints(text: &str) -> BTreeMap<String, Checkpoint> {
        let mut last = BTreeMap::new();
        for line in text.lines() {
            if let Ok(envelope) = serde_json::from_str::<Envelope<Checkpoint>>(line) {
                last.insert(envelope.payload.stream.clone(), envelope.payload);
            }
        }
        last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapidbyte_types::CheckpointKind;

    #[test]
    fn resumes_from_the_last_checkpoint_of_each_stream() {
        let mut journal = Journal::default();
        journal.record_checkpoint("src", &Checkpoint::new(1, CheckpointKind::Source, "users")).unwrap();
        journal.record_metric("src", "users", &Metric::counter("rows", 5));
        journal.record_checkpoint("src", &Checkpoint::new(2, CheckpointKind::Source, "users")).unwrap();
        let text = journal.lines().join("\n");
        assert_eq!(Journal::last_checkpoints(&text)["users"].id, 2);
    }

    #[test]
    fn reads_journals_written_by_v3_engines() {
        let text = r#"{"protocol_version":"2","connector_id":"dest","stream_name":"users","payload":{"id":9,"kind":"dest","stream":"users","cursor_field":"id","cursor_value":41,"records_processed":3,"bytes_processed":9}}"#;
        let last = Journal::last_checkpoints(text);
        assert_eq!(last["users"].kind, CheckpointKind::Dest);
    }
}

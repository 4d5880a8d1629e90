//! Checkpoints: how far a connector got in a stream.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which side of the pipeline took a checkpoint. v3 hosts receive it as an
/// integer code: see [`CheckpointKind::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointKind {
    Source,
    #[serde(alias = "dest")]
    Destination,
    Transform,
}

impl CheckpointKind {
    pub fn code(self) -> u32 {
        match self {
            CheckpointKind::Source => 0,
            CheckpointKind::Destination => 1,
            CheckpointKind::Transform => 2,
        }
    }

    pub fn from_code(code: u32) -> Option<CheckpointKind> {
        match code {
            0 => Some(CheckpointKind::Source),
            1 => Some(CheckpointKind::Destination),
            2 => Some(CheckpointKind::Transform),
            _ => None,
        }
    }
}

impl fmt::Display for CheckpointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CheckpointKind::Source => "source",
            CheckpointKind::Destination => "dest",
            CheckpointKind::Transform => "transform",
        })
    }
}

/// A cursor position, as JSON: a number, a string, or null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorValue {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for CursorValue {
    fn from(value: i64) -> Self {
        CursorValue::Int(value)
    }
}

impl From<&str> for CursorValue {
    fn from(value: &str) -> Self {
        CursorValue::Text(value.to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub id: u64,
    pub kind: CheckpointKind,
    pub stream: String,
    pub cursor_field: Option<String>,
    pub cursor_value: Option<CursorValue>,
    pub records_processed: u64,
    pub bytes_processed: u64,
}

impl Checkpoint {
    pub fn new(id: u64, kind: CheckpointKind, stream: impl Into<String>) -> Checkpoint {
        Checkpoint {
            id,
            kind,
            stream: stream.into(),
            cursor_field: None,
            cursor_value: None,
            records_processed: 0,
            bytes_processed: 0,
        }
    }

    /// A destination checkpoint (the commit point of a write).
    pub fn dest(id: u64, stream: impl Into<String>) -> Checkpoint {
        Checkpoint::new(id, CheckpointKind::Destination, stream)
    }

    pub fn with_cursor(mut self, field: &str, value: impl Into<CursorValue>) -> Checkpoint {
        self.cursor_field = Some(field.to_owned());
        self.cursor_value = Some(value.into());
        self
    }

    pub fn with_progress(mut self, records: u64, bytes: u64) -> Checkpoint {
        self.records_processed = records;
        self.bytes_processed = bytes;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let checkpoint = Checkpoint::dest(3, "users").with_cursor("id", 42).with_progress(10, 2048);
        let json = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(serde_json::from_str::<Checkpoint>(&json).unwrap(), checkpoint);
        for kind in [CheckpointKind::Source, CheckpointKind::Destination, CheckpointKind::Transform] {
            assert_eq!(CheckpointKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn reads_checkpoints_stored_by_v3_engines() {
        let stored: Checkpoint = serde_json::from_str(
            r#"{"id": 7, "kind": "dest", "stream": "users", "cursor_field": "updated_at",
                "cursor_value": "2024-01-01", "records_processed": 10, "bytes_processed": 512}"#,
        )
        .unwrap();
        assert_eq!(stored.kind, CheckpointKind::Destination);
        assert_eq!(stored.cursor_value, Some(CursorValue::from("2024-01-01")));
        let source: Checkpoint = serde_json::from_str(
            r#"{"id": 1, "kind": "source", "stream": "s", "cursor_field": null, "cursor_value": null,
                "records_processed": 0, "bytes_processed": 0}"#,
        )
        .unwrap();
        assert_eq!(source.kind, CheckpointKind::Source);
    }
}

//! The stream context a run receives, the catalog and the run summaries.

use serde::{Deserialize, Serialize};

use crate::limits::StreamLimits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    FullRefresh,
    Incremental,
    Cdc,
}

/// One stream of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamContext {
    pub stream_name: String,
    #[serde(default)]
    pub source_stream_name: Option<String>,
    pub sync_mode: SyncMode,
    #[serde(default)]
    pub cursor_field: Option<String>,
    #[serde(default)]
    pub limits: StreamLimits,
    #[serde(default)]
    pub selected_columns: Option<Vec<String>>,
}

impl StreamContext {
    pub fn new(stream_name: impl Into<String>, sync_mode: SyncMode) -> StreamContext {
        StreamContext {
            stream_name: stream_name.into(),
            source_stream_name: None,
            sync_mode,
            cursor_field: None,
            limits: StreamLimits::default(),
            selected_columns: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSchema {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSchema {
    pub name: String,
    pub columns: Vec<ColumnSchema>,
    pub supported_sync_modes: Vec<SyncMode>,
}

/// What a source's discovery finds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub streams: Vec<StreamSchema>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadSummary {
    pub records_read: u64,
    pub bytes_read: u64,
    pub batches_emitted: u64,
    pub checkpoint_count: u64,
    pub records_skipped: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteSummary {
    pub records_written: u64,
    pub bytes_written: u64,
    pub batches_written: u64,
    pub checkpoint_count: u64,
    pub records_failed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformSummary {
    pub records_in: u64,
    pub records_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub batches_processed: u64,
}

/// What a `run` call is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    Discover,
    Read,
    Write,
    Transform,
}

impl std::fmt::Display for RunPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RunPhase::Discover => "discover",
            RunPhase::Read => "read",
            RunPhase::Write => "write",
            RunPhase::Transform => "transform",
        })
    }
}

/// One `run` call: a phase and the stream it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    pub phase: RunPhase,
    pub stream: StreamContext,
    pub dry_run: bool,
    pub max_records: Option<u64>,
}

/// What a `run` call produced: the summary of its phase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub read: Option<ReadSummary>,
    pub write: Option<WriteSummary>,
    pub transform: Option<TransformSummary>,
    pub discover: Option<Catalog>,
}

impl RunSummary {
    pub fn read(summary: ReadSummary) -> RunSummary {
        RunSummary { read: Some(summary), ..RunSummary::default() }
    }

    pub fn write(summary: WriteSummary) -> RunSummary {
        RunSummary { write: Some(summary), ..RunSummary::default() }
    }

    pub fn transform(summary: TransformSummary) -> RunSummary {
        RunSummary { transform: Some(summary), ..RunSummary::default() }
    }

    pub fn discover(catalog: Catalog) -> RunSummary {
        RunSummary { discover: Some(catalog), ..RunSummary::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_context_defaults_optional_fields() {
        let ctx: StreamContext =
            serde_json::from_str(r#"{"stream_name": "users", "sync_mode": "incremental"}"#).unwrap();
        assert_eq!(ctx, StreamContext::new("users", SyncMode::Incremental));
        let json = serde_json::to_string(&ctx).unwrap();
        assert_eq!(serde_json::from_str::<StreamContext>(&json).unwrap(), ctx);
    }

    #[test]
    fn catalog_round_trips() {
        let catalog = Catalog {
            streams: vec![StreamSchema {
                name: "users".into(),
                columns: vec![ColumnSchema { name: "id".into(), data_type: "int64".into(), nullable: false }],
                supported_sync_modes: vec![SyncMode::FullRefresh, SyncMode::Cdc],
            }],
        };
        let json = serde_json::to_string(&catalog).unwrap();
        assert_eq!(serde_json::from_str::<Catalog>(&json).unwrap(), catalog);
    }
}

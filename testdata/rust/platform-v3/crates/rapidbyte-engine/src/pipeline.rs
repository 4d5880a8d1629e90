//! Pipeline definitions, as read from a pipeline file.

use std::path::PathBuf;

use serde::Deserialize;

use rapidbyte_types::limits::StreamLimits;
use rapidbyte_types::{StreamContext, SyncMode};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConnectorSpec {
    pub id: String,
    pub component: PathBuf,
    #[serde(default)]
    pub config: serde_json::Value,
    #[serde(default)]
    pub allowed_hosts: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StreamSpec {
    pub name: String,
    pub sync_mode: SyncMode,
    #[serde(default)]
    pub cursor_field: Option<String>,
    #[serde(default)]
    pub max_batch_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Pipeline {
    pub name: String,
    pub source: ConnectorSpec,
    #[serde(default)]
    pub transforms: Vec<ConnectorSpec>,
    pub destination: ConnectorSpec,
    pub streams: Vec<StreamSpec>,
}

impl Pipeline {
    pub fn from_json(text: &str) -> Result<Pipeline, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl StreamSpec {
    /// The stream context the engine hands to every connector of a run.
    pub fn context(&self) -> StreamContext {
        let mut limits = StreamLimits::default();
        if let Some(bytes) = self.max_batch_bytes {
            limits.max_batch_bytes = bytes;
        }
        StreamContext {
            cursor_field: self.cursor_field.clone(),
            limits,
            ..StreamContext::new(&self.name, self.sync_mode)
        }
    }
}

//! Stream catalog returned by `discover`.

use crate::json::JsonValue;
use crate::stream::{ColumnSchema, SyncMode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    pub name: String,
    pub schema: Vec<ColumnSchema>,
    pub supported_sync_modes: Vec<SyncMode>,
    pub source_defined_cursor: Option<String>,
    pub source_defined_primary_key: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    pub streams: Vec<Stream>,
}

impl Catalog {
    pub fn to_json(&self) -> JsonValue {
        let streams = self
            .streams
            .iter()
            .map(|s| {
                JsonValue::object([
                    ("name", JsonValue::from(s.name.as_str())),
                    (
                        "schema",
                        JsonValue::Array(
                            s.schema
                                .iter()
                                .map(|c| {
                                    JsonValue::object([
                                        ("name", JsonValue::from(c.name.as_str())),
                                        ("data_type", JsonValue::from(c.data_type.as_str())),
                                        ("nullable", JsonValue::from(c.nullable)),
                                    ])
                                })
                                .collect(),
                        ),
                    ),
                    (
                        "supported_sync_modes",
                        JsonValue::Array(s.supported_sync_modes.iter().map(|m| JsonValue::from(m.as_str())).collect()),
                    ),
                    ("source_defined_cursor", JsonValue::from(s.source_defined_cursor.clone())),
                    (
                        "source_defined_primary_key",
                        s.source_defined_primary_key.as_ref().map_or(JsonValue::Null, |pk| {
                            JsonValue::Array(pk.iter().map(|k| JsonValue::from(k.as_str())).collect())
                        }),
                    ),
                ])
            })
            .collect();
        JsonValue::object([("streams", JsonValue::Array(streams))])
    }
}

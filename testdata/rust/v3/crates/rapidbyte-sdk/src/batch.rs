//! Record batches and their frame encoding (`rapidbyte-json-rows/1`, see
//! `docs/batch-format.md`). Stand-in for the Arrow `RecordBatch` of the real SDK.

use crate::error::ConnectorError;
use crate::json::JsonValue;
use crate::stream::{parse_columns, ColumnSchema};

pub const BATCH_FORMAT: &str = "rapidbyte-json-rows/1";

#[derive(Debug, Clone, PartialEq)]
pub struct RecordBatch {
    pub stream: String,
    pub schema: Vec<ColumnSchema>,
    pub rows: Vec<Vec<JsonValue>>,
}

impl RecordBatch {
    pub fn new(stream: impl Into<String>, schema: Vec<ColumnSchema>) -> Self {
        RecordBatch { stream: stream.into(), schema, rows: Vec::new() }
    }

    pub fn num_rows(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.schema.iter().position(|c| c.name == name)
    }

    pub fn push_row(&mut self, row: Vec<JsonValue>) -> Result<(), ConnectorError> {
        if row.len() != self.schema.len() {
            return Err(ConnectorError::data(
                "ROW_WIDTH",
                format!("row has {} values, schema has {} columns", row.len(), self.schema.len()),
            ));
        }
        self.rows.push(row);
        Ok(())
    }

    /// Encoded size in bytes, as it will cross the host boundary.
    pub fn byte_size(&self) -> u64 {
        self.to_frame_bytes().len() as u64
    }

    pub fn to_frame_bytes(&self) -> Vec<u8> {
        let schema = self
            .schema
            .iter()
            .map(|c| {
                JsonValue::object([
                    ("name", JsonValue::from(c.name.as_str())),
                    ("type", JsonValue::from(c.data_type.as_str())),
                    ("nullable", JsonValue::from(c.nullable)),
                ])
            })
            .collect();
        let rows = self.rows.iter().map(|r| JsonValue::Array(r.clone())).collect();
        JsonValue::object([
            ("format", JsonValue::from(BATCH_FORMAT)),
            ("stream", JsonValue::from(self.stream.as_str())),
            ("schema", JsonValue::Array(schema)),
            ("rows", JsonValue::Array(rows)),
        ])
        .to_string()
        .into_bytes()
    }

    pub fn from_frame_bytes(bytes: &[u8]) -> Result<Self, ConnectorError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ConnectorError::frame("FRAME_UTF8", e.to_string()))?;
        let doc = JsonValue::parse(text).map_err(|e| ConnectorError::frame("FRAME_JSON", e.to_string()))?;
        if doc.str_field("format").as_deref() != Some(BATCH_FORMAT) {
            return Err(ConnectorError::frame("FRAME_FORMAT", "not a rapidbyte-json-rows/1 frame"));
        }
        let schema = doc.get("schema").and_then(|s| {
            // The frame spells the logical type `type`; the catalog spells it `data_type`.
            let renamed: Vec<JsonValue> = s
                .as_array()?
                .iter()
                .map(|c| {
                    JsonValue::object([
                        ("name", c.get("name").cloned().unwrap_or(JsonValue::Null)),
                        ("data_type", c.get("type").cloned().unwrap_or(JsonValue::Null)),
                        ("nullable", c.get("nullable").cloned().unwrap_or(JsonValue::Bool(true))),
                    ])
                })
                .collect();
            parse_columns(Some(&JsonValue::Array(renamed)))
        });
        let schema = schema.ok_or_else(|| ConnectorError::frame("FRAME_SCHEMA", "bad schema"))?;
        let mut batch = RecordBatch::new(doc.str_field("stream").unwrap_or_default(), schema);
        for row in doc.get("rows").and_then(JsonValue::as_array).unwrap_or_default() {
            let row = row.as_array().ok_or_else(|| ConnectorError::frame("FRAME_ROW", "row is not a list"))?;
            batch.push_row(row.to_vec())?;
        }
        Ok(batch)
    }
}

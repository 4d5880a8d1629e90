//! The JSON payloads of protocol v3, built and parsed by hand.
//!
//! v3 passes checkpoints and metrics as JSON strings, optionally wrapped in an
//! envelope `{"protocol_version": "2", "connector_id", "stream_name", "payload"}`,
//! and the stream context as `ctx-json`.

use crate::json::JsonValue;

#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRecord {
    /// 0 = source, 1 = destination, 2 = transform.
    pub kind: u32,
    pub stream: String,
    pub id: u64,
    pub cursor_field: Option<String>,
    pub cursor_value: Option<JsonValue>,
    pub records_processed: u64,
    pub bytes_processed: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricRecord {
    pub name: String,
    /// `counter`, `gauge` or `histogram`.
    pub metric_type: String,
    pub value: f64,
    pub labels: Vec<(String, String)>,
}

fn unwrap_envelope(doc: JsonValue) -> JsonValue {
    match doc.get("payload") {
        Some(inner) if doc.get("protocol_version").is_some() => inner.clone(),
        _ => doc,
    }
}

pub fn parse_checkpoint(kind: u32, payload_json: &str) -> Result<CheckpointRecord, String> {
    let doc = unwrap_envelope(JsonValue::parse(payload_json).map_err(|e| e.to_string())?);
    let kind = match doc.str_field("kind").as_deref() {
        Some("source") => 0,
        Some("dest") | Some("destination") => 1,
        Some("transform") => 2,
        Some(other) => return Err(format!("unknown checkpoint kind {other:?}")),
        None => kind,
    };
    Ok(CheckpointRecord {
        kind,
        stream: doc.str_field("stream").ok_or("checkpoint without stream")?,
        id: doc.u64_field("id").ok_or("checkpoint without id")?,
        cursor_field: doc.str_field("cursor_field"),
        cursor_value: doc.get("cursor_value").cloned(),
        records_processed: doc.u64_field("records_processed").unwrap_or(0),
        bytes_processed: doc.u64_field("bytes_processed").unwrap_or(0),
    })
}

pub fn parse_metric(payload_json: &str) -> Result<MetricRecord, String> {
    let doc = unwrap_envelope(JsonValue::parse(payload_json).map_err(|e| e.to_string())?);
    let value = doc.get("value").ok_or("metric without value")?;
    let labels = doc
        .get("labels")
        .and_then(JsonValue::as_array)
        .unwrap_or_default()
        .iter()
        .map(|pair| match pair.as_array() {
            Some([k, v]) => Ok((k.as_str().unwrap_or_default().to_owned(), v.as_str().unwrap_or_default().to_owned())),
            _ => Err("metric label is not a [key, value] pair".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    Ok(MetricRecord {
        name: doc.str_field("name").ok_or("metric without name")?,
        metric_type: value.str_field("type").unwrap_or_else(|| "gauge".to_owned()),
        value: value.get("value").and_then(JsonValue::as_f64).ok_or("metric value is not a number")?,
        labels,
    })
}

fn quote(text: &str) -> String {
    JsonValue::from(text).to_string()
}

/// The v3 checkpoint envelope, as the state journal stores it.
pub fn checkpoint_envelope_json(connector_id: &str, record: &CheckpointRecord) -> String {
    let kind = ["source", "dest", "transform"].get(record.kind as usize).copied().unwrap_or("source");
    format!(
        r#"{{"protocol_version":"2","connector_id":{},"stream_name":{},"payload":{{"id":{},"kind":"{}","stream":{},"cursor_field":{},"cursor_value":{},"records_processed":{},"bytes_processed":{}}}}}"#,
        quote(connector_id),
        quote(&record.stream),
        record.id,
        kind,
        quote(&record.stream),
        record.cursor_field.as_deref().map_or("null".to_owned(), quote),
        record.cursor_value.as_ref().map_or("null".to_owned(), JsonValue::to_string),
        record.records_processed,
        record.bytes_processed,
    )
}

/// The v3 metric envelope.
pub fn metric_envelope_json(connector_id: &str, stream: &str, metric: &MetricRecord) -> String {
    let labels =
        metric.labels.iter().map(|(k, v)| format!("[{},{}]", quote(k), quote(v))).collect::<Vec<_>>().join(",");
    format!(
        r#"{{"protocol_version":"2","connector_id":{},"stream_name":{},"payload":{{"name":{},"value":{{"type":"{}","value":{}}},"labels":[{}]}}}}"#,
        quote(connector_id),
        quote(stream),
        quote(&metric.name),
        metric.metric_type,
        JsonValue::from(metric.value),
        labels,
    )
}

/// What the runner knows about a stream it is about to run.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSpec {
    pub name: String,
    pub columns: Vec<(String, String, bool)>,
    /// `full_refresh`, `incremental` or `cdc`.
    pub sync_mode: String,
    pub cursor_field: Option<String>,
    pub last_value: Option<JsonValue>,
    pub max_batch_bytes: u64,
    /// `append`, `replace` or `upsert`.
    pub write_mode: Option<String>,
    pub primary_key: Vec<String>,
    /// `skip`, `fail` or `dlq`.
    pub on_data_error: String,
}

/// The v3 `ctx-json` for `run-read` / `run-write` / `run-transform`.
pub fn build_ctx_json(stream: &StreamSpec) -> String {
    let columns = stream
        .columns
        .iter()
        .map(|(name, data_type, nullable)| {
            format!(r#"{{"name":{},"data_type":{},"nullable":{}}}"#, quote(name), quote(data_type), nullable)
        })
        .collect::<Vec<_>>()
        .join(",");
    let cursor_info = match &stream.cursor_field {
        Some(field) => format!(
            r#"{{"cursor_field":{},"cursor_type":"utf8","last_value":{}}}"#,
            quote(field),
            stream.last_value.as_ref().map_or("null".to_owned(), JsonValue::to_string)
        ),
        None => "null".to_owned(),
    };
    let write_mode = match stream.write_mode.as_deref() {
        None => "null".to_owned(),
        Some("upsert") => format!(
            r#"{{"mode":"upsert","primary_key":[{}]}}"#,
            stream.primary_key.iter().map(|k| quote(k)).collect::<Vec<_>>().join(",")
        ),
        Some(mode) => format!(r#"{{"mode":{}}}"#, quote(mode)),
    };
    format!(
        r#"{{"stream_name":{},"source_stream_name":null,"schema":{{"format":"columns","data":[{}]}},"sync_mode":{},"cursor_info":{},"limits":{{"max_batch_bytes":{},"max_record_bytes":16777216,"max_inflight_batches":16,"max_parallel_requests":1,"checkpoint_interval_bytes":67108864,"checkpoint_interval_rows":0,"checkpoint_interval_seconds":0,"max_records":null}},"policies":{{"on_data_error":{},"schema_evolution":{{}}}},"write_mode":{},"selected_columns":null}}"#,
        quote(&stream.name),
        columns,
        quote(&stream.sync_mode),
        cursor_info,
        stream.max_batch_bytes,
        quote(&stream.on_data_error),
        write_mode,
    )
}

/// The stream name of a `ctx-json` payload.
pub fn stream_name_from_ctx_json(ctx_json: &str) -> Result<String, String> {
    JsonValue::parse(ctx_json)
        .map_err(|e| e.to_string())?
        .str_field("stream_name")
        .ok_or_else(|| "ctx_json has no stream_name".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_envelope_round_trips() {
        let record = CheckpointRecord {
            kind: 1,
            stream: "users".into(),
            id: 7,
            cursor_field: Some("id".into()),
            cursor_value: Some(JsonValue::from(42u64)),
            records_processed: 10,
            bytes_processed: 100,
        };
        assert_eq!(parse_checkpoint(0, &checkpoint_envelope_json("c", &record)).unwrap(), record);
    }

    #[test]
    fn ctx_json_names_the_stream() {
        let spec = StreamSpec {
            name: "users".into(),
            columns: vec![("id".into(), "int64".into(), false)],
            sync_mode: "incremental".into(),
            cursor_field: Some("id".into()),
            last_value: None,
            max_batch_bytes: 1024,
            write_mode: Some("upsert".into()),
            primary_key: vec!["id".into()],
            on_data_error: "fail".into(),
        };
        let ctx_json = build_ctx_json(&spec);
        assert!(JsonValue::parse(&ctx_json).is_ok(), "{ctx_json}");
        assert_eq!(stream_name_from_ctx_json(&ctx_json).unwrap(), "users");
    }
}

//! Table reads: full refresh, or incremental past a cursor column.
//!
//! Rows are decoded into batches of at most `batch_rows` rows and
//! `limits.max_batch_bytes` bytes. Incremental reads checkpoint after every
//! batch and keep the cursor in per-stream state as well, so a restarted sync
//! resumes even when the host lost the checkpoint.

use std::time::Instant;

use rapidbyte_sdk::json::JsonValue;
use rapidbyte_sdk::{
    Checkpoint, CheckpointKind, ColumnSchema, ConnectorError, Context, CursorValue, DataErrorPolicy, ErrorCategory,
    ReadSummary, RecordBatch, StateScope, StreamContext, SyncMode,
};

use crate::client::{PgClient, QueryResult};
use crate::config::Config;
use crate::discovery::logical_type_for_oid;
use crate::metrics::{self, ReadTimings};

const CURSOR_STATE_KEY: &str = "cursor";

/// Read one table and emit it as batches.
pub async fn read_table(
    ctx: &Context,
    client: &mut PgClient,
    config: &Config,
    stream: &StreamContext,
) -> Result<ReadSummary, ConnectorError> {
    let cursor_field = match stream.sync_mode {
        SyncMode::Incremental => stream.cursor_info.as_ref().map(|c| c.cursor_field.clone()),
        SyncMode::FullRefresh | SyncMode::Cdc => None,
    };
    let start_after = match &cursor_field {
        Some(_) => resume_point(ctx, stream)?,
        None => None,
    };

    let sql = build_query(config, stream, cursor_field.as_deref(), start_after.as_ref());
    let mut timings = ReadTimings::default();
    let started = Instant::now();
    let result = client.query(&sql)?;
    timings.query_nanos = started.elapsed().as_nanos() as u64;

    let schema: Vec<ColumnSchema> = result
        .columns
        .iter()
        .map(|c| ColumnSchema {
            name: c.name.clone(),
            data_type: logical_type_for_oid(c.type_oid).to_owned(),
            nullable: true,
        })
        .collect();
    let cursor_index = cursor_field.as_ref().and_then(|f| schema.iter().position(|c| &c.name == f));

    let mut summary = ReadSummary::default();
    let mut batch = RecordBatch::new(stream.stream_name.clone(), schema.clone());
    let mut batch_bytes = 0u64;
    let mut last_cursor: Option<JsonValue> = None;

    for row in decode_rows(&result) {
        let values = match row {
            Ok(values) => values,
            Err((raw, err)) => {
                match stream.policies.on_data_error {
                    DataErrorPolicy::Fail => return Err(err),
                    DataErrorPolicy::Skip => {}
                    DataErrorPolicy::Dlq => ctx.telemetry_dlq(&raw, &err.message, ErrorCategory::Data)?,
                }
                summary.records_skipped += 1;
                continue;
            }
        };
        let row_bytes = values.iter().map(|v| v.to_string().len() as u64 + 1).sum::<u64>();
        if let Some(i) = cursor_index {
            last_cursor = Some(values[i].clone());
        }
        batch.push_row(values)?;
        batch_bytes += row_bytes;
        summary.records_read += 1;
        summary.bytes_read += row_bytes;

        if batch.num_rows() >= config.batch_rows || batch_bytes >= stream.limits.max_batch_bytes {
            flush(ctx, stream, &mut batch, &mut summary, &mut timings, cursor_field.as_deref(), last_cursor.as_ref())?;
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        flush(ctx, stream, &mut batch, &mut summary, &mut timings, cursor_field.as_deref(), last_cursor.as_ref())?;
    }

    metrics::report(ctx, &stream.stream_name, &summary, &timings)?;
    Ok(summary)
}

fn flush(
    ctx: &Context,
    stream: &StreamContext,
    batch: &mut RecordBatch,
    summary: &mut ReadSummary,
    timings: &mut ReadTimings,
    cursor_field: Option<&str>,
    last_cursor: Option<&JsonValue>,
) -> Result<(), ConnectorError> {
    let full = std::mem::replace(batch, RecordBatch::new(stream.stream_name.clone(), batch.schema.clone()));
    emit_batch(ctx, &full, timings)?;
    summary.batches_emitted += 1;

    let (Some(field), Some(cursor)) = (cursor_field, last_cursor) else {
        return Ok(());
    };
    ctx.telemetry_checkpoint(&Checkpoint {
        id: summary.batches_emitted,
        kind: CheckpointKind::Source,
        stream: stream.stream_name.clone(),
        cursor_field: Some(field.to_owned()),
        cursor_value: Some(cursor_value(cursor)),
        records_processed: summary.records_read,
        bytes_processed: summary.bytes_read,
    })?;
    // TRAP: field checkpoint_count is a summary field, not the checkpoint call
    summary.checkpoint_count += 1;
    ctx.state_put(StateScope::PerStream, CURSOR_STATE_KEY, &cursor.to_string())
}

// TRAP: local fn emit_batch shares the protocol name; only the ctx call inside is the host call
// TRAP: doc comment code span below names the host call
/// Emits one batch with `ctx.batch_emit()` and records how long the host took.
fn emit_batch(ctx: &Context, batch: &RecordBatch, timings: &mut ReadTimings) -> Result<(), ConnectorError> {
    let started = Instant::now();
    ctx.batch_emit(batch).map_err(|e| {
        // TRAP: error string "emit_batch failed" is log text, not code
        ConnectorError::internal("EMIT_FAILED", format!("emit_batch failed: {}", e.message))
    })?;
    timings.emit_batch_nanos += started.elapsed().as_nanos() as u64;
    Ok(())
}

/// Where an incremental read starts: the cursor kept in state wins over the
/// one the host sent (it is newer when the last checkpoint was not committed).
fn resume_point(ctx: &Context, stream: &StreamContext) -> Result<Option<JsonValue>, ConnectorError> {
    if let Some(saved) = ctx.state_get(StateScope::PerStream, CURSOR_STATE_KEY)? {
        return Ok(Some(JsonValue::parse(&saved)?));
    }
    Ok(stream.cursor_info.as_ref().and_then(|c| c.last_value.clone()))
}

fn cursor_value(value: &JsonValue) -> CursorValue {
    match value {
        JsonValue::Null => CursorValue::Null,
        JsonValue::Number(n) if n.fract() == 0.0 => CursorValue::Int64(*n as i64),
        JsonValue::String(s) => CursorValue::Utf8(s.clone()),
        other => CursorValue::Json(other.clone()),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_literal(value: &JsonValue) -> String {
    match value {
        JsonValue::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => other.to_string(),
    }
}

fn build_query(
    config: &Config,
    stream: &StreamContext,
    cursor_field: Option<&str>,
    start_after: Option<&JsonValue>,
) -> String {
    let table = stream.source_stream_name.as_deref().unwrap_or(&stream.stream_name);
    let columns = match &stream.selected_columns {
        Some(cols) if !cols.is_empty() => cols.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", "),
        _ => "*".to_owned(),
    };
    let mut sql = format!("SELECT {columns} FROM {}.{}", quote_ident(&config.schema), quote_ident(table));
    let mut predicates = Vec::new();
    if let (Some(field), Some(value)) = (cursor_field, start_after) {
        predicates.push(format!("{} > {}", quote_ident(field), sql_literal(value)));
    }
    if let (Some(count), Some(index)) = (stream.partition_count, stream.partition_index) {
        if count > 1 {
            predicates.push(format!("mod(abs(hashtext(ctid::text)), {count}) = {index}"));
        }
    }
    if !predicates.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&predicates.join(" AND "));
    }
    if let Some(field) = cursor_field {
        sql.push_str(&format!(" ORDER BY {}", quote_ident(field)));
    }
    if let Some(max) = stream.limits.max_records {
        sql.push_str(&format!(" LIMIT {max}"));
    }
    sql
}

type DecodedRow = Result<Vec<JsonValue>, (String, ConnectorError)>;

fn decode_rows(result: &QueryResult) -> impl Iterator<Item = DecodedRow> + '_ {
    result.rows.iter().map(move |row| {
        row.iter()
            .zip(&result.columns)
            .map(|(value, column)| decode_value(value.as_deref(), logical_type_for_oid(column.type_oid)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| {
                let raw = JsonValue::Array(row.iter().map(|v| JsonValue::from(v.clone())).collect());
                (raw.to_string(), err)
            })
    })
}

fn decode_value(text: Option<&str>, logical: &str) -> Result<JsonValue, ConnectorError> {
    let Some(text) = text else {
        return Ok(JsonValue::Null);
    };
    let bad = || ConnectorError::data("DECODE_FAILED", format!("cannot decode {text:?} as {logical}"));
    Ok(match logical {
        "int64" => JsonValue::from(text.parse::<i64>().map_err(|_| bad())?),
        "float64" => match text {
            "NaN" | "Infinity" | "-Infinity" => JsonValue::from(text),
            _ => JsonValue::from(text.parse::<f64>().map_err(|_| bad())?),
        },
        "bool" => JsonValue::from(text == "t"),
        "json" => JsonValue::parse(text).map_err(|_| bad())?,
        "bytes" => JsonValue::from(text.strip_prefix("\\x").ok_or_else(bad)?),
        "timestamp" => JsonValue::from(text.replacen(' ', "T", 1)),
        _ => JsonValue::from(text),
    })
}

//! Loading one stream's batches into a table.

use rapidbyte_sdk::prelude::*;

use crate::client::{quote_ident, PgConnection};
use crate::config::{Config, LoadMethod};
use crate::copy::CopyBuffer;
use crate::error_ext::ResultExt;

/// Counters kept while loading one stream.
#[derive(Debug, Default, Clone, Copy)]
struct WriteStats {
    batches: u64,
    // TRAP: field checkpoint_count on a local struct, not the checkpoint call
    checkpoint_count: u64,
    rows_since_checkpoint: u64,
}

/// Loads the batches of one stream inside a transaction that is committed at
/// every checkpoint.
pub struct WriteSession<'a> {
    ctx: Context,
    conn: &'a mut PgConnection,
    config: &'a Config,
    stream: StreamContext,
    columns: Vec<ColumnSchema>,
    stats: WriteStats,
    summary: WriteSummary,
}

impl<'a> WriteSession<'a> {
    pub fn new(ctx: Context, conn: &'a mut PgConnection, config: &'a Config, stream: StreamContext) -> Self {
        WriteSession {
            ctx,
            conn,
            config,
            stream,
            columns: Vec::new(),
            stats: WriteStats::default(),
            summary: WriteSummary::default(),
        }
    }

    pub fn run(mut self) -> Result<WriteSummary, ConnectorError> {
        let max_bytes = self.stream.limits.max_batch_bytes;
        while let Some(batch) = self.ctx.next_batch(max_bytes)? {
            if self.stats.batches == 0 {
                self.prepare(&batch.schema)?;
            }
            self.load(&batch)?;
            self.stats.batches += 1;
            self.summary.batches_written += 1;
            if self.checkpoint_due() {
                self.commit_checkpoint()?;
            }
        }
        if self.stats.batches > 0 {
            self.finish()?;
        }
        self.ctx.log(
            LogLevel::Info,
            &format!(
                "{}: wrote {} rows in {} batches ({} checkpoints)",
                self.stream.stream_name, self.summary.records_written, self.stats.batches, self.stats.checkpoint_count
            ),
        );
        Ok(self.summary)
    }

    fn table(&self) -> String {
        format!("{}.{}", quote_ident(&self.config.schema), quote_ident(&self.stream.stream_name))
    }

    fn staging_table(&self) -> String {
        quote_ident(&format!("_rb_stage_{}", self.stream.stream_name))
    }

    fn prepare(&mut self, schema: &[ColumnSchema]) -> Result<(), ConnectorError> {
        self.columns = match self.stream.columns() {
            [] => schema.to_vec(),
            declared => declared.to_vec(),
        };
        let column_defs = self
            .columns
            .iter()
            .map(|c| {
                format!(
                    "{} {}{}",
                    quote_ident(&c.name),
                    pg_type(&c.data_type),
                    if c.nullable { "" } else { " NOT NULL" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let table = self.table();
        self.conn.execute(&format!("CREATE TABLE IF NOT EXISTS {table} ({column_defs})")).context("creating table")?;
        self.conn.execute("BEGIN")?;
        match &self.stream.write_mode {
            Some(WriteMode::Replace) => self.conn.execute(&format!("TRUNCATE {table}")).context("truncating")?,
            Some(WriteMode::Upsert { .. }) => self
                .conn
                .execute(&format!("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {table})", self.staging_table()))
                .context("creating staging table")?,
            Some(WriteMode::Append) | None => {}
        }
        Ok(())
    }

    fn load(&mut self, batch: &RecordBatch) -> Result<(), ConnectorError> {
        let flush_bytes = self.stream.copy_flush_bytes_override.unwrap_or(self.config.copy_flush_bytes) as usize;
        let mut buffer = CopyBuffer::default();
        let mut pending: Vec<&[JsonValue]> = Vec::new();
        for row in &batch.rows {
            if let Err(err) = self.check_row(batch, row) {
                self.summary.records_failed += 1;
                match self.stream.policies.on_data_error {
                    DataErrorPolicy::Fail => return Err(err),
                    DataErrorPolicy::Skip => continue,
                    DataErrorPolicy::Dlq => {
                        let record = JsonValue::Array(row.clone()).to_string();
                        self.ctx.emit_dlq_record(&record, &err.message, ErrorCategory::Data)?;
                        continue;
                    }
                }
            }
            match self.config.load_method {
                LoadMethod::Copy => {
                    buffer.push_row(row).context("encoding COPY row")?;
                    if buffer.len() >= flush_bytes {
                        self.send_copy(&mut buffer)?;
                    }
                }
                LoadMethod::Insert => pending.push(row),
            }
        }
        match self.config.load_method {
            LoadMethod::Copy => self.send_copy(&mut buffer),
            LoadMethod::Insert => self.send_inserts(&pending),
        }
    }

    fn check_row(&self, batch: &RecordBatch, row: &[JsonValue]) -> Result<(), ConnectorError> {
        for (column, value) in batch.schema.iter().zip(row) {
            let declared = self.columns.iter().find(|c| c.name == column.name);
            if value.is_null() && declared.is_some_and(|c| !c.nullable) {
                return Err(ConnectorError::data("NULL_IN_NOT_NULL", format!("column {} is NOT NULL", column.name)));
            }
        }
        Ok(())
    }

    fn target(&self) -> String {
        match self.stream.write_mode {
            Some(WriteMode::Upsert { .. }) => self.staging_table(),
            _ => self.table(),
        }
    }

    fn column_list(&self) -> String {
        self.columns.iter().map(|c| quote_ident(&c.name)).collect::<Vec<_>>().join(", ")
    }

    fn send_copy(&mut self, buffer: &mut CopyBuffer) -> Result<(), ConnectorError> {
        let (data, rows) = buffer.take();
        if rows == 0 {
            return Ok(());
        }
        let sql = format!("COPY {} ({}) FROM STDIN", self.target(), self.column_list());
        self.conn.copy_in(&sql, &data).context("COPY")?;
        self.summary.records_written += rows;
        self.summary.bytes_written += data.len() as u64;
        self.stats.rows_since_checkpoint += rows;
        Ok(())
    }

    fn send_inserts(&mut self, rows: &[&[JsonValue]]) -> Result<(), ConnectorError> {
        if rows.is_empty() {
            return Ok(());
        }
        let values = rows
            .iter()
            .map(|row| format!("({})", row.iter().map(sql_literal).collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {} ({}) VALUES {values}", self.target(), self.column_list());
        self.conn.execute(&sql).context("INSERT")?;
        self.summary.records_written += rows.len() as u64;
        self.summary.bytes_written += sql.len() as u64;
        self.stats.rows_since_checkpoint += rows.len() as u64;
        Ok(())
    }

    fn checkpoint_due(&self) -> bool {
        let limits = &self.stream.limits;
        (limits.checkpoint_interval_rows > 0 && self.stats.rows_since_checkpoint >= limits.checkpoint_interval_rows)
            || (limits.checkpoint_interval_bytes > 0 && self.summary.bytes_written >= limits.checkpoint_interval_bytes)
    }

    fn merge_staging(&mut self) -> Result<(), ConnectorError> {
        let Some(WriteMode::Upsert { primary_key }) = &self.stream.write_mode else {
            return Ok(());
        };
        let updates = self
            .columns
            .iter()
            .filter(|c| !primary_key.contains(&c.name))
            .map(|c| format!("{0} = EXCLUDED.{0}", quote_ident(&c.name)))
            .collect::<Vec<_>>()
            .join(", ");
        let key = primary_key.iter().map(|k| quote_ident(k)).collect::<Vec<_>>().join(", ");
        let on_conflict = if updates.is_empty() { "DO NOTHING".to_owned() } else { format!("DO UPDATE SET {updates}") };
        let sql = format!(
            "INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT ({key}) {on_conflict}; TRUNCATE {stage}",
            table = self.table(),
            cols = self.column_list(),
            stage = self.staging_table(),
        );
        self.conn.execute(&sql).context("merging staged rows")
    }

    fn commit_checkpoint(&mut self) -> Result<(), ConnectorError> {
        self.merge_staging()?;
        self.conn.execute("COMMIT").context("committing")?;
        self.stats.checkpoint_count += 1;
        self.stats.rows_since_checkpoint = 0;
        self.ctx.checkpoint(&Checkpoint {
            id: self.stats.checkpoint_count,
            kind: CheckpointKind::Dest,
            stream: self.stream.stream_name.clone(),
            cursor_field: None,
            cursor_value: None,
            records_processed: self.summary.records_written,
            bytes_processed: self.summary.bytes_written,
        })?;
        self.summary.checkpoint_count = self.stats.checkpoint_count;
        self.conn.execute("BEGIN")
    }

    fn finish(&mut self) -> Result<(), ConnectorError> {
        self.commit_checkpoint()?;
        self.conn.execute("COMMIT")
    }
}

fn pg_type(logical: &str) -> &'static str {
    match logical {
        "int64" => "bigint",
        "float64" => "double precision",
        "numeric" => "numeric",
        "bool" => "boolean",
        "timestamp" => "timestamp",
        "timestamptz" => "timestamptz",
        "date" => "date",
        "json" => "jsonb",
        "bytes" => "bytea",
        _ => "text",
    }
}

fn sql_literal(value: &JsonValue) -> String {
    match value {
        JsonValue::Null => "NULL".to_owned(),
        JsonValue::Bool(b) => b.to_string(),
        JsonValue::Number(_) => value.to_string(),
        JsonValue::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => format!("'{}'", other.to_string().replace('\'', "''")),
    }
}

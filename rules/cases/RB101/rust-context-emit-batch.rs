use rapidbyte_sdk::{ConnectorError, Context, RecordBatch};

/// Emits one batch with `ctx.emit_batch()`; a local helper that shares the protocol name.
fn emit_batch(ctx: &Context, batch: &RecordBatch) -> Result<(), ConnectorError> {
    ctx.emit_batch(batch).map_err(|e| ConnectorError::internal("EMIT_FAILED", format!("emit_batch failed: {e}")))
}

pub fn flush(ctx: &Context, batch: &RecordBatch) -> Result<(), ConnectorError> {
    emit_batch(ctx, batch)?;
    let emit_batch_nanos = 0u64;
    let _ = emit_batch_nanos;
    Ok(())
}

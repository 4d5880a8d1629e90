use rapidbyte_sdk::{ConnectorError, Context, RecordBatch};

pub fn emit(ctx: &Context, batch: &RecordBatch) -> Result<(), ConnectorError> {
    ctx.emit_batch(batch).map_err(|e| ConnectorError::internal("EMIT_FAILED", format!("emit_batch failed: {}", e.message)))
}

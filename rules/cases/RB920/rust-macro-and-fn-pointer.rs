use rapidbyte_sdk::prelude::*;

// A macro body: the expression has no type, but the method name only exists in v3.
macro_rules! emit {
    ($ctx:expr, $batch:expr) => {
        $ctx.emit_batch(&$batch)
    };
}

// A function pointer through the type, never a method call.
pub fn emitter() -> fn(&Context, &RecordBatch) -> Result<(), ConnectorError> {
    Context::emit_batch
}

pub fn checkpointer() -> fn(&Context, Checkpoint) -> Result<(), ConnectorError> {
    Context::checkpoint
}

pub fn flush(ctx: &Context, batch: RecordBatch) -> Result<(), ConnectorError> {
    emit!(ctx, batch)
}

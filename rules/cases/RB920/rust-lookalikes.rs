use rapidbyte_sdk::prelude::*;
use std::io::{self, Write};

pub struct Queue;
pub struct Timings {
    pub emit_batch_nanos: u64,
    pub checkpoint_count: u64,
}

// the project's own helper, named like the v3 method: its name and its bare calls stay
fn emit_batch(ctx: &Context, batch: &RecordBatch) -> Result<(), ConnectorError> {
    ctx.batch_emit(batch)
}

pub fn read(ctx: &Context, queue: &mut Queue, t: &mut Timings, batch: RecordBatch) -> Result<(), ConnectorError> {
    emit_batch(ctx, &batch)?;
    queue.next_batch(16); // a method of another type, declared as such
    t.checkpoint_count += 1;
    let source_connector_id = "x";
    let message = "emit_batch failed"; // a label (the adapter lists such strings, RB904)
    metrics::checkpoint(); // a module of the project
    ctx.checkpoint(Checkpoint::default())?; // the SDK context: renamed (RB104)
    sdk_context().emit_batch(&batch)?; // a receiver nobody can prove, but a v3-only method: reported
    Ok(())
}

impl Write for Timings {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn poll(cx: &mut std::task::Context<'_>) {
    cx.checkpoint(); // std's Context: never the SDK
}

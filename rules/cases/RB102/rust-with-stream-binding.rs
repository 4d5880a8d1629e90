use rapidbyte_sdk::prelude::*;

pub fn drain(ctx: &Context, stream: &StreamContext) -> Result<u64, ConnectorError> {
    let stream_ctx = ctx.with_stream(&stream.stream_name);
    let mut rows = 0;
    while let Some(batch) = stream_ctx.next_batch(stream.limits.max_batch_bytes)? {
        rows += batch.num_rows() as u64;
    }
    Ok(rows)
}

// not the SDK Context: a receiver nobody can prove
pub fn other(queue: &mut Queue) -> Option<Batch> {
    queue.next_batch(16)
}

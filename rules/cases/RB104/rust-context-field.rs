use rapidbyte_sdk::prelude::*;

pub struct WriteSession {
    ctx: Context,
    checkpoint_count: u64,
}

impl WriteSession {
    fn commit(&mut self, stream: &str) -> Result<(), ConnectorError> {
        self.checkpoint_count += 1;
        self.ctx.checkpoint(&Checkpoint {
            id: self.checkpoint_count,
            kind: CheckpointKind::Source,
            stream: stream.to_owned(),
            cursor_field: None,
            cursor_value: None,
            records_processed: 0,
            bytes_processed: 0,
        })
    }
}

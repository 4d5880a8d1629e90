use crate::bindings::rapidbyte::connector::host::Host;

#[derive(Default)]
pub struct HostState {
    emitted: Vec<u64>,
    emit_batch_nanos: u64,
}

impl HostState {
    pub fn emit_batch_impl(&mut self, handle: u64) -> Result<(), String> {
        self.emitted.push(handle);
        Ok(())
    }

    pub fn frame_drop_impl(&mut self, handle: u64) {
        let _ = (handle, self.emit_batch_nanos);
    }
}

impl Host for HostState {
    fn emit_batch(&mut self, handle: u64) -> Result<(), String> {
        self.emit_batch_impl(handle)
    }

    fn frame_drop(&mut self, handle: u64) {
        self.frame_drop_impl(handle)
    }
}

#[test]
fn emits() {
    let mut host = HostState::default();
    host.emit_batch(1).unwrap();
    assert!(host.emit_batch(2).is_ok());
}

use crate::bindings::rapidbyte::connector::host;

pub fn flush(handle: u64) -> Result<(), Error> {
    host::frame_seal(handle)?;
    host::emit_batch(handle)
}

pub fn next() -> Result<Option<u64>, Error> {
    crate::bindings::rapidbyte::connector::host::next_batch()
}

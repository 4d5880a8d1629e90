use rapidbyte_sdk::host_ffi::host_imports;

pub struct Socket(u64);

impl Drop for Socket {
    fn drop(&mut self) {
        host_imports().socket_close(self.0);
    }
}

// a method of another type that happens to share the name
pub fn close_all(pool: &mut Pool) {
    pool.socket_close(0);
}

use std::io;

use rapidbyte_sdk::host_ffi::{host_imports, SocketWriteResult};

pub fn send(handle: u64, buf: &[u8]) -> io::Result<usize> {
    match host_imports().socket_write(handle, buf).map_err(|e| io::Error::other(e.message))? {
        SocketWriteResult::Written(n) => Ok(n as usize),
        SocketWriteResult::WouldBlock => Ok(0),
    }
}

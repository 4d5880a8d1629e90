//! Blocking TCP streams over the host's socket imports.

use std::io::{self, Read, Write};

use crate::host_ffi::{host_imports, SocketReadResult, SocketWriteResult};

/// A TCP connection opened by the host (`connect-tcp`), usable wherever
/// `std::io::Read + Write` is expected (database drivers, TLS wrappers).
#[derive(Debug)]
pub struct HostTcpStream {
    handle: u64,
}

impl HostTcpStream {
    pub fn connect(host: &str, port: u16) -> io::Result<Self> {
        let handle = host_imports()
            .connect_tcp(host, port)
            .map_err(|e| io::Error::new(io::ErrorKind::ConnectionRefused, e.message))?;
        Ok(HostTcpStream { handle })
    }

    pub fn handle(&self) -> u64 {
        self.handle
    }
}

impl Read for HostTcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let result =
                host_imports().socket_read(self.handle, buf.len() as u64).map_err(|e| io::Error::other(e.message))?;
            match result {
                SocketReadResult::Data(data) => {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    return Ok(n);
                }
                SocketReadResult::Eof => return Ok(0),
                SocketReadResult::WouldBlock => std::thread::yield_now(),
            }
        }
    }
}

// TRAP: impl io::Write fn write is std::io, not a protocol call
impl Write for HostTcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            let result = host_imports().socket_write(self.handle, buf).map_err(|e| io::Error::other(e.message))?;
            match result {
                SocketWriteResult::Written(n) => return Ok(n as usize),
                SocketWriteResult::WouldBlock => std::thread::yield_now(),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for HostTcpStream {
    fn drop(&mut self) {
        host_imports().socket_close(self.handle);
    }
}

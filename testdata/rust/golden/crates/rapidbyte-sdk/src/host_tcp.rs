//! Blocking TCP streams over the host's socket imports.

use std::io::{self, Read, Write};

use crate::host_ffi::{host_imports, TcpReadResult, TcpWriteResult};

/// A TCP connection opened by the host (`tcp-connect`), usable wherever
/// `std::io::Read + Write` is expected (database drivers, TLS wrappers).
#[derive(Debug)]
pub struct TcpStream {
    handle: u64,
}

impl TcpStream {
    pub fn connect(host: &str, port: u16) -> io::Result<Self> {
        let handle = host_imports()
            .tcp_connect(host, port)
            .map_err(|e| io::Error::new(io::ErrorKind::ConnectionRefused, e.message))?;
        Ok(TcpStream { handle })
    }

    pub fn handle(&self) -> u64 {
        self.handle
    }
}

impl Read for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let result =
                host_imports().tcp_read(self.handle, buf.len() as u64).map_err(|e| io::Error::other(e.message))?;
            match result {
                TcpReadResult::Data(data) => {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    return Ok(n);
                }
                TcpReadResult::Eof => return Ok(0),
                TcpReadResult::WouldBlock => std::thread::yield_now(),
            }
        }
    }
}

// TRAP: impl io::Write fn write is std::io, not a protocol call
impl Write for TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            let result = host_imports().tcp_write(self.handle, buf).map_err(|e| io::Error::other(e.message))?;
            match result {
                TcpWriteResult::Written(n) => return Ok(n as usize),
                TcpWriteResult::WouldBlock => std::thread::yield_now(),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for TcpStream {
    fn drop(&mut self) {
        host_imports().tcp_close(self.handle);
    }
}

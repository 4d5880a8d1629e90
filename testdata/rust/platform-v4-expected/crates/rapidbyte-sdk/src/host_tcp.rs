//! A blocking TCP stream over the host's socket imports, for drivers that want
//! `std::io::{Read, Write}`.

use std::io;

use rapidbyte_types::{ConnectorError, TcpReadResult, TcpWriteResult};

use crate::host_ffi;

/// A connection opened with [`host_ffi::tcp_connect`]; closed on drop.
#[derive(Debug)]
pub struct TcpStream {
    handle: u64,
}

impl TcpStream {
    pub fn connect(host: &str, port: u16) -> Result<TcpStream, ConnectorError> {
        Ok(TcpStream { handle: host_ffi::tcp_connect(host, port)? })
    }

    pub fn handle(&self) -> u64 {
        self.handle
    }
}

fn io_error(e: ConnectorError) -> io::Error {
    io::Error::new(io::ErrorKind::Other, e)
}

impl io::Read for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match host_ffi::tcp_read(self.handle, buf.len() as u64).map_err(io_error)? {
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

impl io::Write for TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match host_ffi::tcp_write(self.handle, buf).map_err(io_error)? {
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
        host_ffi::tcp_close(self.handle);
    }
}

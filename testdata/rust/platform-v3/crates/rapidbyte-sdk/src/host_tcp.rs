//! A blocking TCP stream over the host's socket imports, for drivers that want
//! `std::io::{Read, Write}`.

use std::io;

use rapidbyte_types::{ConnectorError, SocketReadResult, SocketWriteResult};

use crate::host_ffi;

/// A connection opened with [`host_ffi::connect_tcp`]; closed on drop.
#[derive(Debug)]
pub struct HostTcpStream {
    handle: u64,
}

impl HostTcpStream {
    pub fn connect(host: &str, port: u16) -> Result<HostTcpStream, ConnectorError> {
        Ok(HostTcpStream { handle: host_ffi::connect_tcp(host, port)? })
    }

    pub fn handle(&self) -> u64 {
        self.handle
    }
}

fn io_error(e: ConnectorError) -> io::Error {
    io::Error::new(io::ErrorKind::Other, e)
}

impl io::Read for HostTcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match host_ffi::socket_read(self.handle, buf.len() as u64).map_err(io_error)? {
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

impl io::Write for HostTcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match host_ffi::socket_write(self.handle, buf).map_err(io_error)? {
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
        host_ffi::socket_close(self.handle);
    }
}

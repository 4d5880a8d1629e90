//! Results of the host's non-blocking socket calls.

use std::io;

use serde::{Deserialize, Serialize};

/// What `tcp_read` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "data", rename_all = "snake_case")]
pub enum TcpReadResult {
    Data(Vec<u8>),
    Eof,
    WouldBlock,
}

impl TcpReadResult {
    /// Maps a `read` into `buf` the way hosts report it.
    pub fn from_io(result: io::Result<usize>, buf: &[u8]) -> io::Result<TcpReadResult> {
        match result {
            Ok(0) => Ok(TcpReadResult::Eof),
            Ok(n) => Ok(TcpReadResult::Data(buf[..n].to_vec())),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(TcpReadResult::WouldBlock),
            Err(e) => Err(e),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            TcpReadResult::Data(data) => data.len(),
            TcpReadResult::Eof | TcpReadResult::WouldBlock => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What `tcp_write` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "data", rename_all = "snake_case")]
pub enum TcpWriteResult {
    Written(u64),
    WouldBlock,
}

impl TcpWriteResult {
    pub fn from_io(result: io::Result<usize>) -> io::Result<TcpWriteResult> {
        match result {
            Ok(n) => Ok(TcpWriteResult::Written(n as u64)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(TcpWriteResult::WouldBlock),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_io_results() {
        let buf = [1u8, 2, 3];
        assert_eq!(TcpReadResult::from_io(Ok(2), &buf).unwrap(), TcpReadResult::Data(vec![1, 2]));
        assert_eq!(TcpReadResult::from_io(Ok(0), &buf).unwrap(), TcpReadResult::Eof);
        let would_block = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(TcpWriteResult::from_io(Err(would_block)).unwrap(), TcpWriteResult::WouldBlock);
    }

    #[test]
    fn round_trips() {
        for result in [TcpReadResult::Data(vec![7]), TcpReadResult::Eof, TcpReadResult::WouldBlock] {
            let json = serde_json::to_string(&result).unwrap();
            assert_eq!(serde_json::from_str::<TcpReadResult>(&json).unwrap(), result);
        }
        let json = serde_json::to_string(&TcpWriteResult::Written(5)).unwrap();
        assert_eq!(json, r#"{"status":"written","data":5}"#);
    }
}

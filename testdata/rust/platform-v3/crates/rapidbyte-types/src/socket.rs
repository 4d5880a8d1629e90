//! Results of the host's non-blocking socket calls.

use std::io;

use serde::{Deserialize, Serialize};

/// What `socket_read` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "data", rename_all = "snake_case")]
pub enum SocketReadResult {
    Data(Vec<u8>),
    Eof,
    WouldBlock,
}

impl SocketReadResult {
    /// Maps a `read` into `buf` the way hosts report it.
    pub fn from_io(result: io::Result<usize>, buf: &[u8]) -> io::Result<SocketReadResult> {
        match result {
            Ok(0) => Ok(SocketReadResult::Eof),
            Ok(n) => Ok(SocketReadResult::Data(buf[..n].to_vec())),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(SocketReadResult::WouldBlock),
            Err(e) => Err(e),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SocketReadResult::Data(data) => data.len(),
            SocketReadResult::Eof | SocketReadResult::WouldBlock => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What `socket_write` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "data", rename_all = "snake_case")]
pub enum SocketWriteResult {
    Written(u64),
    WouldBlock,
}

impl SocketWriteResult {
    pub fn from_io(result: io::Result<usize>) -> io::Result<SocketWriteResult> {
        match result {
            Ok(n) => Ok(SocketWriteResult::Written(n as u64)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(SocketWriteResult::WouldBlock),
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
        assert_eq!(SocketReadResult::from_io(Ok(2), &buf).unwrap(), SocketReadResult::Data(vec![1, 2]));
        assert_eq!(SocketReadResult::from_io(Ok(0), &buf).unwrap(), SocketReadResult::Eof);
        let would_block = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(SocketWriteResult::from_io(Err(would_block)).unwrap(), SocketWriteResult::WouldBlock);
    }

    #[test]
    fn round_trips() {
        for result in [SocketReadResult::Data(vec![7]), SocketReadResult::Eof, SocketReadResult::WouldBlock] {
            let json = serde_json::to_string(&result).unwrap();
            assert_eq!(serde_json::from_str::<SocketReadResult>(&json).unwrap(), result);
        }
        let json = serde_json::to_string(&SocketWriteResult::Written(5)).unwrap();
        assert_eq!(json, r#"{"status":"written","data":5}"#);
    }
}

//! Per-connector host state and the `*_impl` twins of the host imports.
//!
//! The `Host` impls in [`crate::bindings`] decode the WIT arguments and call
//! these; they work on `rapidbyte_types` values, so one implementation serves
//! every world.

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use rapidbyte_types::{
    Checkpoint, ConnectorError, ErrorCategory, Metric, SocketReadResult, SocketWriteResult, StateScope,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqEntry {
    pub stream: String,
    pub record_json: String,
    pub error_message: String,
    pub category: ErrorCategory,
}

#[derive(Debug, Default)]
struct Frame {
    data: Vec<u8>,
    sealed: bool,
}

#[derive(Debug, Default)]
pub struct HostState {
    pub connector_id: String,
    /// The source feeding this connector, for lineage in metrics.
    pub source_connector_id: Option<String>,
    pub current_stream: String,
    /// Hosts the connector may connect to; `None` allows every host.
    pub allowed_hosts: Option<Vec<String>>,
    /// Sealed frames waiting for `next-batch`.
    pub inbound: VecDeque<Vec<u8>>,
    /// Every frame passed to `emit-batch`, in order.
    pub emitted: Vec<Vec<u8>>,
    /// Time spent in `emit_batch_impl`.
    pub emit_batch_nanos: u64,
    pub checkpoints: Vec<Checkpoint>,
    pub checkpoint_count: u64,
    pub metrics: Vec<Metric>,
    pub dlq: Vec<DlqEntry>,
    pub logs: Vec<(u32, String)>,
    pub state: BTreeMap<String, String>,
    frames: BTreeMap<u64, Frame>,
    sockets: BTreeMap<u64, TcpStream>,
    next_handle: u64,
}

impl HostState {
    pub fn new(connector_id: &str) -> HostState {
        HostState { connector_id: connector_id.to_owned(), next_handle: 1, ..HostState::default() }
    }

    fn handle(&mut self) -> u64 {
        let handle = self.next_handle;
        self.next_handle += 1;
        handle
    }

    fn frame(&mut self, handle: u64) -> Result<&mut Frame, ConnectorError> {
        self.frames.get_mut(&handle).ok_or_else(|| ConnectorError::frame(format!("unknown frame handle {handle}")))
    }

    fn socket(&mut self, handle: u64) -> Result<&mut TcpStream, ConnectorError> {
        self.sockets
            .get_mut(&handle)
            .ok_or_else(|| ConnectorError::internal("BAD_SOCKET", format!("unknown socket handle {handle}")))
    }

    /// The key a scoped state value is stored under.
    pub fn state_key(&self, scope: StateScope, key: &str) -> String {
        match scope {
            StateScope::Pipeline => format!("pipeline/{key}"),
            StateScope::Stream => format!("stream/{}/{key}", self.current_stream),
            StateScope::ConnectorInstance => format!("connector/{}/{key}", self.connector_id),
        }
    }

    pub fn emit_batch_impl(&mut self, handle: u64) -> Result<(), ConnectorError> {
        let started = Instant::now();
        let frame = self
            .frames
            .remove(&handle)
            .ok_or_else(|| ConnectorError::frame(format!("unknown frame handle {handle}")))?;
        if !frame.sealed {
            return Err(ConnectorError::frame("emit-batch needs a sealed frame"));
        }
        self.emitted.push(frame.data);
        self.emit_batch_nanos += started.elapsed().as_nanos() as u64;
        Ok(())
    }

    pub fn next_batch_impl(&mut self) -> Result<Option<u64>, ConnectorError> {
        let Some(data) = self.inbound.pop_front() else {
            return Ok(None);
        };
        let handle = self.handle();
        self.frames.insert(handle, Frame { data, sealed: true });
        Ok(Some(handle))
    }

    pub fn log_impl(&mut self, level: u32, msg: String) {
        self.logs.push((level, msg));
    }

    pub fn checkpoint_impl(&mut self, checkpoint: Checkpoint) -> Result<(), ConnectorError> {
        if checkpoint.stream != self.current_stream {
            let message = format!("checkpoint for stream {} during {}", checkpoint.stream, self.current_stream);
            return Err(ConnectorError::internal("BAD_CHECKPOINT", message));
        }
        self.checkpoint_count += 1;
        self.checkpoints.push(checkpoint);
        Ok(())
    }

    pub fn metric_impl(&mut self, mut metric: Metric) -> Result<(), ConnectorError> {
        if let Some(source) = &self.source_connector_id {
            metric.labels.push(("source".to_owned(), source.clone()));
        }
        self.metrics.push(metric);
        Ok(())
    }

    pub fn emit_dlq_record_impl(&mut self, entry: DlqEntry) -> Result<(), ConnectorError> {
        self.dlq.push(entry);
        Ok(())
    }

    pub fn state_get_impl(&mut self, scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
        Ok(self.state.get(&self.state_key(scope, key)).cloned())
    }

    pub fn state_put_impl(&mut self, scope: StateScope, key: &str, value: String) -> Result<(), ConnectorError> {
        let key = self.state_key(scope, key);
        self.state.insert(key, value);
        Ok(())
    }

    pub fn state_cas_impl(
        &mut self,
        scope: StateScope,
        key: &str,
        expected: Option<&str>,
        new_value: String,
    ) -> Result<bool, ConnectorError> {
        let key = self.state_key(scope, key);
        let swapped = self.state.get(&key).map(String::as_str) == expected;
        if swapped {
            self.state.insert(key, new_value);
        }
        Ok(swapped)
    }

    pub fn frame_new_impl(&mut self, capacity: u64) -> Result<u64, ConnectorError> {
        let handle = self.handle();
        self.frames.insert(handle, Frame { data: Vec::with_capacity(capacity as usize), sealed: false });
        Ok(handle)
    }

    pub fn frame_write_impl(&mut self, handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
        let frame = self.frame(handle)?;
        if frame.sealed {
            return Err(ConnectorError::frame("frame is sealed"));
        }
        frame.data.extend_from_slice(chunk);
        Ok(chunk.len() as u64)
    }

    pub fn frame_seal_impl(&mut self, handle: u64) -> Result<(), ConnectorError> {
        self.frame(handle)?.sealed = true;
        Ok(())
    }

    pub fn frame_len_impl(&mut self, handle: u64) -> Result<u64, ConnectorError> {
        Ok(self.frame(handle)?.data.len() as u64)
    }

    pub fn frame_read_impl(&mut self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
        let data = &self.frame(handle)?.data;
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(len as usize).min(data.len());
        Ok(data[start..end].to_vec())
    }

    pub fn frame_drop_impl(&mut self, handle: u64) {
        self.frames.remove(&handle);
    }

    pub fn connect_tcp_impl(&mut self, host: &str, port: u16) -> Result<u64, ConnectorError> {
        if let Some(allowed) = &self.allowed_hosts {
            if !allowed.iter().any(|h| h == host) {
                return Err(ConnectorError::new(
                    ErrorCategory::Permission,
                    "HOST_DENIED",
                    format!("{host} is not allowed"),
                ));
            }
        }
        let stream = TcpStream::connect((host, port))
            .and_then(|s| s.set_nonblocking(true).map(|()| s))
            .map_err(|e| ConnectorError::transient_network("CONNECT", e.to_string()))?;
        let handle = self.handle();
        self.sockets.insert(handle, stream);
        Ok(handle)
    }

    pub fn socket_read_impl(&mut self, handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError> {
        let mut buf = vec![0; len.min(1 << 20) as usize];
        let read = self.socket(handle)?.read(&mut buf);
        SocketReadResult::from_io(read, &buf).map_err(|e| ConnectorError::transient_network("SOCKET", e.to_string()))
    }

    pub fn socket_write_impl(&mut self, handle: u64, data: &[u8]) -> Result<SocketWriteResult, ConnectorError> {
        let written = self.socket(handle)?.write(data);
        SocketWriteResult::from_io(written).map_err(|e| ConnectorError::transient_network("SOCKET", e.to_string()))
    }

    pub fn socket_close_impl(&mut self, handle: u64) {
        self.sockets.remove(&handle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_flow_from_emit_batch_to_next_batch() {
        let mut host = HostState::new("src");
        let handle = host.frame_new_impl(4).unwrap();
        host.frame_write_impl(handle, b"abcd").unwrap();
        assert!(host.emit_batch_impl(handle).is_err(), "unsealed frames are refused");
        let handle = host.frame_new_impl(4).unwrap();
        host.frame_write_impl(handle, b"abcd").unwrap();
        host.frame_seal_impl(handle).unwrap();
        host.emit_batch_impl(handle).unwrap();
        host.inbound.push_back(host.emitted[0].clone());
        let next = host.next_batch_impl().unwrap().unwrap();
        assert_eq!(host.frame_read_impl(next, 1, 2).unwrap(), b"bc");
        assert_eq!(host.next_batch_impl().unwrap(), None);
    }

    #[test]
    fn stream_state_is_keyed_by_the_current_stream() {
        let mut host = HostState::new("dest");
        host.current_stream = "users".into();
        host.state_put_impl(StateScope::Stream, "cursor", "1".into()).unwrap();
        assert_eq!(host.state_key(StateScope::Stream, "cursor"), "stream/users/cursor");
        assert!(host.state_cas_impl(StateScope::Stream, "cursor", Some("1"), "2".into()).unwrap());
        assert!(!host.state_cas_impl(StateScope::Stream, "cursor", Some("1"), "3".into()).unwrap());
        host.current_stream = "orders".into();
        assert_eq!(host.state_get_impl(StateScope::Stream, "cursor").unwrap(), None);
        assert_eq!(host.state_get_impl(StateScope::Pipeline, "cursor").unwrap(), None);
    }

    #[test]
    fn checkpoints_are_counted_per_stream() {
        let mut host = HostState::new("src");
        host.current_stream = "users".into();
        host.checkpoint_impl(Checkpoint::dest(1, "users")).unwrap();
        assert!(host.checkpoint_impl(Checkpoint::dest(2, "orders")).is_err());
        assert_eq!(host.checkpoint_count, 1);
    }
}

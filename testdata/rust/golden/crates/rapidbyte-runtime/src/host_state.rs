//! Per-connector host state and the `Host` implementation.
//!
//! Each `Host` method delegates to an `_impl` twin on [`HostState`], which is
//! what the dynamic linker (`crate::linker`) calls as well.

use std::collections::{BTreeMap, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;

use crate::bindings::rapidbyte::connector::host_io::Host;
use crate::bindings::rapidbyte::connector::{core_types, host_io};
use crate::payload::{self, CheckpointRecord, MetricRecord};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqEntry {
    pub stream: String,
    pub record_json: String,
    pub error_message: String,
    pub error_category: String,
}

#[derive(Debug, Default)]
struct Frame {
    data: Vec<u8>,
    capacity: u64,
    sealed: bool,
}

#[derive(Debug, Default)]
pub struct HostState {
    pub connector_id: String,
    pub current_stream: String,
    /// Hosts the connector may connect to; `None` allows every host.
    pub allowed_hosts: Option<Vec<String>>,
    /// Sealed frames waiting for `batch-next`.
    pub inbound: VecDeque<Vec<u8>>,
    /// Bytes of every frame passed to `batch-emit`, in order.
    pub emitted: Vec<Vec<u8>>,
    pub checkpoints: Vec<CheckpointRecord>,
    pub metrics: Vec<MetricRecord>,
    pub dlq: Vec<DlqEntry>,
    pub logs: Vec<(u32, String)>,
    pub state: BTreeMap<(u32, String), String>,
    pub cas_outcomes: Vec<bool>,
    /// Checkpoints and metrics as v3 envelopes, for the pipeline's state journal.
    pub journal: Vec<String>,
    frames: BTreeMap<u64, Frame>,
    sockets: BTreeMap<u64, TcpStream>,
    next_handle: u64,
}

fn error(category: core_types::ErrorCategory, code: &str, message: impl Into<String>) -> core_types::ConnectorError {
    core_types::ConnectorError {
        category,
        scope: core_types::ErrorScope::PerStream,
        code: code.to_owned(),
        message: message.into(),
        retryable: false,
        retry_after_ms: None,
        backoff_class: core_types::BackoffClass::Normal,
        safe_to_retry: false,
        commit_state: None,
        details: None,
    }
}

fn frame_error(message: impl Into<String>) -> core_types::ConnectorError {
    error(core_types::ErrorCategory::Frame, "BAD_FRAME", message)
}

fn network_error(err: std::io::Error) -> core_types::ConnectorError {
    let mut e = error(core_types::ErrorCategory::TransientNetwork, "SOCKET", err.to_string());
    e.retryable = true;
    e
}

fn check_scope(scope: u32) -> Result<(), core_types::ConnectorError> {
    if scope > 2 {
        return Err(error(core_types::ErrorCategory::Internal, "BAD_SCOPE", format!("unknown state scope {scope}")));
    }
    Ok(())
}

impl HostState {
    pub fn new(connector_id: &str) -> Self {
        HostState { connector_id: connector_id.to_owned(), next_handle: 1, ..HostState::default() }
    }

    fn handle(&mut self) -> u64 {
        let handle = self.next_handle;
        self.next_handle += 1;
        handle
    }

    fn frame(&mut self, handle: u64) -> Result<&mut Frame, core_types::ConnectorError> {
        self.frames.get_mut(&handle).ok_or_else(|| frame_error(format!("unknown frame handle {handle}")))
    }

    fn socket(&mut self, handle: u64) -> Result<&mut TcpStream, core_types::ConnectorError> {
        self.sockets.get_mut(&handle).ok_or_else(|| {
            error(core_types::ErrorCategory::Internal, "BAD_SOCKET", format!("unknown socket handle {handle}"))
        })
    }

    pub fn batch_emit_impl(&mut self, handle: u64) -> Result<(), core_types::ConnectorError> {
        let frame = self.frames.remove(&handle).ok_or_else(|| frame_error(format!("unknown frame handle {handle}")))?;
        if !frame.sealed {
            return Err(frame_error("emit-batch needs a sealed frame"));
        }
        self.emitted.push(frame.data);
        Ok(())
    }

    pub fn batch_next_impl(&mut self) -> Result<Option<u64>, core_types::ConnectorError> {
        let Some(data) = self.inbound.pop_front() else {
            return Ok(None);
        };
        let handle = self.handle();
        self.frames.insert(handle, Frame { capacity: data.len() as u64, data, sealed: true });
        Ok(Some(handle))
    }

    pub fn log_impl(&mut self, level: u32, msg: String) {
        self.logs.push((level.min(4), msg));
    }

    pub fn telemetry_checkpoint_impl(&mut self, kind: u32, payload_json: String) -> Result<(), core_types::ConnectorError> {
        let record = payload::parse_checkpoint(kind, &payload_json)
            .map_err(|e| error(core_types::ErrorCategory::Internal, "BAD_CHECKPOINT", e))?;
        self.journal.push(payload::checkpoint_envelope_json(&self.connector_id, &record));
        self.checkpoints.push(record);
        Ok(())
    }

    pub fn telemetry_metric_impl(&mut self, payload_json: String) -> Result<(), core_types::ConnectorError> {
        let metric =
            payload::parse_metric(&payload_json).map_err(|e| error(core_types::ErrorCategory::Internal, "BAD_METRIC", e))?;
        self.journal.push(payload::metric_envelope_json(&self.connector_id, &self.current_stream, &metric));
        self.metrics.push(metric);
        Ok(())
    }

    pub fn telemetry_dlq_impl(
        &mut self,
        stream_name: String,
        record_json: String,
        error_message: String,
        error_category: String,
    ) -> Result<(), core_types::ConnectorError> {
        self.dlq.push(DlqEntry { stream: stream_name, record_json, error_message, error_category });
        Ok(())
    }

    pub fn state_get_impl(&mut self, scope: u32, key: String) -> Result<Option<String>, core_types::ConnectorError> {
        check_scope(scope)?;
        Ok(self.state.get(&(scope, key)).cloned())
    }

    pub fn state_put_impl(&mut self, scope: u32, key: String, val: String) -> Result<(), core_types::ConnectorError> {
        check_scope(scope)?;
        self.state.insert((scope, key), val);
        Ok(())
    }

    pub fn state_cas_impl(
        &mut self,
        scope: u32,
        key: String,
        expected: Option<String>,
        new_val: String,
    ) -> Result<bool, core_types::ConnectorError> {
        check_scope(scope)?;
        let swapped = self.state.get(&(scope, key.clone())) == expected.as_ref();
        if swapped {
            self.state.insert((scope, key), new_val);
        }
        self.cas_outcomes.push(swapped);
        Ok(swapped)
    }

    pub fn frame_new_impl(&mut self, capacity: u64) -> Result<u64, core_types::ConnectorError> {
        let handle = self.handle();
        self.frames.insert(handle, Frame { data: Vec::with_capacity(capacity as usize), capacity, sealed: false });
        Ok(handle)
    }

    pub fn frame_write_impl(&mut self, handle: u64, chunk: Vec<u8>) -> Result<u64, core_types::ConnectorError> {
        let frame = self.frame(handle)?;
        if frame.sealed {
            return Err(frame_error("frame is sealed"));
        }
        frame.data.extend_from_slice(&chunk);
        frame.capacity = frame.capacity.max(frame.data.len() as u64);
        Ok(chunk.len() as u64)
    }

    pub fn frame_seal_impl(&mut self, handle: u64) -> Result<(), core_types::ConnectorError> {
        self.frame(handle)?.sealed = true;
        Ok(())
    }

    pub fn frame_len_impl(&mut self, handle: u64) -> Result<u64, core_types::ConnectorError> {
        Ok(self.frame(handle)?.data.len() as u64)
    }

    pub fn frame_read_impl(&mut self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, core_types::ConnectorError> {
        let frame = self.frame(handle)?;
        let start = (offset as usize).min(frame.data.len());
        let end = start.saturating_add(len as usize).min(frame.data.len());
        Ok(frame.data[start..end].to_vec())
    }

    pub fn frame_drop_impl(&mut self, handle: u64) {
        self.frames.remove(&handle);
    }

    pub fn tcp_connect_impl(&mut self, host: String, port: u16) -> Result<u64, core_types::ConnectorError> {
        if let Some(allowed) = &self.allowed_hosts {
            if !allowed.iter().any(|h| h == "*" || *h == host) {
                return Err(error(
                    core_types::ErrorCategory::Permission,
                    "HOST_NOT_ALLOWED",
                    format!("{host} is not allowed"),
                ));
            }
        }
        let stream = TcpStream::connect((host.as_str(), port)).map_err(network_error)?;
        stream.set_nodelay(true).map_err(network_error)?;
        let handle = self.handle();
        self.sockets.insert(handle, stream);
        Ok(handle)
    }

    pub fn tcp_read_impl(
        &mut self,
        handle: u64,
        len: u64,
    ) -> Result<host_io::TcpReadResult, core_types::ConnectorError> {
        let socket = self.socket(handle)?;
        socket.set_nonblocking(true).map_err(network_error)?;
        let mut buf = vec![0u8; len.clamp(1, 1 << 20) as usize];
        match socket.read(&mut buf) {
            Ok(0) => Ok(host_io::TcpReadResult::Eof),
            Ok(n) => {
                buf.truncate(n);
                Ok(host_io::TcpReadResult::Data(buf))
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(host_io::TcpReadResult::WouldBlock),
            Err(e) => Err(network_error(e)),
        }
    }

    pub fn tcp_write_impl(
        &mut self,
        handle: u64,
        data: Vec<u8>,
    ) -> Result<host_io::TcpWriteResult, core_types::ConnectorError> {
        let socket = self.socket(handle)?;
        socket.set_nonblocking(true).map_err(network_error)?;
        match socket.write(&data) {
            Ok(n) => Ok(host_io::TcpWriteResult::Written(n as u64)),
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(host_io::TcpWriteResult::WouldBlock),
            Err(e) => Err(network_error(e)),
        }
    }

    pub fn tcp_close_impl(&mut self, handle: u64) {
        self.sockets.remove(&handle);
    }
}

impl Host for HostState {
    fn batch_emit(&mut self, handle: u64) -> Result<(), core_types::ConnectorError> {
        self.batch_emit_impl(handle)
    }

    fn batch_next(&mut self) -> Result<Option<u64>, core_types::ConnectorError> {
        self.batch_next_impl()
    }

    fn log(&mut self, level: u32, msg: String) {
        self.log_impl(level, msg)
    }

    fn telemetry_checkpoint(&mut self, kind: u32, payload_json: String) -> Result<(), core_types::ConnectorError> {
        self.telemetry_checkpoint_impl(kind, payload_json)
    }

    fn telemetry_metric(&mut self, payload_json: String) -> Result<(), core_types::ConnectorError> {
        self.telemetry_metric_impl(payload_json)
    }

    fn telemetry_dlq(
        &mut self,
        stream_name: String,
        record_json: String,
        error_message: String,
        error_category: String,
    ) -> Result<(), core_types::ConnectorError> {
        self.telemetry_dlq_impl(stream_name, record_json, error_message, error_category)
    }

    fn state_get(&mut self, scope: u32, key: String) -> Result<Option<String>, core_types::ConnectorError> {
        self.state_get_impl(scope, key)
    }

    fn state_put(&mut self, scope: u32, key: String, val: String) -> Result<(), core_types::ConnectorError> {
        self.state_put_impl(scope, key, val)
    }

    fn state_cas(
        &mut self,
        scope: u32,
        key: String,
        expected: Option<String>,
        new_val: String,
    ) -> Result<bool, core_types::ConnectorError> {
        self.state_cas_impl(scope, key, expected, new_val)
    }

    fn frame_new(&mut self, capacity: u64) -> Result<u64, core_types::ConnectorError> {
        self.frame_new_impl(capacity)
    }

    fn frame_write(&mut self, handle: u64, chunk: Vec<u8>) -> Result<u64, core_types::ConnectorError> {
        self.frame_write_impl(handle, chunk)
    }

    fn frame_seal(&mut self, handle: u64) -> Result<(), core_types::ConnectorError> {
        self.frame_seal_impl(handle)
    }

    fn frame_len(&mut self, handle: u64) -> Result<u64, core_types::ConnectorError> {
        self.frame_len_impl(handle)
    }

    fn frame_read(&mut self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, core_types::ConnectorError> {
        self.frame_read_impl(handle, offset, len)
    }

    fn frame_drop(&mut self, handle: u64) {
        self.frame_drop_impl(handle)
    }

    fn tcp_connect(&mut self, host: String, port: u16) -> Result<u64, core_types::ConnectorError> {
        self.tcp_connect_impl(host, port)
    }

    fn tcp_read(&mut self, handle: u64, len: u64) -> Result<host_io::TcpReadResult, core_types::ConnectorError> {
        self.tcp_read_impl(handle, len)
    }

    fn tcp_write(&mut self, handle: u64, data: Vec<u8>) -> Result<host_io::TcpWriteResult, core_types::ConnectorError> {
        self.tcp_write_impl(handle, data)
    }

    fn tcp_close(&mut self, handle: u64) {
        self.tcp_close_impl(handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_flow_through_emit_batch() {
        let mut host = HostState::new("test");
        let handle = host.frame_new(4).unwrap();
        host.frame_write(handle, b"data".to_vec()).unwrap();
        assert!(host.batch_emit(handle).is_err(), "unsealed frames are rejected");
        let handle = host.frame_new(4).unwrap();
        host.frame_write(handle, b"data".to_vec()).unwrap();
        host.frame_seal(handle).unwrap();
        host.batch_emit(handle).unwrap();
        assert_eq!(host.emitted, vec![b"data".to_vec()]);
    }

    #[test]
    fn checkpoints_are_journaled() {
        let mut host = HostState::new("source-postgres");
        host.telemetry_checkpoint(0, r#"{"id":1,"kind":"source","stream":"users","records_processed":3}"#.into()).unwrap();
        assert_eq!(host.checkpoints[0].records_processed, 3);
        assert!(host.journal[0].contains(r#""connector_id":"source-postgres""#));
    }
}

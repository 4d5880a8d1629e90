//! The host imports as plain functions.
//!
//! One function per function of the WIT `host` interface, named after it:
//! [`emit_batch`] and [`next_batch`] move frames between stages,
//! [`checkpoint`] and [`metric`] report progress, [`emit_dlq_record`] sends
//! a record to the dead-letter queue, [`state_get`], [`state_put`] and
//! [`state_compare_and_set`] (the WIT `state-cas`) reach connector state, the
//! `frame_*` functions build frames, and [`connect_tcp`], [`socket_read`],
//! [`socket_write`] and [`socket_close`] give sockets (see
//! [`crate::host_tcp::HostTcpStream`]). Errors come back as SDK
//! [`ConnectorError`]s. [`crate::Context`] wraps most of them; connectors call
//! `host_ffi::log(0, ..)` directly at most.

use rapidbyte_types::{ConnectorError, SocketReadResult, SocketWriteResult};

use crate::bindings::host::rapidbyte::connector::{host, types};

pub fn emit_batch(handle: u64) -> Result<(), ConnectorError> {
    Ok(host::emit_batch(handle)?)
}

pub fn next_batch() -> Result<Option<u64>, ConnectorError> {
    Ok(host::next_batch()?)
}

/// Level: 0 = error, 1 = warn, 2 = info, 3 = debug.
pub fn log(level: i32, msg: &str) {
    host::log(level.clamp(0, 3) as u32, msg)
}

/// `kind` is a [`rapidbyte_types::CheckpointKind::code`]; `payload_json` an
/// [`rapidbyte_types::Envelope`] around a [`rapidbyte_types::Checkpoint`].
pub fn checkpoint(kind: u32, payload_json: &str) -> Result<(), ConnectorError> {
    Ok(host::checkpoint(kind, payload_json)?)
}

pub fn metric(payload_json: &str) -> Result<(), ConnectorError> {
    Ok(host::metric(payload_json)?)
}

pub fn emit_dlq_record(
    stream_name: &str,
    record_json: &str,
    error_message: &str,
    error_category: &str,
) -> Result<(), ConnectorError> {
    Ok(host::emit_dlq_record(stream_name, record_json, error_message, error_category)?)
}

pub fn state_get(scope: u32, key: &str) -> Result<Option<String>, ConnectorError> {
    Ok(host::state_get(scope, key)?)
}

pub fn state_put(scope: u32, key: &str, value: &str) -> Result<(), ConnectorError> {
    Ok(host::state_put(scope, key, value)?)
}

pub fn state_compare_and_set(
    scope: u32,
    key: &str,
    expected: Option<&str>,
    new_value: &str,
) -> Result<bool, ConnectorError> {
    Ok(host::state_cas(scope, key, expected, new_value)?)
}

pub fn frame_new(capacity: u64) -> Result<u64, ConnectorError> {
    Ok(host::frame_new(capacity)?)
}

pub fn frame_write(handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
    Ok(host::frame_write(handle, chunk)?)
}

pub fn frame_seal(handle: u64) -> Result<(), ConnectorError> {
    Ok(host::frame_seal(handle)?)
}

pub fn frame_len(handle: u64) -> Result<u64, ConnectorError> {
    Ok(host::frame_len(handle)?)
}

pub fn frame_read(handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
    Ok(host::frame_read(handle, offset, len)?)
}

pub fn frame_drop(handle: u64) {
    host::frame_drop(handle)
}

pub fn connect_tcp(host_name: &str, port: u16) -> Result<u64, ConnectorError> {
    Ok(host::connect_tcp(host_name, port)?)
}

pub fn socket_read(handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError> {
    Ok(match host::socket_read(handle, len)? {
        types::SocketReadResult::Data(data) => SocketReadResult::Data(data),
        types::SocketReadResult::Eof => SocketReadResult::Eof,
        types::SocketReadResult::WouldBlock => SocketReadResult::WouldBlock,
    })
}

pub fn socket_write(handle: u64, data: &[u8]) -> Result<SocketWriteResult, ConnectorError> {
    Ok(match host::socket_write(handle, data)? {
        types::SocketWriteResult::Written(n) => SocketWriteResult::Written(n),
        types::SocketWriteResult::WouldBlock => SocketWriteResult::WouldBlock,
    })
}

pub fn socket_close(handle: u64) {
    host::socket_close(handle)
}

//! The host imports as plain functions.
//!
//! One function per function of the WIT `host-io` interface, named after it:
//! [`batch_emit`] and [`batch_next`] move frames between stages,
//! [`telemetry_checkpoint`] and [`telemetry_metric`] report progress, [`telemetry_dlq`] sends
//! a record to the dead-letter queue, [`state_get`], [`state_put`] and
//! [`state_cas`] (the WIT `state-cas`) reach connector state, the
//! `frame_*` functions build frames, and [`tcp_connect`], [`tcp_read`],
//! [`tcp_write`] and [`tcp_close`] give sockets (see
//! [`crate::host_tcp::TcpStream`]). Errors come back as SDK
//! [`ConnectorError`]s. [`crate::Context`] wraps most of them; connectors call
//! `host_ffi::log(LogLevel::Error, ..)` directly at most.

use rapidbyte_types::{
    Checkpoint, CheckpointKind, ConnectorError, ErrorCategory, Metric, StateScope, TcpReadResult, TcpWriteResult,
};

use crate::bindings::host::rapidbyte::connector::{core_types, host_io, telemetry};
use crate::context::LogLevel;

pub fn batch_emit(handle: u64) -> Result<(), ConnectorError> {
    Ok(host_io::batch_emit(handle)?)
}

pub fn batch_next() -> Result<Option<u64>, ConnectorError> {
    Ok(host_io::batch_next()?)
}

pub fn log(level: LogLevel, msg: &str) {
    host_io::log(wit_level(level), msg)
}

/// Sends a [`Checkpoint`] as a `checkpoint-event`; its cursor travels as
/// JSON `{"field": .., "value": ..}`.
pub fn telemetry_checkpoint(checkpoint: &Checkpoint) -> Result<(), ConnectorError> {
    let cursor = checkpoint
        .cursor_field
        .as_ref()
        .map(|field| serde_json::json!({"field": field, "value": checkpoint.cursor_value}).to_string());
    let event = telemetry::CheckpointEvent {
        kind: match checkpoint.kind {
            CheckpointKind::Source => telemetry::CheckpointKind::Source,
            CheckpointKind::Destination => telemetry::CheckpointKind::Destination,
            CheckpointKind::Transform => telemetry::CheckpointKind::Transform,
        },
        stream: checkpoint.stream.clone(),
        id: checkpoint.id,
        cursor,
        records: checkpoint.records_processed,
        bytes: checkpoint.bytes_processed,
    };
    Ok(host_io::telemetry_checkpoint(&event)?)
}

pub fn telemetry_metric(metric: &Metric) -> Result<(), ConnectorError> {
    let event = telemetry::MetricEvent {
        name: metric.name.clone(),
        value: metric.value.as_f64(),
        labels: metric.labels.clone(),
    };
    Ok(host_io::telemetry_metric(&event)?)
}

pub fn telemetry_dlq(
    stream_name: &str,
    record_json: &str,
    error_message: &str,
    error_category: ErrorCategory,
) -> Result<(), ConnectorError> {
    let entry = telemetry::DlqRecord {
        stream: stream_name.to_owned(),
        record_json: record_json.to_owned(),
        error_message: error_message.to_owned(),
        error_category: error_category.into(),
    };
    Ok(host_io::telemetry_dlq(&entry)?)
}

pub fn state_get(scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
    Ok(host_io::state_get(wit_scope(scope), key)?)
}

pub fn state_put(scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError> {
    Ok(host_io::state_put(wit_scope(scope), key, value)?)
}

pub fn state_cas(
    scope: StateScope,
    key: &str,
    expected: Option<&str>,
    new_value: &str,
) -> Result<bool, ConnectorError> {
    Ok(host_io::state_cas(wit_scope(scope), key, expected, new_value)?)
}

pub fn frame_new(capacity: u64) -> Result<u64, ConnectorError> {
    Ok(host_io::frame_new(capacity)?)
}

pub fn frame_write(handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
    Ok(host_io::frame_write(handle, chunk)?)
}

pub fn frame_seal(handle: u64) -> Result<(), ConnectorError> {
    Ok(host_io::frame_seal(handle)?)
}

pub fn frame_len(handle: u64) -> Result<u64, ConnectorError> {
    Ok(host_io::frame_len(handle)?)
}

pub fn frame_read(handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
    Ok(host_io::frame_read(handle, offset, len)?)
}

pub fn frame_drop(handle: u64) {
    host_io::frame_drop(handle)
}

pub fn tcp_connect(host_name: &str, port: u16) -> Result<u64, ConnectorError> {
    Ok(host_io::tcp_connect(host_name, port)?)
}

pub fn tcp_read(handle: u64, len: u64) -> Result<TcpReadResult, ConnectorError> {
    Ok(match host_io::tcp_read(handle, len)? {
        host_io::TcpReadResult::Data(data) => TcpReadResult::Data(data),
        host_io::TcpReadResult::Eof => TcpReadResult::Eof,
        host_io::TcpReadResult::WouldBlock => TcpReadResult::WouldBlock,
    })
}

pub fn tcp_write(handle: u64, data: &[u8]) -> Result<TcpWriteResult, ConnectorError> {
    Ok(match host_io::tcp_write(handle, data)? {
        host_io::TcpWriteResult::Written(n) => TcpWriteResult::Written(n),
        host_io::TcpWriteResult::WouldBlock => TcpWriteResult::WouldBlock,
    })
}

pub fn tcp_close(handle: u64) {
    host_io::tcp_close(handle)
}

fn wit_level(level: LogLevel) -> core_types::LogLevel {
    match level {
        LogLevel::Error => core_types::LogLevel::Error,
        LogLevel::Warn => core_types::LogLevel::Warn,
        LogLevel::Info => core_types::LogLevel::Info,
        LogLevel::Debug => core_types::LogLevel::Debug,
        LogLevel::Trace => core_types::LogLevel::Trace,
    }
}

fn wit_scope(scope: StateScope) -> core_types::StateScope {
    match scope {
        StateScope::Pipeline => core_types::StateScope::Pipeline,
        StateScope::PerStream => core_types::StateScope::PerStream,
        StateScope::ConnectorInstance => core_types::StateScope::ConnectorInstance,
    }
}

//! Low-level host calls.
//!
//! Connectors normally go through [`crate::Context`]; this module is the seam
//! underneath it. [`HostImports`] has one method per `rapidbyte:connector/host`
//! function. The default implementation calls the generated component imports;
//! native unit tests install their own with [`set_host_imports`].

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::ConnectorError;
use crate::rapidbyte::connector::host;
pub use crate::rapidbyte::connector::types::{SocketReadResult, SocketWriteResult};

/// One method per host import of `rapidbyte:connector/host@3.0.0`.
pub trait HostImports {
    fn emit_batch(&self, handle: u64) -> Result<(), ConnectorError>;
    fn next_batch(&self) -> Result<Option<u64>, ConnectorError>;
    fn log(&self, level: i32, msg: &str);
    fn checkpoint(&self, kind: u32, payload_json: &str) -> Result<(), ConnectorError>;
    fn metric(&self, payload_json: &str) -> Result<(), ConnectorError>;
    fn emit_dlq_record(
        &self,
        stream_name: &str,
        record_json: &str,
        error_message: &str,
        error_category: &str,
    ) -> Result<(), ConnectorError>;
    fn state_get(&self, scope: u32, key: &str) -> Result<Option<String>, ConnectorError>;
    fn state_put(&self, scope: u32, key: &str, val: &str) -> Result<(), ConnectorError>;
    fn state_compare_and_set(
        &self,
        scope: u32,
        key: &str,
        expected: Option<&str>,
        new_val: &str,
    ) -> Result<bool, ConnectorError>;
    fn frame_new(&self, capacity: u64) -> Result<u64, ConnectorError>;
    fn frame_write(&self, handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError>;
    fn frame_seal(&self, handle: u64) -> Result<(), ConnectorError>;
    fn frame_len(&self, handle: u64) -> Result<u64, ConnectorError>;
    fn frame_read(&self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError>;
    fn frame_drop(&self, handle: u64);
    fn connect_tcp(&self, host: &str, port: u16) -> Result<u64, ConnectorError>;
    fn socket_read(&self, handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError>;
    fn socket_write(&self, handle: u64, data: &[u8]) -> Result<SocketWriteResult, ConnectorError>;
    fn socket_close(&self, handle: u64);
}

/// The component host, reached through the generated imports.
#[derive(Debug, Default, Clone, Copy)]
pub struct WitHostImports;

impl HostImports for WitHostImports {
    fn emit_batch(&self, handle: u64) -> Result<(), ConnectorError> {
        host::emit_batch(handle).map_err(Into::into)
    }

    fn next_batch(&self) -> Result<Option<u64>, ConnectorError> {
        host::next_batch().map_err(Into::into)
    }

    fn log(&self, level: i32, msg: &str) {
        host::log(level.max(0) as u32, msg)
    }

    fn checkpoint(&self, kind: u32, payload_json: &str) -> Result<(), ConnectorError> {
        host::checkpoint(kind, payload_json).map_err(Into::into)
    }

    fn metric(&self, payload_json: &str) -> Result<(), ConnectorError> {
        host::metric(payload_json).map_err(Into::into)
    }

    fn emit_dlq_record(
        &self,
        stream_name: &str,
        record_json: &str,
        error_message: &str,
        error_category: &str,
    ) -> Result<(), ConnectorError> {
        host::emit_dlq_record(stream_name, record_json, error_message, error_category).map_err(Into::into)
    }

    fn state_get(&self, scope: u32, key: &str) -> Result<Option<String>, ConnectorError> {
        host::state_get(scope, key).map_err(Into::into)
    }

    fn state_put(&self, scope: u32, key: &str, val: &str) -> Result<(), ConnectorError> {
        host::state_put(scope, key, val).map_err(Into::into)
    }

    fn state_compare_and_set(
        &self,
        scope: u32,
        key: &str,
        expected: Option<&str>,
        new_val: &str,
    ) -> Result<bool, ConnectorError> {
        host::state_cas(scope, key, expected, new_val).map_err(Into::into)
    }

    fn frame_new(&self, capacity: u64) -> Result<u64, ConnectorError> {
        host::frame_new(capacity).map_err(Into::into)
    }

    fn frame_write(&self, handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
        host::frame_write(handle, chunk).map_err(Into::into)
    }

    fn frame_seal(&self, handle: u64) -> Result<(), ConnectorError> {
        host::frame_seal(handle).map_err(Into::into)
    }

    fn frame_len(&self, handle: u64) -> Result<u64, ConnectorError> {
        host::frame_len(handle).map_err(Into::into)
    }

    fn frame_read(&self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
        host::frame_read(handle, offset, len).map_err(Into::into)
    }

    fn frame_drop(&self, handle: u64) {
        host::frame_drop(handle)
    }

    fn connect_tcp(&self, host_name: &str, port: u16) -> Result<u64, ConnectorError> {
        host::connect_tcp(host_name, port).map_err(Into::into)
    }

    fn socket_read(&self, handle: u64, len: u64) -> Result<SocketReadResult, ConnectorError> {
        host::socket_read(handle, len).map_err(Into::into)
    }

    fn socket_write(&self, handle: u64, data: &[u8]) -> Result<SocketWriteResult, ConnectorError> {
        host::socket_write(handle, data).map_err(Into::into)
    }

    fn socket_close(&self, handle: u64) {
        host::socket_close(handle)
    }
}

thread_local! {
    static HOST: RefCell<Rc<dyn HostImports>> = RefCell::new(Rc::new(WitHostImports));
}

/// Replace the host for this thread (native tests).
pub fn set_host_imports(imports: Rc<dyn HostImports>) {
    HOST.with(|h| *h.borrow_mut() = imports);
}

/// The host the SDK talks to on this thread.
pub fn host_imports() -> Rc<dyn HostImports> {
    HOST.with(|h| h.borrow().clone())
}

/// Log straight to the host. Level: 0 = error, 1 = warn, 2 = info, 3 = debug.
pub fn log(level: i32, msg: &str) {
    host_imports().log(level, msg)
}

//! Low-level host calls.
//!
//! Connectors normally go through [`crate::Context`]; this module is the seam
//! underneath it. [`HostImports`] has one method per `rapidbyte:connector/host-io`
//! function. The default implementation calls the generated component imports;
//! native unit tests install their own with [`set_host_imports`].

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::ConnectorError;
use crate::rapidbyte::connector::host_io;
pub use crate::rapidbyte::connector::host_io::{TcpReadResult, TcpWriteResult};
pub use crate::rapidbyte::connector::telemetry::{CheckpointEvent, DlqRecord, MetricEvent};
use crate::types::{LogLevel, StateScope};

/// One method per host import of `rapidbyte:connector/host-io@4.0.0`.
pub trait HostImports {
    fn batch_emit(&self, handle: u64) -> Result<(), ConnectorError>;
    fn batch_next(&self) -> Result<Option<u64>, ConnectorError>;
    fn log(&self, level: LogLevel, msg: &str);
    fn telemetry_checkpoint(&self, event: &CheckpointEvent) -> Result<(), ConnectorError>;
    fn telemetry_metric(&self, event: &MetricEvent) -> Result<(), ConnectorError>;
    fn telemetry_dlq(&self, entry: &DlqRecord) -> Result<(), ConnectorError>;
    fn state_get(&self, scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError>;
    fn state_put(&self, scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError>;
    fn state_cas(
        &self,
        scope: StateScope,
        key: &str,
        expected: Option<&str>,
        new_value: &str,
    ) -> Result<bool, ConnectorError>;
    fn frame_new(&self, capacity: u64) -> Result<u64, ConnectorError>;
    fn frame_write(&self, handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError>;
    fn frame_seal(&self, handle: u64) -> Result<(), ConnectorError>;
    fn frame_len(&self, handle: u64) -> Result<u64, ConnectorError>;
    fn frame_read(&self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError>;
    fn frame_drop(&self, handle: u64);
    fn tcp_connect(&self, host: &str, port: u16) -> Result<u64, ConnectorError>;
    fn tcp_read(&self, handle: u64, len: u64) -> Result<TcpReadResult, ConnectorError>;
    fn tcp_write(&self, handle: u64, data: &[u8]) -> Result<TcpWriteResult, ConnectorError>;
    fn tcp_close(&self, handle: u64);
}

/// The component host, reached through the generated imports.
#[derive(Debug, Default, Clone, Copy)]
pub struct WitHostImports;

impl HostImports for WitHostImports {
    fn batch_emit(&self, handle: u64) -> Result<(), ConnectorError> {
        host_io::batch_emit(handle).map_err(Into::into)
    }

    fn batch_next(&self) -> Result<Option<u64>, ConnectorError> {
        host_io::batch_next().map_err(Into::into)
    }

    fn log(&self, level: LogLevel, msg: &str) {
        host_io::log(level.into(), msg)
    }

    fn telemetry_checkpoint(&self, event: &CheckpointEvent) -> Result<(), ConnectorError> {
        host_io::telemetry_checkpoint(event).map_err(Into::into)
    }

    fn telemetry_metric(&self, event: &MetricEvent) -> Result<(), ConnectorError> {
        host_io::telemetry_metric(event).map_err(Into::into)
    }

    fn telemetry_dlq(&self, entry: &DlqRecord) -> Result<(), ConnectorError> {
        host_io::telemetry_dlq(entry).map_err(Into::into)
    }

    fn state_get(&self, scope: StateScope, key: &str) -> Result<Option<String>, ConnectorError> {
        host_io::state_get(scope.into(), key).map_err(Into::into)
    }

    fn state_put(&self, scope: StateScope, key: &str, value: &str) -> Result<(), ConnectorError> {
        host_io::state_put(scope.into(), key, value).map_err(Into::into)
    }

    fn state_cas(
        &self,
        scope: StateScope,
        key: &str,
        expected: Option<&str>,
        new_value: &str,
    ) -> Result<bool, ConnectorError> {
        host_io::state_cas(scope.into(), key, expected, new_value).map_err(Into::into)
    }

    fn frame_new(&self, capacity: u64) -> Result<u64, ConnectorError> {
        host_io::frame_new(capacity).map_err(Into::into)
    }

    fn frame_write(&self, handle: u64, chunk: &[u8]) -> Result<u64, ConnectorError> {
        host_io::frame_write(handle, chunk).map_err(Into::into)
    }

    fn frame_seal(&self, handle: u64) -> Result<(), ConnectorError> {
        host_io::frame_seal(handle).map_err(Into::into)
    }

    fn frame_len(&self, handle: u64) -> Result<u64, ConnectorError> {
        host_io::frame_len(handle).map_err(Into::into)
    }

    fn frame_read(&self, handle: u64, offset: u64, len: u64) -> Result<Vec<u8>, ConnectorError> {
        host_io::frame_read(handle, offset, len).map_err(Into::into)
    }

    fn frame_drop(&self, handle: u64) {
        host_io::frame_drop(handle)
    }

    fn tcp_connect(&self, host_name: &str, port: u16) -> Result<u64, ConnectorError> {
        host_io::tcp_connect(host_name, port).map_err(Into::into)
    }

    fn tcp_read(&self, handle: u64, len: u64) -> Result<TcpReadResult, ConnectorError> {
        host_io::tcp_read(handle, len).map_err(Into::into)
    }

    fn tcp_write(&self, handle: u64, data: &[u8]) -> Result<TcpWriteResult, ConnectorError> {
        host_io::tcp_write(handle, data).map_err(Into::into)
    }

    fn tcp_close(&self, handle: u64) {
        host_io::tcp_close(handle)
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

/// Log straight to the host.
pub fn log(level: LogLevel, msg: &str) {
    host_imports().log(level, msg)
}

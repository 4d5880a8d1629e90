//! What `#[connector(..)]` expands to calls into. Not public API.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{self, Poll, RawWaker, RawWakerVTable, Waker};
use std::thread::LocalKey;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::context::{Context, LogLevel};
use rapidbyte_types::{ConnectorError, ConnectorInfo, ProtocolVersion, StreamContext};

/// The opened connector, its config and what `init` said about it.
pub struct GuestState<T, C> {
    pub connector: T,
    pub config: C,
    pub connector_id: &'static str,
    pub info: ConnectorInfo,
}

impl<T, C> GuestState<T, C> {
    pub fn new(connector: T, config: C, connector_id: &'static str, info: ConnectorInfo) -> GuestState<T, C> {
        GuestState { connector, config, connector_id, info }
    }

    pub fn context(&self, stream_name: &str) -> Context {
        Context::new(self.connector_id, stream_name)
    }
}

/// The per-connector slot the glue keeps its [`GuestState`] in.
pub type Slot<T, C> = RefCell<Option<GuestState<T, C>>>;

pub fn install<T, C>(slot: &'static LocalKey<Slot<T, C>>, state: GuestState<T, C>) {
    slot.with(|cell| *cell.borrow_mut() = Some(state));
}

pub fn clear<T, C>(slot: &'static LocalKey<Slot<T, C>>) {
    slot.with(|cell| cell.borrow_mut().take());
}

/// Runs `f` on the opened connector; an error if `open` did not succeed.
pub fn with_state<T, C, R>(
    slot: &'static LocalKey<Slot<T, C>>,
    f: impl FnOnce(&mut GuestState<T, C>) -> Result<R, ConnectorError>,
) -> Result<R, ConnectorError> {
    slot.with(|cell| match cell.borrow_mut().as_mut() {
        Some(state) => f(state),
        None => Err(ConnectorError::internal("NOT_OPEN", "the connector has not been opened")),
    })
}

pub fn parse_config<C: DeserializeOwned>(config_json: &str) -> Result<C, ConnectorError> {
    serde_json::from_str(config_json).map_err(|e| ConnectorError::config("INVALID_CONFIG", e.to_string()))
}

/// Checks the protocol a connector's `init` says it speaks and logs its features.
pub fn check_info(connector_id: &str, info: &ConnectorInfo) -> Result<(), ConnectorError> {
    if info.protocol_version != ProtocolVersion::V2 {
        let message = format!("{connector_id} speaks protocol {}", info.protocol_version);
        return Err(ConnectorError::config("PROTOCOL_MISMATCH", message));
    }
    let features: Vec<String> = info.features.iter().map(ToString::to_string).collect();
    let ctx = Context::new(connector_id, "");
    ctx.log(LogLevel::Debug, &format!("opened with features [{}]", features.join(", ")));
    Ok(())
}

/// Decodes the host's `ctx-json`. A stream may not ask for larger batches than
/// the connector's `default_max_batch_bytes`.
pub fn parse_stream_context(ctx_json: &str, info: &ConnectorInfo) -> Result<StreamContext, ConnectorError> {
    let mut stream: StreamContext =
        serde_json::from_str(ctx_json).map_err(|e| ConnectorError::internal("INVALID_CTX_JSON", e.to_string()))?;
    stream.limits.max_batch_bytes = stream.limits.max_batch_bytes.min(info.default_max_batch_bytes);
    Ok(stream)
}

pub fn to_json<T: Serialize>(value: &T) -> Result<String, ConnectorError> {
    serde_json::to_string(value).map_err(|e| ConnectorError::internal("ENCODE", e.to_string()))
}

/// Drives a connector future to completion. Connector futures only wait on the
/// host, which answers synchronously, so this never parks.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = noop_waker();
    let mut cx = task::Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

fn noop_waker() -> Waker {
    const VTABLE: RawWakerVTable =
        RawWakerVTable::new(|_| RawWaker::new(std::ptr::null(), &VTABLE), |_| {}, |_| {}, |_| {});
    // SAFETY: every vtable function ignores the (null) data pointer.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

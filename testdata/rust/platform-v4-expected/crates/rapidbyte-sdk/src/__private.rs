//! What `#[connector(..)]` expands to calls into. Not public API.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{self, Poll, RawWaker, RawWakerVTable, Waker};
use std::thread::LocalKey;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::context::{Context, LogLevel};
use rapidbyte_types::{ConnectorError, OpenInfo, ProtocolVersion, RunRequest};

/// The opened connector, its config and what `open` said about it.
pub struct GuestState<T, C> {
    pub connector: T,
    pub config: C,
    pub connector_id: &'static str,
    pub info: OpenInfo,
    pub session: u64,
}

impl<T, C> GuestState<T, C> {
    pub fn new(connector: T, config: C, connector_id: &'static str, info: OpenInfo) -> GuestState<T, C> {
        GuestState { connector, config, connector_id, info, session: 0 }
    }

    pub fn context(&self, stream_name: &str) -> Context {
        Context::new(self.connector_id, stream_name)
    }
}

/// The per-connector slot the glue keeps its [`GuestState`] in.
pub type Slot<T, C> = RefCell<Option<GuestState<T, C>>>;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// Keeps the opened connector; the session the host will pass back.
pub fn install<T, C>(slot: &'static LocalKey<Slot<T, C>>, mut state: GuestState<T, C>) -> u64 {
    let session = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
    state.session = session;
    slot.with(|cell| *cell.borrow_mut() = Some(state));
    session
}

pub fn clear<T, C>(slot: &'static LocalKey<Slot<T, C>>) {
    slot.with(|cell| cell.borrow_mut().take());
}

/// Runs `f` on the connector opened as `session`; an error if there is none.
pub fn with_state<T, C, R>(
    slot: &'static LocalKey<Slot<T, C>>,
    session: u64,
    f: impl FnOnce(&mut GuestState<T, C>) -> Result<R, ConnectorError>,
) -> Result<R, ConnectorError> {
    slot.with(|cell| match cell.borrow_mut().as_mut() {
        Some(state) if state.session == session => f(state),
        Some(_) => Err(ConnectorError::internal("UNKNOWN_SESSION", format!("no open session {session}"))),
        None => Err(ConnectorError::internal("NOT_OPEN", "the connector has not been opened")),
    })
}

pub fn parse_config<C: DeserializeOwned>(config_json: &str) -> Result<C, ConnectorError> {
    serde_json::from_str(config_json).map_err(|e| ConnectorError::config("INVALID_CONFIG", e.to_string()))
}

/// Checks the protocol a connector's `open` says it speaks and logs its features.
pub fn check_info(connector_id: &str, info: &OpenInfo) -> Result<(), ConnectorError> {
    if info.protocol_version != ProtocolVersion::V4 {
        let message = format!("{connector_id} speaks protocol {}", info.protocol_version);
        return Err(ConnectorError::config("PROTOCOL_MISMATCH", message));
    }
    let features: Vec<String> = info.capabilities.iter().map(ToString::to_string).collect();
    let ctx = Context::new(connector_id, "");
    ctx.log(LogLevel::Debug, &format!("opened with features [{}]", features.join(", ")));
    Ok(())
}

/// A stream may not ask for larger batches than the connector's
/// `default_limits.max_batch_bytes`.
pub fn prepare_request(mut request: RunRequest, info: &OpenInfo) -> RunRequest {
    let limits = &mut request.stream.limits;
    limits.max_batch_bytes = limits.max_batch_bytes.min(info.default_limits.max_batch_bytes);
    request
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

//! Glue between the generated `Guest` exports and the connector traits.
//!
//! `#[connector(...)]` expands to a `Guest` impl whose methods call the
//! functions below. Not a public API.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};

use crate::config::ConnectorConfig;
use crate::connector::{Destination, Source, Transform};
use crate::context::Context;
use crate::error::ConnectorError;
use crate::rapidbyte::connector::{core_types as wit, stream_types};
use crate::stream::StreamContext;

struct Slot {
    connector_id: &'static str,
    config_json: String,
    instance: Option<Box<dyn Any>>,
}

thread_local! {
    static SLOT: RefCell<Option<Slot>> = const { RefCell::new(None) };
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// Drive a future to completion. Guests are single-threaded and every host
/// call blocks, so connector futures never actually wait.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWaker));
    // TRAP: std::task::Context is the async task context, not the SDK Context
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

fn store<T: 'static>(connector_id: &'static str, config_json: String, instance: T) {
    SLOT.with(|s| *s.borrow_mut() = Some(Slot { connector_id, config_json, instance: Some(Box::new(instance)) }));
}

fn not_open() -> wit::ConnectorError {
    ConnectorError::internal("NOT_OPEN", "connector used before open").into()
}

fn ctx() -> Result<Context, wit::ConnectorError> {
    SLOT.with(|s| s.borrow().as_ref().map(|slot| Context::new(slot.connector_id, ""))).ok_or_else(not_open)
}

fn config_json() -> Result<String, wit::ConnectorError> {
    SLOT.with(|s| s.borrow().as_ref().map(|slot| slot.config_json.clone())).ok_or_else(not_open)
}

/// Run `f` on the stored instance (taken out of the slot while it runs).
fn with_instance<T: 'static, R>(f: impl FnOnce(&mut T, &Context) -> R) -> Result<R, wit::ConnectorError> {
    let ctx = ctx()?;
    let mut boxed =
        SLOT.with(|s| s.borrow_mut().as_mut().and_then(|slot| slot.instance.take())).ok_or_else(not_open)?;
    let instance = boxed.downcast_mut::<T>().ok_or_else(not_open)?;
    let out = f(instance, &ctx);
    SLOT.with(|s| {
        if let Some(slot) = s.borrow_mut().as_mut() {
            slot.instance = Some(boxed);
        }
    });
    Ok(out)
}

fn stream_ctx(ctx: &Context, ctx_json: &str) -> Result<(Context, StreamContext), wit::ConnectorError> {
    let stream = StreamContext::from_json(ctx_json)?;
    Ok((ctx.with_stream(&stream.stream_name), stream))
}

pub fn source_open<S: Source + 'static>(
    connector_id: &'static str,
    config_json: String,
) -> Result<(), wit::ConnectorError> {
    let config = S::Config::from_json_str(&config_json)?;
    let (instance, _info) = block_on(S::open(config))?;
    store(connector_id, config_json, instance);
    Ok(())
}

pub fn source_discover<S: Source + 'static>() -> Result<String, wit::ConnectorError> {
    let catalog = with_instance::<S, _>(|s, ctx| block_on(s.discover(ctx)))??;
    Ok(catalog.to_json().to_string())
}

pub fn source_validate<S: Source + 'static>() -> Result<wit::ValidationReport, wit::ConnectorError> {
    let config = S::Config::from_json_str(&config_json()?)?;
    Ok(block_on(S::validate(&config, &ctx()?))?.into())
}

pub fn source_run_read<S: Source + 'static>(ctx_json: String) -> Result<stream_types::ReadSummary, wit::ConnectorError> {
    let (ctx, stream) = stream_ctx(&ctx()?, &ctx_json)?;
    let summary = with_instance::<S, _>(|s, _| block_on(s.read(&ctx, stream)))??;
    Ok(summary.into())
}

pub fn source_close<S: Source + 'static>() -> Result<(), wit::ConnectorError> {
    Ok(with_instance::<S, _>(|s, ctx| block_on(s.close(ctx)))??)
}

pub fn dest_open<D: Destination + 'static>(
    connector_id: &'static str,
    config_json: String,
) -> Result<(), wit::ConnectorError> {
    let config = D::Config::from_json_str(&config_json)?;
    let (instance, _info) = block_on(D::open(config))?;
    store(connector_id, config_json, instance);
    Ok(())
}

pub fn dest_validate<D: Destination + 'static>() -> Result<wit::ValidationReport, wit::ConnectorError> {
    let config = D::Config::from_json_str(&config_json()?)?;
    Ok(block_on(D::validate(&config, &ctx()?))?.into())
}

pub fn dest_run_write<D: Destination + 'static>(ctx_json: String) -> Result<stream_types::WriteSummary, wit::ConnectorError> {
    let (ctx, stream) = stream_ctx(&ctx()?, &ctx_json)?;
    let summary = with_instance::<D, _>(|d, _| block_on(d.write(&ctx, stream)))??;
    Ok(summary.into())
}

pub fn dest_close<D: Destination + 'static>() -> Result<(), wit::ConnectorError> {
    Ok(with_instance::<D, _>(|d, ctx| block_on(d.close(ctx)))??)
}

pub fn transform_open<T: Transform + 'static>(
    connector_id: &'static str,
    config_json: String,
) -> Result<(), wit::ConnectorError> {
    let config = T::Config::from_json_str(&config_json)?;
    let (instance, _info) = block_on(T::open(config))?;
    store(connector_id, config_json, instance);
    Ok(())
}

pub fn transform_validate<T: Transform + 'static>() -> Result<wit::ValidationReport, wit::ConnectorError> {
    let config = T::Config::from_json_str(&config_json()?)?;
    Ok(block_on(T::validate(&config, &ctx()?))?.into())
}

pub fn transform_run_transform<T: Transform + 'static>(
    ctx_json: String,
) -> Result<stream_types::TransformSummary, wit::ConnectorError> {
    let (ctx, stream) = stream_ctx(&ctx()?, &ctx_json)?;
    let summary = with_instance::<T, _>(|t, _| block_on(t.transform(&ctx, stream)))??;
    Ok(summary.into())
}

pub fn transform_close<T: Transform + 'static>() -> Result<(), wit::ConnectorError> {
    Ok(with_instance::<T, _>(|t, ctx| block_on(t.close(ctx)))??)
}

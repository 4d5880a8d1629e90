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
use crate::convert::open_info;
use crate::error::{ConnectorError, UNSUPPORTED_PHASE};
use crate::rapidbyte::connector::{core_types, stream_types};
use crate::run::{ConnectorRole, RunRequest};

/// The one session a guest instance serves.
const SESSION: core_types::Session = 1;

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
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

fn not_open() -> core_types::ConnectorError {
    ConnectorError::internal("NOT_OPEN", "connector used before open").into()
}

fn check_session(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
    if session == SESSION {
        Ok(())
    } else {
        Err(ConnectorError::internal("BAD_SESSION", format!("unknown session {session}")).into())
    }
}

fn ctx() -> Result<Context, core_types::ConnectorError> {
    SLOT.with(|s| s.borrow().as_ref().map(|slot| Context::new(slot.connector_id, ""))).ok_or_else(not_open)
}

fn config_json() -> Result<String, core_types::ConnectorError> {
    SLOT.with(|s| s.borrow().as_ref().map(|slot| slot.config_json.clone())).ok_or_else(not_open)
}

/// Run `f` on the stored instance (taken out of the slot while it runs).
fn with_instance<T: 'static, R>(f: impl FnOnce(&mut T, &Context) -> R) -> Result<R, core_types::ConnectorError> {
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

/// Name the role in `unsupported_phase` errors, as the protocol requires.
fn role_error(role: ConnectorRole, err: ConnectorError) -> core_types::ConnectorError {
    let mut err = err;
    if err.code == UNSUPPORTED_PHASE {
        if let Some(phase) = err.message.strip_prefix("connector does not serve phase ") {
            err.message = format!("{} does not serve phase {phase}", role.as_str());
        }
    }
    err.into()
}

fn store<T: 'static>(connector_id: &'static str, config_json: String, instance: T) {
    SLOT.with(|s| *s.borrow_mut() = Some(Slot { connector_id, config_json, instance: Some(Box::new(instance)) }));
}

macro_rules! role_glue {
    ($trait:ident, $role:expr, $open:ident, $validate:ident, $run:ident, $close:ident) => {
        pub fn $open<C: $trait + 'static>(
            connector_id: &'static str,
            config_json: String,
        ) -> Result<(core_types::Session, core_types::OpenInfo), core_types::ConnectorError> {
            let config = C::Config::from_json_str(&config_json)?;
            let (instance, info) = block_on(C::open(config))?;
            store(connector_id, config_json, instance);
            Ok((SESSION, open_info(info, connector_id, $role)))
        }

        pub fn $validate<C: $trait + 'static>(
            session: core_types::Session,
        ) -> Result<core_types::ValidationReport, core_types::ConnectorError> {
            check_session(session)?;
            let config = C::Config::from_json_str(&config_json()?)?;
            Ok(block_on(C::validate(&config, &ctx()?))?.into())
        }

        pub fn $run<C: $trait + 'static>(
            session: core_types::Session,
            request: stream_types::RunRequest,
        ) -> Result<stream_types::RunSummary, core_types::ConnectorError> {
            check_session(session)?;
            let request = RunRequest::try_from(request)?;
            let summary = with_instance::<C, _>(|c, ctx| {
                let ctx = ctx.with_stream(&request.stream.stream_name);
                block_on(c.run(&ctx, request))
            })?;
            summary.map(Into::into).map_err(|e| role_error($role, e))
        }

        pub fn $close<C: $trait + 'static>(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
            check_session(session)?;
            Ok(with_instance::<C, _>(|c, ctx| block_on(c.close(ctx)))??)
        }
    };
}

role_glue!(Source, ConnectorRole::Source, source_open, source_validate, source_run, source_close);
role_glue!(Destination, ConnectorRole::Destination, dest_open, dest_validate, dest_run, dest_close);
role_glue!(Transform, ConnectorRole::Transform, transform_open, transform_validate, transform_run, transform_close);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RunPhase;

    #[test]
    fn unsupported_phase_names_the_role() {
        let err = role_error(ConnectorRole::Destination, ConnectorError::unsupported_phase(RunPhase::Read));
        assert_eq!(err.code, "UNSUPPORTED_PHASE");
        assert_eq!(err.message, "destination does not serve phase read");
        assert_eq!(err.category, core_types::ErrorCategory::Config);
        assert_eq!(err.scope, core_types::ErrorScope::PerStream);
        assert_eq!(err.backoff_class, core_types::BackoffClass::Normal);
        assert!(!err.retryable && !err.safe_to_retry && err.commit_state.is_none() && err.details.is_none());
    }
}

//! Drives one connector through the v3 lifecycle:
//! open → (source: discover) → validate → run-* per stream → close.

use crate::bindings::rapidbyte::connector::{core_types, stream_types};
use crate::bindings::{RapidbyteDestination, RapidbyteSource, RapidbyteTransform};
use crate::component::{self, Store};
use crate::host_state::HostState;
use crate::payload::{self, StreamSpec};

#[derive(Debug)]
pub enum RunError {
    /// The guest trapped or returned a malformed value.
    Trap(component::Error),
    /// The guest returned a `connector-error`.
    Connector { step: &'static str, error: core_types::ConnectorError },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Trap(err) => write!(f, "guest trapped: {err}"),
            RunError::Connector { step, error } => write!(f, "{step} failed: {} ({})", error.message, error.code),
        }
    }
}

impl std::error::Error for RunError {}

fn step<R>(name: &'static str, result: component::Result<Result<R, core_types::ConnectorError>>) -> Result<R, RunError> {
    match result {
        Err(trap) => Err(RunError::Trap(trap)),
        Ok(Err(error)) => Err(RunError::Connector { step: name, error }),
        Ok(Ok(value)) => Ok(value),
    }
}

/// Point the host at the stream named in `ctx_json` before a run call.
fn enter_stream(store: &mut Store<HostState>, ctx_json: &str) -> Result<(), RunError> {
    let name = payload::stream_name_from_ctx_json(ctx_json).map_err(|e| RunError::Trap(component::Error::new(e)))?;
    store.data_mut().current_stream = name;
    Ok(())
}

#[derive(Debug, Default)]
pub struct SourceRun {
    pub catalog_json: String,
    pub validation: Option<core_types::ValidationReport>,
    pub summaries: Vec<(String, stream_types::ReadSummary)>,
}

pub fn run_source(
    store: &mut Store<HostState>,
    world: &RapidbyteSource,
    config_json: &str,
    streams: &[StreamSpec],
) -> Result<SourceRun, RunError> {
    let guest = world.rapidbyte_connector_source();
    let (session, info) = step("open", guest.call_open(store, config_json))?;
    let result = (|| {
        let mut run = SourceRun { catalog_json: step("discover", guest.call_discover(store))?, ..SourceRun::default() };
        run.validation = Some(step("validate", guest.call_validate(store, session))?);
        for stream in streams {
            let ctx_json = payload::build_ctx_json(stream);
            enter_stream(store, &ctx_json)?;
            run.summaries.push((stream.name.clone(), step("run-read", guest.call_run_read(store, &ctx_json))?));
        }
        Ok(run)
    })();
    let closed = step("close", guest.call_close(store, session));
    let run = result?;
    closed?;
    Ok(run)
}

pub fn run_destination(
    store: &mut Store<HostState>,
    world: &RapidbyteDestination,
    config_json: &str,
    streams: &[StreamSpec],
) -> Result<Vec<(String, stream_types::WriteSummary)>, RunError> {
    let guest = world.rapidbyte_connector_destination();
    let (session, _info) = step("open", guest.call_open(store, config_json))?;
    let result = (|| {
        step("validate", guest.call_validate(store, session))?;
        let mut summaries = Vec::new();
        for stream in streams {
            let ctx_json = payload::build_ctx_json(stream);
            enter_stream(store, &ctx_json)?;
            summaries.push((stream.name.clone(), step("run-write", guest.call_run_write(store, &ctx_json))?));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(store, session));
    let summaries = result?;
    closed?;
    Ok(summaries)
}

pub fn run_transform(
    store: &mut Store<HostState>,
    world: &RapidbyteTransform,
    config_json: &str,
    streams: &[StreamSpec],
) -> Result<Vec<(String, stream_types::TransformSummary)>, RunError> {
    let guest = world.rapidbyte_connector_transform();
    let (session, _info) = step("open", guest.call_open(store, config_json))?;
    let result = (|| {
        step("validate", guest.call_validate(store, session))?;
        let mut summaries = Vec::new();
        for stream in streams {
            let ctx_json = payload::build_ctx_json(stream);
            enter_stream(store, &ctx_json)?;
            summaries.push((stream.name.clone(), step("run-transform", guest.call_run_transform(store, &ctx_json))?));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(store, session));
    let summaries = result?;
    closed?;
    Ok(summaries)
}

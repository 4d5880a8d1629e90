//! Drives connectors through their lifecycle, from `open` to `close`.
//!
//! Guests are reached through the world bindings' accessors
//! (`rapidbyte_connector_source()`, ...); `close` is called even
//! when an earlier step failed.

use rapidbyte_runtime::{destination, source, transform, HostState, Loaded, Runtime};
use rapidbyte_types::stream::{ReadSummary, RunPhase, RunRequest, TransformSummary, WriteSummary};
use rapidbyte_types::{Catalog, ConnectorError, StreamContext, SyncMode, ValidationReport};

use crate::error::EngineError;
use crate::journal::Journal;
use crate::pipeline::{ConnectorSpec, Pipeline};

/// Unwraps one guest call: a trap, a `connector-error`, or the value.
fn step<T, E: Into<ConnectorError>>(
    step: &'static str,
    result: wasmtime::Result<Result<T, E>>,
) -> Result<T, EngineError> {
    match result? {
        Ok(value) => Ok(value),
        Err(err) => Err(EngineError::Connector { step, source: err.into() }),
    }
}

fn check(validation: ValidationReport) -> Result<ValidationReport, EngineError> {
    if validation.is_ok() {
        Ok(validation)
    } else {
        Err(EngineError::Invalid(validation))
    }
}

fn run_request(phase: RunPhase, stream: StreamContext) -> RunRequest {
    RunRequest { phase, max_records: stream.limits.max_records, stream, dry_run: false }
}

/// A `run` whose summary lacks the field of its phase.
fn missing(phase: RunPhase) -> EngineError {
    let source = ConnectorError::internal("MISSING_SUMMARY", format!("run returned no {phase} summary"));
    EngineError::Connector { step: "run", source }
}

#[derive(Debug)]
pub struct SourceOutcome {
    pub catalog: Catalog,
    pub validation: ValidationReport,
    pub summaries: Vec<(String, ReadSummary)>,
}

pub fn run_source(
    loaded: &mut Loaded<source::RapidbyteSource>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<SourceOutcome, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_source();
    let store = &mut loaded.store;
    let (session, info) = step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        let placeholder =
            StreamContext { limits: info.default_limits.into(), ..StreamContext::new("", SyncMode::FullRefresh) };
        let request = run_request(RunPhase::Discover, placeholder);
        let discovered = step("run", guest.call_run(&mut *store, session, &request.into()))?;
        let catalog_json = discovered.discover.ok_or_else(|| missing(RunPhase::Discover))?.catalog_json;
        let catalog: Catalog = serde_json::from_str(&catalog_json)?;
        let validation = check(step("validate", guest.call_validate(&mut *store, session))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let request = run_request(RunPhase::Read, stream.clone());
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run", guest.call_run(&mut *store, session, &request.into()))?;
            let summary = summary.read.ok_or_else(|| missing(RunPhase::Read))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(SourceOutcome { catalog, validation, summaries })
    })();
    let closed = step("close", guest.call_close(&mut *store, session));
    let outcome = result?;
    closed?;
    Ok(outcome)
}

pub fn run_destination(
    loaded: &mut Loaded<destination::RapidbyteDestination>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<Vec<(String, WriteSummary)>, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_destination();
    let store = &mut loaded.store;
    let (session, _info) = step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        check(step("validate", guest.call_validate(&mut *store, session))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let request = run_request(RunPhase::Write, stream.clone());
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run", guest.call_run(&mut *store, session, &request.into()))?;
            let summary = summary.write.ok_or_else(|| missing(RunPhase::Write))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(&mut *store, session));
    let summaries = result?;
    closed?;
    Ok(summaries)
}

pub fn run_transform(
    loaded: &mut Loaded<transform::RapidbyteTransform>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<Vec<(String, TransformSummary)>, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_transform();
    let store = &mut loaded.store;
    let (session, _info) = step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        check(step("validate", guest.call_validate(&mut *store, session))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let request = run_request(RunPhase::Transform, stream.clone());
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run", guest.call_run(&mut *store, session, &request.into()))?;
            let summary = summary.transform.ok_or_else(|| missing(RunPhase::Transform))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(&mut *store, session));
    let summaries = result?;
    closed?;
    Ok(summaries)
}

#[derive(Debug)]
pub struct PipelineOutcome {
    pub source: SourceOutcome,
    pub written: Vec<(String, WriteSummary)>,
    pub journal: Journal,
}

fn host_state(spec: &ConnectorSpec, source_connector_id: Option<&str>) -> HostState {
    let mut state = HostState::new(&spec.id);
    state.allowed_hosts = spec.allowed_hosts.clone();
    state.source_connector_id = source_connector_id.map(str::to_owned);
    state
}

/// Runs the source, then hands its batches through the transforms to the destination.
pub fn run_pipeline(runtime: &Runtime, pipeline: &Pipeline) -> Result<PipelineOutcome, EngineError> {
    let streams: Vec<StreamContext> = pipeline.streams.iter().map(|s| s.context()).collect();
    let mut journal = Journal::default();

    let mut src = source::load(runtime, &pipeline.source.component, host_state(&pipeline.source, None))?;
    let outcome = run_source(&mut src, &pipeline.source.config.to_string(), &streams)?;
    let mut batches = std::mem::take(&mut src.store.data_mut().emitted);
    for checkpoint in &src.store.data().checkpoints {
        journal.record_checkpoint(&pipeline.source.id, checkpoint)?;
    }

    let upstream = Some(pipeline.source.id.as_str());
    for spec in &pipeline.transforms {
        let mut stage = transform::load(runtime, &spec.component, host_state(spec, upstream))?;
        stage.store.data_mut().inbound.extend(batches);
        run_transform(&mut stage, &spec.config.to_string(), &streams)?;
        batches = std::mem::take(&mut stage.store.data_mut().emitted);
    }

    let spec = &pipeline.destination;
    let mut dest = destination::load(runtime, &spec.component, host_state(spec, upstream))?;
    dest.store.data_mut().inbound.extend(batches);
    let written = run_destination(&mut dest, &spec.config.to_string(), &streams)?;
    for checkpoint in &dest.store.data().checkpoints {
        journal.record_checkpoint(&spec.id, checkpoint)?;
    }
    for metric in &dest.store.data().metrics {
        journal.record_metric(&spec.id, &dest.store.data().current_stream, metric);
    }
    Ok(PipelineOutcome { source: outcome, written, journal })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_a_missing_component_fails_cleanly() {
        let pipeline = Pipeline::from_json(
            r#"{"name": "p", "source": {"id": "src", "component": "/nonexistent/source.wasm"},
                "destination": {"id": "dest", "component": "/nonexistent/dest.wasm"},
                "streams": [{"name": "users", "sync_mode": "full_refresh", "max_batch_bytes": 1024}]}"#,
        )
        .unwrap();
        assert_eq!(pipeline.streams[0].context().limits.max_batch_bytes, 1024);
        let runtime = Runtime::new().unwrap();
        assert!(matches!(run_pipeline(&runtime, &pipeline), Err(EngineError::Load(_))));
    }
}

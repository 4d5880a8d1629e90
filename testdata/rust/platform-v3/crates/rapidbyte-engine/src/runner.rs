//! Drives connectors through their lifecycle, from `open` to `close`.
//!
//! Guests are reached through the world bindings' accessors
//! (`rapidbyte_connector_source_connector()`, ...); `close` is called even
//! when an earlier step failed.

use rapidbyte_runtime::{destination, source, transform, HostState, Loaded, Runtime};
use rapidbyte_types::stream::{ReadSummary, TransformSummary, WriteSummary};
use rapidbyte_types::{Catalog, ConnectorError, StreamContext, ValidationResult};

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

fn check(validation: ValidationResult) -> Result<ValidationResult, EngineError> {
    if validation.is_ok() {
        Ok(validation)
    } else {
        Err(EngineError::Invalid(validation))
    }
}

#[derive(Debug)]
pub struct SourceOutcome {
    pub catalog: Catalog,
    pub validation: ValidationResult,
    pub summaries: Vec<(String, ReadSummary)>,
}

pub fn run_source(
    loaded: &mut Loaded<source::RapidbyteSource>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<SourceOutcome, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_source_connector();
    let store = &mut loaded.store;
    step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        let catalog_json = step("discover", guest.call_discover(&mut *store))?;
        let catalog: Catalog = serde_json::from_str(&catalog_json)?;
        let validation = check(step("validate", guest.call_validate(&mut *store))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let ctx_json = serde_json::to_string(stream)?;
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run-read", guest.call_run_read(&mut *store, &ctx_json))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(SourceOutcome { catalog, validation, summaries })
    })();
    let closed = step("close", guest.call_close(&mut *store));
    let outcome = result?;
    closed?;
    Ok(outcome)
}

pub fn run_destination(
    loaded: &mut Loaded<destination::RapidbyteDestination>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<Vec<(String, WriteSummary)>, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_dest_connector();
    let store = &mut loaded.store;
    step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        check(step("validate", guest.call_validate(&mut *store))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let ctx_json = serde_json::to_string(stream)?;
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run-write", guest.call_run_write(&mut *store, &ctx_json))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(&mut *store));
    let summaries = result?;
    closed?;
    Ok(summaries)
}

pub fn run_transform(
    loaded: &mut Loaded<transform::RapidbyteTransform>,
    config_json: &str,
    streams: &[StreamContext],
) -> Result<Vec<(String, TransformSummary)>, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_transform_connector();
    let store = &mut loaded.store;
    step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        check(step("validate", guest.call_validate(&mut *store))?.into())?;
        let mut summaries = Vec::new();
        for stream in streams {
            let ctx_json = serde_json::to_string(stream)?;
            store.data_mut().current_stream = stream.stream_name.clone();
            let summary = step("run-transform", guest.call_run_transform(&mut *store, &ctx_json))?;
            summaries.push((stream.stream_name.clone(), summary.into()));
        }
        Ok(summaries)
    })();
    let closed = step("close", guest.call_close(&mut *store));
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

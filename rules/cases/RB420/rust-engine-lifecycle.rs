use rapidbyte_runtime::{destination, source, Loaded};

use crate::error::EngineError;

/// Unwraps one guest call: a trap, a `connector-error`, or the value.
fn step<T, E: Into<EngineError>>(step: &'static str, result: wasmtime::Result<Result<T, E>>) -> Result<T, EngineError> {
    match result? {
        Ok(value) => Ok(value),
        Err(err) => Err(EngineError::connector(step, err.into())),
    }
}

pub fn run_source(loaded: &mut Loaded<source::RapidbyteSource>, config_json: &str) -> Result<String, EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_source_connector();
    let store = &mut loaded.store;
    step("open", guest.call_open(&mut *store, config_json))?;
    let result = (|| -> Result<_, EngineError> {
        let catalog_json = step("discover", guest.call_discover(&mut *store))?;
        step("validate", guest.call_validate(&mut *store))?;
        Ok(catalog_json)
    })();
    let closed = step("close", guest.call_close(&mut *store));
    let catalog_json = result?;
    closed?;
    Ok(catalog_json)
}

pub fn check_destination(loaded: &mut Loaded<destination::RapidbyteDestination>, config: &str) -> Result<(), EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_dest_connector();
    let _ = step("open", guest.call_open(&mut loaded.store, config))?;
    let report = guest.call_validate(&mut loaded.store).unwrap().map_err(EngineError::from)?;
    step("close", guest.call_close(&mut loaded.store))?;
    println!("{report:?}");
    Ok(())
}

/// Another type's `call_close` and a local `run_transform` are not guest calls.
struct Pool;

impl Pool {
    fn call_close(&self, id: u32) -> Result<(), EngineError> {
        let _ = id;
        Ok(())
    }
}

pub fn run_transform(pool: &Pool) -> Result<(), EngineError> {
    pool.call_close(7)?;
    Ok(())
}

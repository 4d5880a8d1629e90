use rapidbyte_runtime::{transform, Loaded};

use crate::guest::step;

pub fn run_transform(loaded: &mut Loaded<transform::RapidbyteTransform>, config_json: &str) -> Result<(), EngineError> {
    let guest = loaded.bindings.rapidbyte_connector_transform();
    let store = &mut loaded.store;
    step("open", guest.call_open(&mut *store, config_json))?;
    let validated = step("validate", guest.call_validate(&mut *store));
    step("close", guest.call_close(&mut *store))?;
    validated.map(drop)
}

pub fn run_with_context(guest: &transform::exports::rapidbyte::connector::transform::Guest, store: &mut Store<HostState>) -> anyhow::Result<()> {
    guest.call_open(&mut *store, "{}").context("open")??;
    guest.call_close(&mut *store).context("close")??;
    Ok(())
}

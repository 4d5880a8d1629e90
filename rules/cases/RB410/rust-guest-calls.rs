use crate::bindings::RapidbyteSource;

pub fn run_source(store: &mut Store, world: &RapidbyteSource, ctx_json: &str) -> Result<(), Error> {
    let guest = world.rapidbyte_connector_source_connector();
    let catalog = guest.call_discover(store)?;
    let summary = guest.call_run_read(store, ctx_json)?;
    let _ = (catalog, summary);
    Ok(())
}

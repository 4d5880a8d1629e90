pub fn run_destination(store: &mut Store, world: &RapidbyteDestination, ctx_json: &str) -> Result<(), Error> {
    let guest = world.rapidbyte_connector_destination();
    guest.call_run(store, ctx_json)?;
    Ok(())
}

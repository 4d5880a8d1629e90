use crate::bindings::exports::rapidbyte::connector::source_connector::Guest;
use crate::bindings::RapidbyteSource;

// half-migrated: `call_open` is bound already, the later calls still lack the session
pub fn reopen(world: &RapidbyteSource, store: &mut Store<HostState>, config_json: &str) -> anyhow::Result<()> {
    let guest = world.rapidbyte_connector_source();
    let (sid, _info) = guest.call_open(&mut *store, config_json)??;
    guest.call_validate(&mut *store)??;
    guest.call_close(&mut *store)??;
    Ok(())
}

// a guest typed as the bindings' export `Guest`, unwrapped with `expect`
pub fn probe(guest: &Guest, store: &mut Store<HostState>) {
    guest.call_open(&mut *store, "{}").expect("trap").expect("open");
    guest.call_close(&mut *store).expect("trap").expect("close");
}

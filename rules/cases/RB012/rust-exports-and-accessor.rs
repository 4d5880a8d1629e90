use crate::bindings::exports::rapidbyte::connector::source_connector::Guest;

pub fn guest(world: &RapidbyteSource) -> &Guest {
    world.rapidbyte_connector_source_connector()
}

pub fn guest(world: &RapidbyteDestination) -> &exports::rapidbyte::connector::dest_connector::Guest {
    world.rapidbyte_connector_dest_connector()
}

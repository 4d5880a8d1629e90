pub fn guest(world: &RapidbyteTransform) -> &exports::rapidbyte::connector::transform_connector::Guest {
    world.rapidbyte_connector_transform_connector()
}

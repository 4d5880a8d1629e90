//! Guests are reached through the world bindings' accessors
//! (`rapidbyte_connector_source_connector()`, ...); a name that merely
//! contains one (`my_rapidbyte_connector_source_connector_count`) stays.

pub fn guest(bindings: &RapidbyteSource) -> &Guest {
    bindings.rapidbyte_connector_source_connector()
}

pub fn checkpoint_envelope_json(connector_id: &str, id: u64, records: u64) -> String {
    format!(
        r#"{{"protocol_version":"2","connector_id":"{connector_id}","payload":{{"id":{id},"records_processed":{records}}}}}"#
    )
}

pub fn send(imports: &dyn rapidbyte_sdk::host_ffi::HostImports, payload: &JsonValue) -> Result<(), String> {
    imports.checkpoint(0, &payload.to_string())
}

pub fn stream_name_from_ctx_json(ctx_json: &str) -> Result<String, String> {
    let doc = JsonValue::parse(ctx_json).map_err(|e| e.to_string())?;
    doc.str_field("stream_name").ok_or_else(|| "ctx-json without stream_name".to_owned())
}

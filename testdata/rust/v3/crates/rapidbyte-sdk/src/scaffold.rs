//! Templates for `cargo rapidbyte new`.

// TRAP: scaffold template inside format!(r#"..."#) holds v3 code; it is a string, not code
/// `src/lib.rs` of a new source connector.
pub fn source_lib_rs(crate_name: &str, struct_name: &str) -> String {
    format!(
        r#"//! {crate_name}: a Rapidbyte source connector.

use rapidbyte_sdk::prelude::*;

#[derive(Debug, Clone)]
pub struct Config {{
    pub table: String,
}}

impl ConnectorConfig for Config {{
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError> {{
        Ok(Config {{ table: rapidbyte_sdk::config::required_str(value, "table")? }})
    }}
}}

#[connector(source)]
pub struct {struct_name} {{
    config: Config,
}}

impl Source for {struct_name} {{
    type Config = Config;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {{
        Ok((Self {{ config }}, ConnectorInfo {{
            protocol_version: ProtocolVersion::V2,
            features: vec![],
            default_max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
        }}))
    }}

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {{
        Ok(Catalog::default())
    }}

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {{
        let batch = RecordBatch::new(stream.stream_name.clone(), stream.columns().to_vec());
        ctx.emit_batch(&batch)?;
        ctx.checkpoint(&Checkpoint {{
            id: 1,
            kind: CheckpointKind::Source,
            stream: stream.stream_name.clone(),
            cursor_field: None,
            cursor_value: None,
            records_processed: 0,
            bytes_processed: 0,
        }})?;
        Ok(ReadSummary::default())
    }}
}}
"#
    )
}

/// `build.rs` of a new connector.
pub fn build_rs(role: &str, id: &str) -> String {
    format!(
        r#"fn main() {{
    rapidbyte_sdk::manifest::ManifestBuilder::{role}("{id}")
        .protocol_version("3")
        .emit()
        .expect("failed to write the connector manifest");
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_the_connector() {
        assert!(source_lib_rs("source-demo", "DemoSource").contains("impl Source for DemoSource"));
        assert!(build_rs("source", "acme/source-demo").contains("ManifestBuilder::source(\"acme/source-demo\")"));
    }
}

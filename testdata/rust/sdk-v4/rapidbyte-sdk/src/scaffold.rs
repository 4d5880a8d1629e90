//! Templates for `cargo rapidbyte new`.

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

    async fn open(config: Self::Config) -> Result<(Self, OpenInfo), ConnectorError> {{
        Ok((Self {{ config }}, OpenInfo {{
            protocol_version: ProtocolVersion::V4,
            capabilities: vec![],
            default_limits: StreamLimits::default(),
        }}))
    }}

    async fn run(&mut self, ctx: &Context, request: RunRequest) -> Result<RunSummary, ConnectorError> {{
        match request.phase {{
            RunPhase::Discover => Ok(RunSummary::discover(Catalog::default())),
            RunPhase::Read => {{
                let stream = request.stream;
                let batch = RecordBatch::new(stream.stream_name.clone(), stream.columns().to_vec());
                ctx.batch_emit(&batch)?;
                Ok(RunSummary::read(ReadSummary::default()))
            }}
            phase => Err(ConnectorError::unsupported_phase(phase)),
        }}
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

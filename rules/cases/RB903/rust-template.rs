/// `src/lib.rs` of a new source connector (`cargo rapidbyte new`).
pub fn source_lib_rs(struct_name: &str) -> String {
    format!(
        r#"impl Source for {struct_name} {{
    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {{
        ctx.emit_batch(&RecordBatch::new(stream.stream_name.clone(), vec![]))?;
        Ok(ReadSummary::default())
    }}
}}
"#
    )
}

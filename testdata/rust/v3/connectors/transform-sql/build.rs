fn main() {
    rapidbyte_sdk::manifest::ManifestBuilder::transform("rapidbyte/transform-sql")
        .name("SQL transform")
        .description("Filters and projects rows with SELECT ... FROM input WHERE ...")
        .emit()
        .expect("failed to write the connector manifest");
}

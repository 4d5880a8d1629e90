use rapidbyte_sdk::manifest::ManifestBuilder;

fn main() {
    ManifestBuilder::source("rapidbyte/source-csv")
        .name("Inline CSV")
        .protocol_version("3")
        .emit()
        .expect("failed to write the connector manifest");
}

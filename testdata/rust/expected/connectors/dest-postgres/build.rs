use rapidbyte_sdk::manifest::ManifestBuilder;
use rapidbyte_sdk::Feature;

fn main() {
    ManifestBuilder::destination("rapidbyte/dest-postgres")
        .name("PostgreSQL")
        .protocol_version("4")
        .feature(Feature::BulkLoadCopy)
        .feature(Feature::SchemaAutoMigrate)
        .feature(Feature::ExactlyOnce)
        .allow_network(&["*"])
        .emit()
        .expect("failed to write the connector manifest");
}

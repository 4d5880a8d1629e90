use rapidbyte_sdk::manifest::ManifestBuilder;
use rapidbyte_sdk::Feature;

fn main() {
    println!("cargo:rerun-if-changed=config.schema.json");
    let manifest = ManifestBuilder::source("rapidbyte/source-postgres")
        .name("PostgreSQL")
        .description("Reads PostgreSQL tables over the host's TCP sockets")
        .protocol_version("4")
        .feature(Feature::Cdc)
        .feature(Feature::Stateful)
        .allow_network(&["*"])
        .config_schema(include_str!("config.schema.json"));

    // TRAP: rapidbyte_manifest_v1 names the manifest layout, not the protocol version
    let rapidbyte_manifest_v1 = manifest.rapidbyte_manifest_v1();
    assert_eq!(rapidbyte_manifest_v1.str_field("role").as_deref(), Some("source"));

    manifest.emit().expect("failed to write the connector manifest");
}

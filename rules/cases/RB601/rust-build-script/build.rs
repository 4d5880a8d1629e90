use rapidbyte_sdk::manifest::ManifestBuilder;

fn main() {
    // `rapidbyte_manifest_v1` names the manifest layout, not the protocol version
    let manifest = ManifestBuilder::source("acme/source-demo").name("Demo").protocol_version("2");
    let rapidbyte_manifest_v1 = manifest.rapidbyte_manifest_v1();
    let _ = rapidbyte_manifest_v1;
    manifest.emit().expect("failed to write the connector manifest");
}

use rapidbyte_sdk::host_ffi::host_imports;

#[test]
fn reads_nothing_without_a_socket() {
    let imports = host_imports();
    assert!(imports.socket_read(7, 16).is_err());
}

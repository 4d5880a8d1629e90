use rapidbyte_sdk::host_ffi::host_imports;

pub fn cursor(scope: u32) -> Option<String> {
    host_imports().state_get(scope, "cursor").ok().flatten()
}

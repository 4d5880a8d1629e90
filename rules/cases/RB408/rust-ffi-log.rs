use rapidbyte_sdk::host_ffi;

pub fn warn(msg: &str) {
    host_ffi::log(1, msg);
}

pub fn fail(msg: &str) {
    rapidbyte_sdk::host_ffi::log(0, &format!("failed: {msg}"));
}

use rapidbyte_sdk::host_ffi;

pub fn log_at(level: i32, msg: &str) {
    host_ffi::log(level, msg);
}

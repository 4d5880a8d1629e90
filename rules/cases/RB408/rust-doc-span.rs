//! Connectors log through the `Context`, or call
//! `host_ffi::log(0, ..)` directly at most; `host_ffi::log(7, ..)` is not a level.
use rapidbyte_sdk::host_ffi;

pub fn f() {
    host_ffi::log(1, "x");
}

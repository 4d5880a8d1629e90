use rapidbyte_sdk::bindings::source::rapidbyte::connector::types;

pub fn f(c: types::ErrorCategory) -> bool {
    assert_eq!(c, types::ErrorCategory::Config);
    c == types::ErrorCategory::Config
}

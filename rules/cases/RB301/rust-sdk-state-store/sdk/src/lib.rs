//! The SDK: what the glue the macro emits calls into lives in `rt`.

pub mod rt;

//! Std-only stand-in for `wit-bindgen`: `generate!` (templates instead of a code
//! generator, see `bindgen-stand-in`) and the runtime module generated code uses.

pub use bindgen_stand_in::wit_bindgen_generate as generate;

pub mod rt {
    /// Generated import functions call this. Off wasm, real wit-bindgen
    /// imports are `unreachable!()` too: only a component has a host to call.
    pub fn stand_in_import<A, R>(interface: &str, func: &str, args: A) -> R {
        drop(args);
        panic!("{interface}#{func} is a host import: it can only be called inside a component")
    }
}

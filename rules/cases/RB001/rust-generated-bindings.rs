//! Checked-in output of `wit_bindgen::generate!` for `rapidbyte:connector@3.0.0`.

pub mod rapidbyte {
    pub mod connector {
        pub mod host {
            pub fn emit_batch(handle: u64) -> Result<(), String> {
                let _ = handle;
                unreachable!("emit-batch")
            }
        }
    }
}

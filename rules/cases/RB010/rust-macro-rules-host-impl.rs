//! A runtime's `Host` impl written inside the `macro_rules!` that calls `bindgen!` once per world.

pub struct HostState {
    handles: Vec<u64>,
}

impl HostState {
    pub fn emit_batch_impl(&mut self, handle: u64) -> Result<(), String> {
        self.handles.push(handle);
        Ok(())
    }

    pub fn socket_close_impl(&mut self, handle: u64) {
        self.handles.retain(|h| *h != handle);
    }
}

macro_rules! define_world {
    ($module:ident, $world:literal) => {
        pub mod $module {
            wasmtime::component::bindgen!({
                path: "wit",
                world: $world,
                trappable_imports: ["emit-batch"],
            });
        }

        impl $module::rapidbyte::connector::types::Host for HostState {}

        impl $module::rapidbyte::connector::host::Host for HostState {
            fn emit_batch(&mut self, handle: u64) -> Result<(), $module::rapidbyte::connector::types::ConnectorError> {
                Ok(self.emit_batch_impl(handle).map_err(|_| todo!())?)
            }

            fn log(&mut self, level: u32, msg: String) {
                let _ = (level, msg);
            }

            fn socket_close(&mut self, handle: u64) {
                $(self.socket_close_impl(handle);)*
            }
        }
    };
}

define_world!(source, "rapidbyte-source");

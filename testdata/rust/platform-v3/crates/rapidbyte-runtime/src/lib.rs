//! The Rapidbyte host runtime: loads connector components into wasmtime and
//! implements the `host` imports (frames, checkpoints, metrics, state, logs,
//! sockets) on [`HostState`].

pub mod bindings;
pub mod host_state;
pub mod payload;

use wasmtime::{Config, Engine, Store};

pub use bindings::{destination, source, transform};
pub use host_state::{DlqEntry, HostState};

/// Epoch ticks a guest call may run before it is interrupted.
pub const CALL_DEADLINE_TICKS: u64 = 100;

/// One wasmtime engine, shared by every connector of a pipeline.
pub struct Runtime {
    engine: Engine,
}

/// A loaded connector: its store (holding the [`HostState`]) and its world's bindings.
pub struct Loaded<B> {
    pub store: Store<HostState>,
    pub bindings: B,
}

impl Runtime {
    pub fn new() -> anyhow::Result<Runtime> {
        let mut config = Config::new();
        config.wasm_component_model(true).epoch_interruption(true).max_wasm_stack(2 * 1024 * 1024);
        Ok(Runtime { engine: Engine::new(&config)? })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn store(&self, state: HostState) -> Store<HostState> {
        let mut store = Store::new(&self.engine, state);
        store.set_epoch_deadline(CALL_DEADLINE_TICKS);
        store
    }
}

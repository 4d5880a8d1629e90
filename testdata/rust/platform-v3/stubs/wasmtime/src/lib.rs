//! Std-only stand-in for the parts of `wasmtime` the runtime and the engine use.
//!
//! Same paths and signatures as the real crate (`Engine`, `Config`, `Store`,
//! `AsContextMut`, `component::{bindgen!, Component, Linker, Instance}`), but no
//! compiler: `Component::from_file` and `Component::new` always fail, so nothing
//! can be instantiated and the guest-call paths type-check without running.

use std::fmt;

pub mod component;

/// `wasmtime::Error` is `anyhow::Error`; the stand-in has its own std error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn msg(message: impl fmt::Display) -> Error {
        Error { message: message.to_string() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Default)]
pub struct Config {
    epoch_interruption: bool,
    max_wasm_stack: Option<usize>,
}

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    pub fn wasm_component_model(&mut self, _enable: bool) -> &mut Config {
        self
    }

    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Config {
        self.epoch_interruption = enable;
        self
    }

    pub fn max_wasm_stack(&mut self, size: usize) -> &mut Config {
        self.max_wasm_stack = Some(size);
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: Config,
}

impl Engine {
    pub fn new(config: &Config) -> Result<Engine> {
        Ok(Engine { config: config.clone() })
    }

    pub fn increment_epoch(&self) {
        let _ = self.config.epoch_interruption;
    }
}

pub struct Store<T> {
    engine: Engine,
    data: T,
    epoch_deadline: u64,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store { engine: engine.clone(), data, epoch_deadline: 0 }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.epoch_deadline = ticks;
    }
}

pub struct StoreContextMut<'a, T>(&'a mut Store<T>);

impl<T> StoreContextMut<'_, T> {
    pub fn data(&self) -> &T {
        self.0.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.0.data_mut()
    }
}

pub trait AsContext {
    type Data;
}

pub trait AsContextMut: AsContext {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self)
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut *self.0)
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

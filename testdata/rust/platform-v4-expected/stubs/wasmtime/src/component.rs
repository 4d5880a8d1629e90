//! `wasmtime::component`.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::path::Path;

use crate::{AsContextMut, Engine, Error, Result, StoreContextMut};

pub use bindgen_stand_in::wasmtime_bindgen as bindgen;

/// A compiled component. The stand-in has no compiler, so there is never one.
pub struct Component {
    never: Infallible,
}

impl Component {
    pub fn new(_engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Component> {
        Err(Error::msg(format!(
            "cannot compile a {}-byte component: wasmtime is a std-only stand-in",
            bytes.as_ref().len()
        )))
    }

    pub fn from_file(_engine: &Engine, path: impl AsRef<Path>) -> Result<Component> {
        Err(Error::msg(format!("cannot load {}: wasmtime is a std-only stand-in", path.as_ref().display())))
    }
}

/// An instantiated component (never exists in the stand-in).
#[derive(Clone)]
pub struct Instance {
    never: Infallible,
}

impl Instance {
    /// What the generated `call_*` methods reduce to in the stand-in.
    #[doc(hidden)]
    pub fn __stand_in_call<S: AsContextMut, A, R>(&self, _store: S, _func: &str, _args: A) -> Result<R> {
        match self.never {}
    }
}

pub struct Linker<T> {
    engine: Engine,
    defined: Vec<(String, String)>,
    _data: PhantomData<fn(T)>,
}

impl<T> Linker<T> {
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker { engine: engine.clone(), defined: Vec::new(), _data: PhantomData }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        Ok(LinkerInstance { linker: self, name: name.to_owned() })
    }

    pub fn instantiate(&self, _store: impl AsContextMut<Data = T>, component: &Component) -> Result<Instance> {
        match component.never {}
    }

    /// Every `(instance, function)` defined so far (stand-in only).
    #[doc(hidden)]
    pub fn __stand_in_defined(&self) -> &[(String, String)] {
        &self.defined
    }
}

pub struct LinkerInstance<'a, T> {
    linker: &'a mut Linker<T>,
    name: String,
}

impl<T> LinkerInstance<'_, T> {
    pub fn func_wrap<F, Params, Return>(&mut self, name: &str, func: F) -> Result<()>
    where
        F: Fn(StoreContextMut<'_, T>, Params) -> Result<Return> + Send + Sync + 'static,
        Params: 'static,
        Return: 'static,
    {
        drop(func);
        let key = (self.name.clone(), name.to_owned());
        if self.linker.defined.contains(&key) {
            return Err(Error::msg(format!("import `{name}` of `{}` defined twice", self.name)));
        }
        self.linker.defined.push(key);
        Ok(())
    }
}

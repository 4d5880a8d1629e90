//! Std-only stand-in for the parts of `wasmtime::component` the runtime uses:
//! dynamic values, a linker of host functions and a store that owns the host
//! state and the guest instance.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A component-model value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Bool(bool),
    U16(u16),
    U32(u32),
    U64(u64),
    Float64(f64),
    String(String),
    List(Vec<Val>),
    Record(Vec<(String, Val)>),
    Tuple(Vec<Val>),
    Variant(String, Option<Box<Val>>),
    Enum(String),
    Option(Option<Box<Val>>),
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
}

impl Val {
    pub fn ok(value: Option<Val>) -> Val {
        Val::Result(Ok(value.map(Box::new)))
    }

    pub fn err(value: Val) -> Val {
        Val::Result(Err(Some(Box::new(value))))
    }

    pub fn field(&self, name: &str) -> Result<&Val> {
        match self {
            Val::Record(fields) => fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| Error::new(format!("record has no field `{name}`"))),
            other => Err(Error::new(format!("expected a record, got {other:?}"))),
        }
    }

    pub fn as_u64(&self) -> Result<u64> {
        match self {
            Val::U64(v) => Ok(*v),
            Val::U32(v) => Ok(u64::from(*v)),
            Val::U16(v) => Ok(u64::from(*v)),
            other => Err(Error::new(format!("expected an integer, got {other:?}"))),
        }
    }

    pub fn as_str(&self) -> Result<&str> {
        match self {
            Val::String(s) => Ok(s),
            other => Err(Error::new(format!("expected a string, got {other:?}"))),
        }
    }

    pub fn as_bool(&self) -> Result<bool> {
        match self {
            Val::Bool(b) => Ok(*b),
            other => Err(Error::new(format!("expected a bool, got {other:?}"))),
        }
    }
}

/// A trap or a host-side failure (not a `connector-error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub type HostFunc<T> = Arc<dyn Fn(&mut T, &[Val]) -> Result<Vec<Val>> + Send + Sync>;

/// Host functions by instance name (`rapidbyte:connector/host-io@4.0.0`) and function name.
pub struct Linker<T> {
    instances: BTreeMap<String, BTreeMap<String, HostFunc<T>>>,
}

impl<T> Default for Linker<T> {
    fn default() -> Self {
        Linker { instances: BTreeMap::new() }
    }
}

impl<T> Linker<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        Ok(LinkerInstance { funcs: self.instances.entry(name.to_owned()).or_default() })
    }

    pub fn func(&self, instance: &str, name: &str) -> Option<HostFunc<T>> {
        self.instances.get(instance)?.get(name).cloned()
    }

    pub fn func_names(&self, instance: &str) -> Vec<&str> {
        self.instances.get(instance).map(|funcs| funcs.keys().map(String::as_str).collect()).unwrap_or_default()
    }
}

pub struct LinkerInstance<'a, T> {
    funcs: &'a mut BTreeMap<String, HostFunc<T>>,
}

impl<T> LinkerInstance<'_, T> {
    pub fn add_func(
        &mut self,
        name: &str,
        func: impl Fn(&mut T, &[Val]) -> Result<Vec<Val>> + Send + Sync + 'static,
    ) -> Result<()> {
        if self.funcs.contains_key(name) {
            return Err(Error::new(format!("host function `{name}` defined twice")));
        }
        self.funcs.insert(name.to_owned(), Arc::new(func));
        Ok(())
    }
}

/// Lets a running guest call back into the host functions of the store.
pub struct Imports<'a, T> {
    linker: &'a Linker<T>,
    data: &'a mut T,
}

impl<T> Imports<'_, T> {
    pub fn call(&mut self, instance: &str, func: &str, args: &[Val]) -> Result<Vec<Val>> {
        let f =
            self.linker.func(instance, func).ok_or_else(|| Error::new(format!("unknown import {instance}#{func}")))?;
        f(self.data, args)
    }
}

/// An instantiated component: runs one export, calling imports through `imports`.
pub trait ComponentInstance<T> {
    fn call_export(
        &mut self,
        imports: &mut Imports<'_, T>,
        interface: &str,
        func: &str,
        args: &[Val],
    ) -> Result<Vec<Val>>;
}

pub struct Store<T> {
    data: T,
    linker: Arc<Linker<T>>,
    instance: Box<dyn ComponentInstance<T>>,
}

impl<T> Store<T> {
    pub fn new(data: T, linker: Arc<Linker<T>>, instance: Box<dyn ComponentInstance<T>>) -> Self {
        Store { data, linker, instance }
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

    /// Call `interface#func` and return its single result.
    pub fn call(&mut self, interface: &str, func: &str, args: &[Val]) -> Result<Val> {
        let mut imports = Imports { linker: &self.linker, data: &mut self.data };
        let mut results = self.instance.call_export(&mut imports, interface, func, args)?;
        match results.len() {
            1 => Ok(results.remove(0)),
            n => Err(Error::new(format!("{interface}#{func} returned {n} values, expected 1"))),
        }
    }
}

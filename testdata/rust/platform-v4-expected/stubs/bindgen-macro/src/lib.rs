//! Std-only stand-in for `wasmtime::component::bindgen!` and `wit_bindgen::generate!`.
//!
//! Like the real macros, each reads the WIT package at `path` (relative to the
//! invoking crate's manifest directory), elaborates `world` (its imports, its
//! exports and every interface they `use`) and emits the bindings at the
//! invocation site under the real module paths: `<namespace>::<package>::<interface>`
//! for imports, `exports::<namespace>::<package>::<interface>` for exports, and a
//! world struct (host) or export macro (guest). The interface bodies are not
//! generated: they are hand-written templates, one per interface and package
//! version (`templates/<version>/<interface>[.host|.guest].rs.in`), so one
//! stand-in serves every package version it has templates for.

extern crate proc_macro;

mod options;
mod wit;

use std::fmt::Write as _;
use std::path::PathBuf;

use proc_macro::TokenStream;

use options::{Options, Side};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// `wasmtime::component::bindgen!({ world: "...", path: "..." })`.
#[proc_macro]
pub fn wasmtime_bindgen(input: TokenStream) -> TokenStream {
    expand(input, Side::Host)
}

/// `wit_bindgen::generate!({ world: "...", path: "..." })`.
#[proc_macro]
pub fn wit_bindgen_generate(input: TokenStream) -> TokenStream {
    expand(input, Side::Guest)
}

fn expand(input: TokenStream, side: Side) -> TokenStream {
    let source = options::parse(input, side).and_then(|opts| generate(&opts, side));
    match source {
        Ok(text) => text.parse().unwrap_or_else(|e| compile_error(&format!("bindgen stand-in: bad template: {e}"))),
        Err(message) => compile_error(&format!("bindgen stand-in: {message}")),
    }
}

fn compile_error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});").parse().unwrap()
}

fn generate(opts: &Options, side: Side) -> Result<String, String> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|_| "CARGO_MANIFEST_DIR is not set".to_owned())?;
    let root = PathBuf::from(manifest_dir).join(&opts.path);
    let package = wit::Package::load(&root)?;
    let world = package.world(&opts.world)?;
    let ns = snake(&package.namespace);
    let pkg = snake(&package.name);

    let mut out = String::new();
    for file in &package.files {
        writeln!(out, "const _: &str = include_str!({:?});", file.display().to_string()).unwrap();
    }
    let (imports, exports) = package.elaborate(world);
    let mut import_mods = String::new();
    for iface in &imports {
        let body = template(&package.version, iface, side)?;
        let mut body = body.to_owned();
        if side == Side::Host && shared_template(&package.version, iface) {
            // Type-only interfaces still get an (empty) `Host` trait on the host side.
            body.push_str(&type_only_host(&package.qualified(iface)));
        }
        write!(import_mods, "pub mod {} {{ {} }}\n", snake(iface), body).unwrap();
    }
    let mut export_mods = String::new();
    for iface in &exports {
        write!(export_mods, "pub mod {} {{ {} }}\n", snake(iface), template(&package.version, iface, side)?).unwrap();
    }
    write!(out, "pub mod {ns} {{ pub mod {pkg} {{ {import_mods} }} }}\n").unwrap();
    if !exports.is_empty() {
        write!(out, "pub mod exports {{ pub mod {ns} {{ pub mod {pkg} {{ {export_mods} }} }} }}\n").unwrap();
    }
    let module = format!("{ns}::{pkg}");
    match side {
        Side::Host => out.push_str(&host_world(&world.name, &module, &imports, &exports)),
        Side::Guest => out.push_str(&guest_world(&world.name, &module, &exports, opts)),
    }
    Ok(out)
}

fn template(version: &str, iface: &str, side: Side) -> Result<&'static str, String> {
    let sided = format!("{iface}.{}", side.name());
    TEMPLATES
        .iter()
        .find(|(v, stem, _)| *v == version && (*stem == iface || *stem == sided))
        .map(|(_, _, text)| *text)
        .ok_or_else(|| format!("no template for interface `{iface}` of package version {version}"))
}

fn shared_template(version: &str, iface: &str) -> bool {
    TEMPLATES.iter().any(|(v, stem, _)| *v == version && *stem == iface)
}

fn type_only_host(qualified: &str) -> String {
    format!(
        "pub trait Host {{}}
        pub fn add_to_linker<T, U>(
            linker: &mut wasmtime::component::Linker<T>,
            get: impl Fn(&mut T) -> &mut U + Send + Sync + Copy + 'static,
        ) -> wasmtime::Result<()>
        where U: Host {{
            let _ = get;
            linker.instance({qualified:?})?;
            Ok(())
        }}"
    )
}

fn host_world(world: &str, module: &str, imports: &[String], exports: &[String]) -> String {
    let name = pascal(world);
    let fields: String = exports
        .iter()
        .enumerate()
        .map(|(i, e)| format!("interface{i}: exports::{module}::{}::Guest,", snake(e)))
        .collect();
    let bounds: Vec<String> = imports.iter().map(|i| format!("{module}::{}::Host", snake(i))).collect();
    let adds: String =
        imports.iter().map(|i| format!("{module}::{}::add_to_linker(linker, get)?;", snake(i))).collect();
    let news: String = exports
        .iter()
        .enumerate()
        .map(|(i, e)| format!("let interface{i} = exports::{module}::{}::Guest::new(&mut store, instance)?;", snake(e)))
        .collect();
    let inits: String = (0..exports.len()).map(|i| format!("interface{i},")).collect();
    let accessors: String = exports
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let path = format!("exports::{module}::{}::Guest", snake(e));
            format!("pub fn {}_{}(&self) -> &{path} {{ &self.interface{i} }}", module.replace("::", "_"), snake(e))
        })
        .collect();
    format!(
        "/// Bindings for `world {world}`.
        pub struct {name} {{ {fields} }}

        impl {name} {{
            pub fn add_to_linker<T, U>(
                linker: &mut wasmtime::component::Linker<T>,
                get: impl Fn(&mut T) -> &mut U + Send + Sync + Copy + 'static,
            ) -> wasmtime::Result<()>
            where U: {bounds} {{
                {adds}
                Ok(())
            }}

            pub fn instantiate<T>(
                mut store: impl wasmtime::AsContextMut<Data = T>,
                component: &wasmtime::component::Component,
                linker: &wasmtime::component::Linker<T>,
            ) -> wasmtime::Result<{name}> {{
                let instance = linker.instantiate(&mut store, component)?;
                {name}::new(store, &instance)
            }}

            pub fn new(
                mut store: impl wasmtime::AsContextMut,
                instance: &wasmtime::component::Instance,
            ) -> wasmtime::Result<{name}> {{
                let _ = (&mut store, instance);
                {news}
                Ok({name} {{ {inits} }})
            }}

            {accessors}
        }}",
        bounds = if bounds.is_empty() { "U: Sized".to_owned() } else { bounds.join(" + ") },
    )
}

fn guest_world(world: &str, module: &str, exports: &[String], opts: &Options) -> String {
    if exports.is_empty() {
        return String::new();
    }
    let impl_name = format!("__export_{}_impl", snake(world));
    let asserts: String = exports
        .iter()
        .map(|e| {
            format!(
                "fn __assert_{e}<T: $($path_to_types_root)*::exports::{module}::{e}::Guest>() {{}}
                let _ = __assert_{e}::<$ty>;",
                e = snake(e)
            )
        })
        .collect();
    let (attr, vis) = if opts.pub_export_macro { ("#[macro_export]", "pub") } else { ("", "pub(crate)") };
    let alias = opts.export_macro_name.as_deref().unwrap_or("export");
    format!(
        "/// Registers `$ty` as the implementation of the exports of `world {world}`.
        #[doc(hidden)]
        {attr}
        macro_rules! {impl_name} {{
            ($ty:ident) => {{
                self::export!($ty with_types_in self);
            }};
            ($ty:ident with_types_in $($path_to_types_root:tt)*) => {{
                const _: () = {{ {asserts} }};
            }};
        }}
        #[doc(inline)]
        {vis} use {impl_name} as {alias};"
    )
}

fn snake(name: &str) -> String {
    name.trim_start_matches('%').replace('-', "_")
}

fn pascal(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

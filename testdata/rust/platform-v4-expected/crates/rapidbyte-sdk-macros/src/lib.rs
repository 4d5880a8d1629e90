//! `#[connector(source)]`, `#[connector(destination)]`, `#[connector(transform)]`.
//!
//! Put on the connector struct, the attribute keeps the struct and adds the
//! guest glue for its role: a `__<Struct>Guest` type implementing the role's
//! generated `Guest` trait (`exports::rapidbyte::connector::source::Guest`
//! and its `destination`/`transform` twins) on top of the SDK
//! trait, registered with the world's `export_*!` macro.

use proc_macro::TokenStream;
use syn::{parse_macro_input, Ident, ItemStruct};

mod glue;
mod role;

use role::Role;

#[proc_macro_attribute]
pub fn connector(attr: TokenStream, item: TokenStream) -> TokenStream {
    let role = parse_macro_input!(attr as Ident);
    let item = parse_macro_input!(item as ItemStruct);
    match Role::from_ident(&role) {
        Ok(role) => glue::expand(role, &item).into(),
        Err(err) => err.to_compile_error().into(),
    }
}

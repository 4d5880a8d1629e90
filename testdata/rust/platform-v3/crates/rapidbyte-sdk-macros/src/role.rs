//! The three connector roles and the names each one's glue uses.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source,
    Destination,
    Transform,
}

impl Role {
    pub fn from_ident(ident: &Ident) -> syn::Result<Role> {
        match ident.to_string().as_str() {
            "source" => Ok(Role::Source),
            "destination" => Ok(Role::Destination),
            "transform" => Ok(Role::Transform),
            other => Err(syn::Error::new(
                ident.span(),
                format!("unknown connector role `{other}`: expected `source`, `destination` or `transform`"),
            )),
        }
    }

    /// The SDK trait a connector of this role implements.
    pub fn trait_path(self) -> TokenStream {
        match self {
            Role::Source => quote!(::rapidbyte_sdk::Source),
            Role::Destination => quote!(::rapidbyte_sdk::Destination),
            Role::Transform => quote!(::rapidbyte_sdk::Transform),
        }
    }
}

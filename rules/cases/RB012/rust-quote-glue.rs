//! A proc-macro emitting the guest glue with `quote!`: `#name` and `#(…)*` interpolations are kept.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

pub fn source_glue(ident: &Ident, guest: &Ident, checks: &[TokenStream]) -> TokenStream {
    quote! {
        const _: () = {
            use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source_connector::Guest;
            use ::rapidbyte_sdk::bindings::source::rapidbyte::connector::types;

            impl Guest for #guest {
                fn open(config_json: String) -> Result<(), types::ConnectorError> {
                    #(#checks;)*
                    let config = ::rapidbyte_sdk::__private::parse_config(&config_json)?;
                    let _ = ::rapidbyte_sdk::__private::block_on(<#ident as ::rapidbyte_sdk::Source>::init(config))?;
                    Ok(())
                }

                fn validate() -> Result<types::ValidationResult, types::ConnectorError> {
                    todo!()
                }

                fn close() -> Result<(), types::ConnectorError> {
                    Ok(())
                }
            }
        };
    }
}

/// A lookalike: `#emit_batch` is the proc-macro's own variable, `Context` is `std::task::Context`.
pub fn lookalike(emit_batch: &Ident) -> TokenStream {
    quote! {
        fn #emit_batch(cx: &mut ::std::task::Context<'_>) {
            let _ = cx;
        }
    }
}

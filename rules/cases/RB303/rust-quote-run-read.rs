//! `run_read(ctx_json)` generated with `quote!`: v4 has one `run(session, request)`, written by hand.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

pub fn read_glue(ident: &Ident, guest: &Ident) -> TokenStream {
    quote! {
        use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source_connector::Guest;
        use ::rapidbyte_sdk::bindings::source::rapidbyte::connector::types;

        impl Guest for #guest {
            fn run_read(ctx_json: String) -> Result<types::ReadSummary, types::ConnectorError> {
                let stream = ::rapidbyte_sdk::__private::parse_stream_context(&ctx_json)?;
                let summary = ::rapidbyte_sdk::__private::block_on(<#ident as ::rapidbyte_sdk::Source>::read(stream))?;
                Ok(summary.into())
            }
        }
    }
}

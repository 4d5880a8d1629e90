//! A `quote!` body that does not parse once its interpolations are masked (`#item #guest` on one line):
//! binding paths are still renamed token by token, other v3 names are reported.

use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(item: TokenStream, guest: TokenStream) -> TokenStream {
    quote! {
        #item #guest
        use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source_connector::Guest;
        fn emit(h: u64) { host.emit_batch_impl(h) }
    }
}

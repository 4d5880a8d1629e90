//! Emits the guest glue (a `quote!` body, as a proc-macro writes it).

use proc_macro::TokenStream;
use quote::quote;

#[proc_macro_attribute]
pub fn connector(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let slot = quote!(STATE);
    quote! {
        #item
        thread_local! {
            static #slot: ::rapidbyte_sdk::rt::Slot = ::std::cell::RefCell::new(None);
        }
        use ::rapidbyte_sdk::rt;
        impl exports::rapidbyte::connector::source_connector::Guest for Glue {
            fn open(config: String) -> Result<(), String> {
                rt::install(&#slot, rt::State::new(rt::parse(&config)));
                Ok(())
            }

            fn validate() -> Result<(), String> {
                rt::with_state(&#slot, |state| state.describe().len()).ok_or_else(String::new)?;
                Ok(())
            }
        }
    }
    .into()
}

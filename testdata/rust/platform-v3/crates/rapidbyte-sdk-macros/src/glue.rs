//! The guest glue: one `Guest` impl per role, on top of the SDK traits.
//!
//! The glue keeps the opened connector in a thread-local slot. `open(config)`
//! parses the config and dispatches to `<T as Source>::init(config)`; the
//! session-less `validate()`, `run_read(ctx_json)` and `close()` find the
//! connector in the slot.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, ItemStruct};

use crate::role::Role;

pub fn expand(role: Role, item: &ItemStruct) -> TokenStream {
    let ident = &item.ident;
    let guest = format_ident!("__{}Guest", ident);
    let slot = format_ident!("__{}_SLOT", ident.to_string().to_uppercase());
    let trait_path = role.trait_path();
    let assert = assert_impl(ident, &trait_path);
    let glue = match role {
        Role::Source => source_glue(ident, &guest, &slot),
        Role::Destination => destination_glue(ident, &guest, &slot),
        Role::Transform => transform_glue(ident, &guest, &slot),
    };
    quote! {
        #item

        #assert

        #[doc(hidden)]
        pub struct #guest;

        ::std::thread_local! {
            static #slot: ::rapidbyte_sdk::__private::Slot<#ident, <#ident as #trait_path>::Config> =
                const { ::std::cell::RefCell::new(None) };
        }

        #glue
    }
}

/// A readable error at the struct when the trait impl is missing.
fn assert_impl(ident: &Ident, trait_path: &TokenStream) -> TokenStream {
    quote_spanned! {ident.span()=>
        const _: () = {
            fn assert_connector<T: #trait_path>() {}
            let _ = assert_connector::<#ident>;
        };
    }
}

fn source_glue(ident: &Ident, guest: &Ident, slot: &Ident) -> TokenStream {
    quote! {
        const _: () = {
            use ::rapidbyte_sdk::__private as rt;
            use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source_connector::Guest;
            use ::rapidbyte_sdk::bindings::source::rapidbyte::connector::types;

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(config_json: String) -> Result<(), types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Source>::init(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let config = rt::parse_config(&config_json)?;
                    rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok(())
                }

                fn discover() -> Result<String, types::ConnectorError> {
                    let catalog = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::discover(&mut state.connector, &ctx))
                    })?;
                    Ok(rt::to_json(&catalog)?)
                }

                fn validate() -> Result<types::ValidationResult, types::ConnectorError> {
                    let result = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run_read(ctx_json: String) -> Result<types::ReadSummary, types::ConnectorError> {
                    let summary = rt::with_state(&#slot, |state| {
                        let stream = rt::parse_stream_context(&ctx_json, &state.info)?;
                        let ctx = state.context(&stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::read(&mut state.connector, &ctx, stream))
                    })?;
                    Ok(summary.into())
                }

                fn close() -> Result<(), types::ConnectorError> {
                    let closed = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::close(&mut state.connector, &ctx))
                    });
                    rt::clear(&#slot);
                    Ok(closed?)
                }
            }
        };

        ::rapidbyte_sdk::bindings::source::export_source!(#guest with_types_in ::rapidbyte_sdk::bindings::source);
    }
}

fn destination_glue(ident: &Ident, guest: &Ident, slot: &Ident) -> TokenStream {
    quote! {
        const _: () = {
            use ::rapidbyte_sdk::__private as rt;
            use ::rapidbyte_sdk::bindings::destination::exports::rapidbyte::connector::dest_connector::Guest;
            use ::rapidbyte_sdk::bindings::destination::rapidbyte::connector::types;

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(config_json: String) -> Result<(), types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::init(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let config = rt::parse_config(&config_json)?;
                    rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok(())
                }

                fn validate() -> Result<types::ValidationResult, types::ConnectorError> {
                    let result = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run_write(ctx_json: String) -> Result<types::WriteSummary, types::ConnectorError> {
                    let summary = rt::with_state(&#slot, |state| {
                        let stream = rt::parse_stream_context(&ctx_json, &state.info)?;
                        let ctx = state.context(&stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::write(&mut state.connector, &ctx, stream))
                    })?;
                    Ok(summary.into())
                }

                fn close() -> Result<(), types::ConnectorError> {
                    let closed = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::close(&mut state.connector, &ctx))
                    });
                    rt::clear(&#slot);
                    Ok(closed?)
                }
            }
        };

        ::rapidbyte_sdk::bindings::destination::export_destination!(
            #guest with_types_in ::rapidbyte_sdk::bindings::destination
        );
    }
}

fn transform_glue(ident: &Ident, guest: &Ident, slot: &Ident) -> TokenStream {
    quote! {
        const _: () = {
            use ::rapidbyte_sdk::__private as rt;
            use ::rapidbyte_sdk::bindings::transform::exports::rapidbyte::connector::transform_connector::Guest;
            use ::rapidbyte_sdk::bindings::transform::rapidbyte::connector::types;

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(config_json: String) -> Result<(), types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::init(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let config = rt::parse_config(&config_json)?;
                    rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok(())
                }

                fn validate() -> Result<types::ValidationResult, types::ConnectorError> {
                    let result = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run_transform(ctx_json: String) -> Result<types::TransformSummary, types::ConnectorError> {
                    let summary = rt::with_state(&#slot, |state| {
                        let stream = rt::parse_stream_context(&ctx_json, &state.info)?;
                        let ctx = state.context(&stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::transform(&mut state.connector, &ctx, stream))
                    })?;
                    Ok(summary.into())
                }

                fn close() -> Result<(), types::ConnectorError> {
                    let closed = rt::with_state(&#slot, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::close(&mut state.connector, &ctx))
                    });
                    rt::clear(&#slot);
                    Ok(closed?)
                }
            }
        };

        ::rapidbyte_sdk::bindings::transform::export_transform!(#guest with_types_in ::rapidbyte_sdk::bindings::transform);
    }
}

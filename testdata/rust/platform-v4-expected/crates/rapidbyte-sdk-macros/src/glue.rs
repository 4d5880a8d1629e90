//! The guest glue: one `Guest` impl per role, on top of the SDK traits.
//!
//! The glue keeps the opened connector in a thread-local slot. `open(config)`
//! parses the config, dispatches to `<T as Source>::open(config)` and returns
//! a session; `validate(session)`, `run(session, request)` and
//! `close(session)` find the connector in the slot by that session.

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
            use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source::Guest;
            use ::rapidbyte_sdk::bindings::source::rapidbyte::connector::{core_types, stream_types};

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(
                    config_json: String,
                ) -> Result<(core_types::Session, core_types::OpenInfo), core_types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Source>::open(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let open_info = core_types::OpenInfo::from_sdk(&info, CONNECTOR_ID, core_types::ConnectorRole::Source);
                    let config = rt::parse_config(&config_json)?;
                    let session = rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok((session, open_info))
                }

                fn validate(
                    session: core_types::Session,
                ) -> Result<core_types::ValidationReport, core_types::ConnectorError> {
                    let result = rt::with_state(&#slot, session, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run(
                    session: core_types::Session,
                    request: stream_types::RunRequest,
                ) -> Result<stream_types::RunSummary, core_types::ConnectorError> {
                    let summary = rt::with_state(&#slot, session, |state| {
                        let request = rt::prepare_request(request.into(), &state.info);
                        let ctx = state.context(&request.stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Source>::run(&mut state.connector, &ctx, request))
                    })?;
                    Ok(summary.into())
                }

                fn close(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
                    let closed = rt::with_state(&#slot, session, |state| {
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
            use ::rapidbyte_sdk::bindings::destination::exports::rapidbyte::connector::destination::Guest;
            use ::rapidbyte_sdk::bindings::destination::rapidbyte::connector::{core_types, stream_types};

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(
                    config_json: String,
                ) -> Result<(core_types::Session, core_types::OpenInfo), core_types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::open(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let open_info = core_types::OpenInfo::from_sdk(&info, CONNECTOR_ID, core_types::ConnectorRole::Destination);
                    let config = rt::parse_config(&config_json)?;
                    let session = rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok((session, open_info))
                }

                fn validate(
                    session: core_types::Session,
                ) -> Result<core_types::ValidationReport, core_types::ConnectorError> {
                    let result = rt::with_state(&#slot, session, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run(
                    session: core_types::Session,
                    request: stream_types::RunRequest,
                ) -> Result<stream_types::RunSummary, core_types::ConnectorError> {
                    let summary = rt::with_state(&#slot, session, |state| {
                        let request = rt::prepare_request(request.into(), &state.info);
                        let ctx = state.context(&request.stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::run(&mut state.connector, &ctx, request))
                    })?;
                    Ok(summary.into())
                }

                fn close(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
                    let closed = rt::with_state(&#slot, session, |state| {
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
            use ::rapidbyte_sdk::bindings::transform::exports::rapidbyte::connector::transform::Guest;
            use ::rapidbyte_sdk::bindings::transform::rapidbyte::connector::{core_types, stream_types};

            const CONNECTOR_ID: &str = env!("CARGO_PKG_NAME");

            impl Guest for #guest {
                fn open(
                    config_json: String,
                ) -> Result<(core_types::Session, core_types::OpenInfo), core_types::ConnectorError> {
                    let config = rt::parse_config(&config_json)?;
                    let (connector, info) = rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::open(config))?;
                    rt::check_info(CONNECTOR_ID, &info)?;
                    let open_info = core_types::OpenInfo::from_sdk(&info, CONNECTOR_ID, core_types::ConnectorRole::Transform);
                    let config = rt::parse_config(&config_json)?;
                    let session = rt::install(&#slot, rt::GuestState::new(connector, config, CONNECTOR_ID, info));
                    Ok((session, open_info))
                }

                fn validate(
                    session: core_types::Session,
                ) -> Result<core_types::ValidationReport, core_types::ConnectorError> {
                    let result = rt::with_state(&#slot, session, |state| {
                        let ctx = state.context("");
                        rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::validate(&state.config, &ctx))
                    })?;
                    Ok(result.into())
                }

                fn run(
                    session: core_types::Session,
                    request: stream_types::RunRequest,
                ) -> Result<stream_types::RunSummary, core_types::ConnectorError> {
                    let summary = rt::with_state(&#slot, session, |state| {
                        let request = rt::prepare_request(request.into(), &state.info);
                        let ctx = state.context(&request.stream.stream_name);
                        rt::block_on(<#ident as ::rapidbyte_sdk::Transform>::run(&mut state.connector, &ctx, request))
                    })?;
                    Ok(summary.into())
                }

                fn close(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
                    let closed = rt::with_state(&#slot, session, |state| {
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

//! `#[connector(source | destination | transform)]`.
//!
//! Exports the annotated type as the component's connector: the expansion
//! implements the generated `Guest` trait of the role's WIT interface
//! (`source-connector`, `dest-connector`, `transform-connector`) by calling the
//! SDK glue in `rapidbyte_sdk::guest`, so a type that does not implement the
//! role trait fails to compile at the attribute.

use proc_macro::{Delimiter, TokenStream, TokenTree};

#[proc_macro_attribute]
pub fn connector(attr: TokenStream, item: TokenStream) -> TokenStream {
    let role = attr.to_string().trim().to_owned();
    let Some(name) = type_name(&item) else {
        return error("#[connector] must be placed on a struct or enum");
    };
    let glue = match role.as_str() {
        "source" => source_glue(&name),
        "destination" => dest_glue(&name),
        "transform" => transform_glue(&name),
        other => return error(&format!("#[connector({other})]: expected `source`, `destination` or `transform`")),
    };
    let mut out = item;
    out.extend(glue.parse::<TokenStream>().expect("generated glue parses"));
    out
}

/// The identifier after `struct` / `enum`, skipping attributes and visibility.
fn type_name(item: &TokenStream) -> Option<String> {
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) if ident.to_string() == "struct" || ident.to_string() == "enum" => {
                return match tokens.next() {
                    Some(TokenTree::Ident(name)) => Some(name.to_string()),
                    _ => None,
                };
            }
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => return None,
            _ => {}
        }
    }
    None
}

fn error(message: &str) -> TokenStream {
    format!("::core::compile_error!({message:?});").parse().expect("compile_error parses")
}

const ERR: &str = "::rapidbyte_sdk::rapidbyte::connector::types::ConnectorError";
const TYPES: &str = "::rapidbyte_sdk::rapidbyte::connector::types";
const GLUE: &str = "::rapidbyte_sdk::guest";

fn source_glue(name: &str) -> String {
    format!(
        r#"
#[doc(hidden)]
const _: () = {{
    pub struct __RapidbyteGuest;

    impl ::rapidbyte_sdk::exports::rapidbyte::connector::source_connector::Guest for __RapidbyteGuest {{
        fn open(config_json: ::std::string::String) -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::source_open::<{name}>(::core::env!("CARGO_PKG_NAME"), config_json)
        }}
        fn discover() -> ::std::result::Result<::std::string::String, {ERR}> {{
            {GLUE}::source_discover::<{name}>()
        }}
        fn validate() -> ::std::result::Result<{TYPES}::ValidationResult, {ERR}> {{
            {GLUE}::source_validate::<{name}>()
        }}
        fn run_read(ctx_json: ::std::string::String) -> ::std::result::Result<{TYPES}::ReadSummary, {ERR}> {{
            {GLUE}::source_run_read::<{name}>(ctx_json)
        }}
        fn close() -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::source_close::<{name}>()
        }}
    }}
}};
"#
    )
}

fn dest_glue(name: &str) -> String {
    format!(
        r#"
#[doc(hidden)]
const _: () = {{
    pub struct __RapidbyteGuest;

    impl ::rapidbyte_sdk::exports::rapidbyte::connector::dest_connector::Guest for __RapidbyteGuest {{
        fn open(config_json: ::std::string::String) -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::dest_open::<{name}>(::core::env!("CARGO_PKG_NAME"), config_json)
        }}
        fn validate() -> ::std::result::Result<{TYPES}::ValidationResult, {ERR}> {{
            {GLUE}::dest_validate::<{name}>()
        }}
        fn run_write(ctx_json: ::std::string::String) -> ::std::result::Result<{TYPES}::WriteSummary, {ERR}> {{
            {GLUE}::dest_run_write::<{name}>(ctx_json)
        }}
        fn close() -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::dest_close::<{name}>()
        }}
    }}
}};
"#
    )
}

fn transform_glue(name: &str) -> String {
    format!(
        r#"
#[doc(hidden)]
const _: () = {{
    pub struct __RapidbyteGuest;

    impl ::rapidbyte_sdk::exports::rapidbyte::connector::transform_connector::Guest for __RapidbyteGuest {{
        fn open(config_json: ::std::string::String) -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::transform_open::<{name}>(::core::env!("CARGO_PKG_NAME"), config_json)
        }}
        fn validate() -> ::std::result::Result<{TYPES}::ValidationResult, {ERR}> {{
            {GLUE}::transform_validate::<{name}>()
        }}
        fn run_transform(ctx_json: ::std::string::String) -> ::std::result::Result<{TYPES}::TransformSummary, {ERR}> {{
            {GLUE}::transform_run_transform::<{name}>(ctx_json)
        }}
        fn close() -> ::std::result::Result<(), {ERR}> {{
            {GLUE}::transform_close::<{name}>()
        }}
    }}
}};
"#
    )
}

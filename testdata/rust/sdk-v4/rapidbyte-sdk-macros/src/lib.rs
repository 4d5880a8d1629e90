//! `#[connector(source | destination | transform)]`.
//!
//! Exports the annotated type as the component's connector: the expansion
//! implements the generated `Guest` trait of the role's WIT interface
//! (`source`, `destination`, `transform`) by calling the SDK glue in
//! `rapidbyte_sdk::guest`, so a type that does not implement the role trait
//! fails to compile at the attribute. The glue fills `open-info` with the
//! connector id (the crate name) and the role.

use proc_macro::{Delimiter, TokenStream, TokenTree};

#[proc_macro_attribute]
pub fn connector(attr: TokenStream, item: TokenStream) -> TokenStream {
    let role = attr.to_string().trim().to_owned();
    let Some(name) = type_name(&item) else {
        return error("#[connector] must be placed on a struct or enum");
    };
    let glue = match role.as_str() {
        "source" => glue(&name, "source", "source"),
        "destination" => glue(&name, "destination", "dest"),
        "transform" => glue(&name, "transform", "transform"),
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

const CORE: &str = "::rapidbyte_sdk::rapidbyte::connector::core_types";
const STREAM: &str = "::rapidbyte_sdk::rapidbyte::connector::stream_types";
const GLUE: &str = "::rapidbyte_sdk::guest";

/// `interface` is the exported WIT interface, `prefix` names the glue functions.
fn glue(name: &str, interface: &str, prefix: &str) -> String {
    format!(
        r#"
#[doc(hidden)]
const _: () = {{
    pub struct __RapidbyteGuest;

    impl ::rapidbyte_sdk::exports::rapidbyte::connector::{interface}::Guest for __RapidbyteGuest {{
        fn open(
            config_json: ::std::string::String,
        ) -> ::std::result::Result<({CORE}::Session, {CORE}::OpenInfo), {CORE}::ConnectorError> {{
            {GLUE}::{prefix}_open::<{name}>(::core::env!("CARGO_PKG_NAME"), config_json)
        }}
        fn validate(session: {CORE}::Session) -> ::std::result::Result<{CORE}::ValidationReport, {CORE}::ConnectorError> {{
            {GLUE}::{prefix}_validate::<{name}>(session)
        }}
        fn run(
            session: {CORE}::Session,
            request: {STREAM}::RunRequest,
        ) -> ::std::result::Result<{STREAM}::RunSummary, {CORE}::ConnectorError> {{
            {GLUE}::{prefix}_run::<{name}>(session, request)
        }}
        fn close(session: {CORE}::Session) -> ::std::result::Result<(), {CORE}::ConnectorError> {{
            {GLUE}::{prefix}_close::<{name}>(session)
        }}
    }}
}};
"#
    )
}

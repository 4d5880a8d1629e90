//! The `{ key: value, ... }` options of both macros.

use proc_macro::{Delimiter, TokenStream, TokenTree};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `wasmtime::component::bindgen!`: the embedder's view.
    Host,
    /// `wit_bindgen::generate!`: the guest's view.
    Guest,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Host => "host",
            Side::Guest => "guest",
        }
    }
}

pub struct Options {
    pub world: String,
    pub path: String,
    pub pub_export_macro: bool,
    pub export_macro_name: Option<String>,
}

enum Value {
    Str(String),
    Bool(bool),
}

pub fn parse(input: TokenStream, side: Side) -> Result<Options, String> {
    let tokens = flatten(input);
    let body = match tokens.as_slice() {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace => flatten(g.stream()),
        _ => return Err("expected `{ world: \"...\", path: \"...\" }`".to_owned()),
    };
    let mut opts =
        Options { world: String::new(), path: "wit".to_owned(), pub_export_macro: false, export_macro_name: None };
    let mut iter = body.into_iter().peekable();
    while let Some(tree) = iter.next() {
        let TokenTree::Ident(key) = tree else { return Err(format!("expected an option name, found `{tree}`")) };
        let key = key.to_string();
        match iter.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
            _ => return Err(format!("expected `:` after `{key}`")),
        }
        let value = match iter.next() {
            Some(TokenTree::Literal(lit)) => {
                Value::Str(unquote(&lit.to_string()).ok_or(format!("`{key}` wants a string"))?)
            }
            Some(TokenTree::Ident(id)) if id.to_string() == "true" => Value::Bool(true),
            Some(TokenTree::Ident(id)) if id.to_string() == "false" => Value::Bool(false),
            other => return Err(format!("unsupported value for `{key}`: {other:?}")),
        };
        match iter.next() {
            None => {}
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {}
            Some(other) => return Err(format!("expected `,`, found `{other}`")),
        }
        match (key.as_str(), value, side) {
            ("world", Value::Str(s), _) => opts.world = s,
            ("path", Value::Str(s), _) => opts.path = s,
            ("async" | "trappable_imports", Value::Bool(_), Side::Host) => {}
            ("pub_export_macro", Value::Bool(b), Side::Guest) => opts.pub_export_macro = b,
            ("export_macro_name", Value::Str(s), Side::Guest) => opts.export_macro_name = Some(s),
            ("default_bindings_module", Value::Str(_), Side::Guest) => {}
            ("generate_all", Value::Bool(_), Side::Guest) => {}
            (other, _, _) => return Err(format!("unknown or mistyped option `{other}`")),
        }
    }
    if opts.world.is_empty() {
        return Err("missing `world`".to_owned());
    }
    Ok(opts)
}

/// Token trees with invisible groups (from `$x:literal` in a `macro_rules!`) opened up.
fn flatten(stream: TokenStream) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for tree in stream {
        match tree {
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => out.extend(flatten(g.stream())),
            other => out.push(other),
        }
    }
    out
}

fn unquote(lit: &str) -> Option<String> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then(|| inner.to_owned())
}

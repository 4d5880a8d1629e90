"""Macro bodies are code: `macro_rules!`, `quote!`/`quote_spanned!` bodies and `bindgen!`/`generate!` options.

The masking is checked directly (same length, interpolations only); the rest runs the real pipeline on
tiny crates, as tests/test_rust_adapter.py does.
"""

from __future__ import annotations

from rbmigrate.lang.rust import macrobody, syntax
from test_rust_adapter import crate, migrate, one, rules_of


def _masked(source: bytes) -> list[bytes]:
    tree = syntax.parse(source)
    out = []
    for body in macrobody.find_bodies(tree.root_node):
        data = bytearray(source[body.start : body.end])
        for s, e, text in body.masks:
            assert len(text) == e - s
            data[s - body.start : e - body.start] = text
        out.append(bytes(data))
    return out


def test_masks_keep_offsets_and_touch_only_interpolations():
    source = (
        b"macro_rules! m { ($x:ident, $($t:ty),*) => { impl $crate::A for $x { $(fn f(_: $t) {})* } }; }\n"
        b"fn g() { quote! { #[doc(hidden)] impl Guest for #guest { #(#items),* } } }\n"
        b"fn h() { quote_spanned! {span=> const _: () = #x; } }\n"
    )
    rules, quote, spanned = _masked(source)
    assert rules == b" impl crate ::A for _x {   fn f(_: _t) {}   } "
    assert quote == b" #[doc(hidden)] impl Guest for _guest {   _items    } "
    assert spanned == b" const _: () = _x; "


def test_options_bodies_are_found_inside_invocations_only():
    source = b"fn f() { wit_bindgen::generate!({ world: \"w\" }); other!({ emit_batch }); }\n"
    bodies = macrobody.find_bodies(syntax.parse(source).root_node)
    assert [b.kind for b in bodies] == ["options"]


def test_host_impl_in_macro_rules_moves_its_twins_and_keeps_metavariables(tmp_path):
    out, findings = one(
        tmp_path,
        """
        pub struct HostState;

        impl HostState {
            pub fn emit_batch_impl(&mut self, handle: u64) -> Result<(), String> {
                let _ = handle;
                Ok(())
            }
        }

        macro_rules! define_world {
            ($module:ident, $world:literal) => {
                pub mod $module {
                    wasmtime::component::bindgen!({ path: "wit", world: $world });
                }

                impl $module::rapidbyte::connector::host::Host for HostState {
                    fn emit_batch(&mut self, handle: u64) -> Result<(), $module::rapidbyte::connector::types::ConnectorError> {
                        Ok(self.emit_batch_impl(handle).unwrap())
                    }
                }
            };
        }

        define_world!(source, "rapidbyte-source");
        """,
    )
    assert "pub fn batch_emit_impl(&mut self" in out
    assert "impl $module::rapidbyte::connector::host_io::Host for HostState {" in out
    assert "fn batch_emit(&mut self, handle: u64) -> Result<(), $module::rapidbyte::connector::core_types::ConnectorError>" in out
    assert "Ok(self.batch_emit_impl(handle).unwrap())" in out
    assert 'bindgen!({ path: "wit", world: $world });' in out
    assert 'define_world!(source, "rapidbyte-source");' in out
    assert not findings


def test_names_a_macro_body_does_not_bind_resolve_where_the_macro_is_written(tmp_path):
    out, _ = one(
        tmp_path,
        """
        use rapidbyte_sdk::ValidationResult;

        macro_rules! check {
            ($e:expr) => {
                let _: ValidationResult = $e;
            };
        }

        macro_rules! shadowed {
            () => {
                struct ValidationResult;
                let _ = ValidationResult;
            };
        }

        pub fn f(r: ValidationResult) {
            check!(r);
        }
        """,
    )
    assert "use rapidbyte_sdk::ValidationReport;" in out
    assert "let _: ValidationReport = $e;" in out
    assert "struct ValidationResult;\n        let _ = ValidationResult;" in out  # a local item of the body


def test_quote_glue_keeps_interpolations_and_reports_session_less_exports(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use quote::quote;

        pub fn glue(ident: &syn::Ident, guest: &syn::Ident) -> proc_macro2::TokenStream {
            quote! {
                use ::rapidbyte_sdk::bindings::destination::exports::rapidbyte::connector::dest_connector::Guest;
                use ::rapidbyte_sdk::bindings::destination::rapidbyte::connector::types;

                impl Guest for #guest {
                    fn open(config_json: String) -> Result<(), types::ConnectorError> {
                        let (c, _) = rt::block_on(<#ident as ::rapidbyte_sdk::Destination>::init(rt::parse(&config_json)))?;
                        rt::install(c);
                        Ok(())
                    }

                    fn close() -> Result<(), types::ConnectorError> {
                        Ok(())
                    }
                }
            }
        }
        """,
    )
    assert "connector::destination::Guest;" in out
    assert "use ::rapidbyte_sdk::bindings::destination::rapidbyte::connector::core_types;" in out
    assert "impl Guest for #guest {" in out
    assert "<#ident as ::rapidbyte_sdk::Destination>::open(rt::parse(&config_json))" in out
    by_rule = {(f.rule_id, f.line): f for f in findings}
    assert set(by_rule) == {("RB301", 9), ("RB301", 12), ("RB302", 15)}
    assert "fn open(config_json: String) -> Result<(core_types::Session, core_types::OpenInfo), " \
           "core_types::ConnectorError>" in by_rule[("RB301", 9)].message
    assert "fn close(session: core_types::Session)" in by_rule[("RB302", 15)].message
    assert "close: func(session: session) -> result<_, connector-error>;" in by_rule[("RB302", 15)].manual_step


def test_v4_glue_is_left_alone(tmp_path):
    source = """
        use quote::quote;

        pub fn glue(guest: &syn::Ident) -> proc_macro2::TokenStream {
            quote! {
                use ::rapidbyte_sdk::bindings::source::exports::rapidbyte::connector::source::Guest;
                use ::rapidbyte_sdk::bindings::source::rapidbyte::connector::core_types;

                impl Guest for #guest {
                    fn close(session: core_types::Session) -> Result<(), core_types::ConnectorError> {
                        rt::close(session)
                    }
                }
            }
        }
        """
    out, findings = one(tmp_path, source)
    assert out == __import__("textwrap").dedent(source).lstrip("\n")
    assert not findings


def test_an_edit_that_would_change_a_macro_variable_is_reported_instead(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use rapidbyte_sdk::{ConnectorInfo, Feature};

        macro_rules! info {
            ($($f:expr),*) => {
                ConnectorInfo { features: vec![$($f),*], default_max_batch_bytes: 1 }
            };
        }

        pub fn f() -> ConnectorInfo {
            info!(Feature::Cdc)
        }
        """,
    )
    assert "OpenInfo { features: vec![$($f),*], default_max_batch_bytes: 1 }" in out  # the type is renamed; its body not
    dropped = [f for f in findings if "macro variable" in f.message]
    assert [(f.rule_id, f.line) for f in dropped] == [("RB407", 5)]
    assert "$($f),*" not in dropped[0].message or "vec![" in dropped[0].message


def test_a_body_that_does_not_parse_gets_the_token_pass(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use quote::quote;

        pub fn expand(item: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
            quote! {
                let x = #item #item;
                type G = ::rapidbyte_sdk::bindings::exports::rapidbyte::connector::transform_connector::Guest;
                type T = ::rapidbyte_sdk::bindings::rapidbyte::connector::types::Bogus;
                fn f(h: u64) { host.next_batch_impl(h) }
            }
        }
        """,
    )
    assert "connector::transform::Guest;" in out
    assert [(f.rule_id, f.line) for f in findings] == [("RB011", 7), ("RB411", 8)]


def test_bindgen_options_name_wit_items(tmp_path):
    out, findings = one(
        tmp_path,
        """
        wasmtime::component::bindgen!({
            path: "wit",
            world: "rapidbyte-source",
            trappable_imports: ["emit-batch", "frame-new"],
            with: { "rapidbyte:connector/host": crate::host, "rapidbyte:connector/types": crate::types },
        });
        """,
    )
    assert 'world: "rapidbyte-source",' in out
    assert 'trappable_imports: ["batch-emit", "frame-new"],' in out
    assert '"rapidbyte:connector/host-io": crate::host' in out
    assert '"rapidbyte:connector/types": crate::types' in out
    assert rules_of(findings) == ["RB011"]


def test_second_run_changes_nothing(tmp_path):
    root = crate(tmp_path, {"src/lib.rs": """
        macro_rules! conv {
            ($world:ident) => {
                use $world::rapidbyte::connector::types as wit;
                pub fn f(e: wit::ConnectorError, s: wit::ReadSummary) -> (String, u64) {
                    (e.details_json, s.records_read)
                }
            };
        }
        """})
    out, _ = migrate(root)
    assert "use $world::rapidbyte::connector::core_types as wit;\n        use $world::rapidbyte::connector::stream_types;" in out["src/lib.rs"]
    assert "(e.details, s.records_read)" in out["src/lib.rs"]
    (root / "src/lib.rs").write_text(out["src/lib.rs"], encoding="utf-8")
    again, _ = migrate(root)
    assert again["src/lib.rs"] == out["src/lib.rs"]


def test_an_interpolation_standing_for_an_item_does_not_stop_the_parse(tmp_path):
    out, findings = one(
        tmp_path,
        """
        use quote::quote;

        pub fn expand(item: proc_macro2::TokenStream, glue: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
            quote! {
                #item

                impl ::rapidbyte_sdk::bindings::rapidbyte::connector::host::Host for #item {}

                #glue
            }
        }
        """,
    )
    assert "impl ::rapidbyte_sdk::bindings::rapidbyte::connector::host_io::Host for #item {}" in out
    assert "        #item\n\n" in out and "        #glue\n" in out
    assert not findings


def test_masks_of_standalone_interpolations():
    source = b"fn g() { quote! {\n    #item\n    #(#fns)*\n    impl X for #ty { #body }\n    let y = #a;\n} }\n"
    (body,) = macrobody.find_bodies(syntax.parse(source).root_node)
    standalone = sorted(source[s : s + 5] for s in body.standalone)
    assert standalone == [b"#body", b"#item"]

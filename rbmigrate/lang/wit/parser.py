"""Recursive-descent parser building the lossless WIT CST.

Follows the grammar `wasm-tools component wit` (wit-parser) accepts, see
`docs`-style summary below; checks that are semantic in wit-parser (name
resolution, duplicate names, empty records, gates needing a package version,
...) are left to wasm-tools.

    file         := package-decl? top-item*
    package-decl := 'package' package-name ';'
    top-item     := attr* ('interface' id body | 'world' id world-body)
                  | 'use' use-path ('as' id)? ';'
                  | 'package' package-name '{' top-item* '}'     (not nested)
    package-name := id ':' id ('@' version)?
    use-path     := id | id ':' id '/' id ('@' version)?
    attr         := '@' ( 'since' '(' 'version' '=' version ')'
                        | 'unstable' '(' 'feature' '=' id ')'
                        | 'deprecated' '(' 'version' '=' version ')'
                        | 'external-id' '(' string ')' )
    iface-item   := attr* (typedef | use | id ':' func-type ';')
    world-item   := attr* (('import'|'export') extern | include | use | typedef)
    extern       := id ':' (func-type ';' | 'interface' '{' iface-item* '}' | use-path ';')
                  | use-path ';'
    include      := 'include' use-path (';' | 'with' '{' (id 'as' id),* '}')
    use          := 'use' use-path '.' '{' (id ('as' id)?),* '}' ';'
    typedef      := 'type' id '=' type ';' | 'record' id '{' (id ':' type),* '}'
                  | 'variant' id '{' (id ('(' type ')')?),* '}' | 'enum' id '{' id,* '}'
                  | 'flags' id '{' id,* '}' | 'resource' id (';' | '{' res-item* '}')
    res-item     := attr* ('constructor' params ('->' type)? ';'
                          | id ':' 'static'? func-type ';')
    func-type    := 'async'? 'func' params ('->' type)?
    params       := '(' (id ':' type),* ')'
    type         := primitive | id | 'list' '<' type (',' integer)? '>' | 'option' '<' type '>'
                  | 'result' ('<' ('_' ',' type | type (',' type)?) '>')?
                  | 'tuple' '<' type,* '>' | 'map' '<' type ',' type '>'
                  | ('future'|'stream') ('<' type '>')? | ('own'|'borrow') '<' id '>'
"""

from __future__ import annotations

import gc
import re

from . import nodes
from .cst import KEYWORDS, PRIMITIVES, TRIVIA, Node, Token
from .nodes import SourceFile
from .errors import WitSyntaxError
from .lexer import tokenize

_SEMVER = re.compile(
    r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
    r"(?:-(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)

_TYPEDEF_START = frozenset({"type", "record", "variant", "enum", "flags", "resource"})
_EOF = "eof"


def parse_wit(data: bytes, path: str = "<input>") -> SourceFile:
    """Parse WIT source bytes into a lossless `SourceFile` tree.

    Raises `WitSyntaxError` (with `path`, `line`, `col`, `expected`, `found`).
    """
    # A large tree is hundreds of thousands of small objects: the cyclic GC
    # would rescan them over and over while they are being built (about half
    # the time). Collection resumes afterwards (parent links make cycles, so a
    # dropped tree is reclaimed by the cyclic GC as usual).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        p = _Parser(data, path)
        tree = p.file()
    finally:
        if gc_was_enabled:
            gc.enable()
    tree.path = path
    tree.source = p.data
    return tree


def _describe(tok: Token | None) -> str:
    if tok is None:
        return "end of file"
    k = tok.kind
    text = tok.text.decode("utf-8", errors="replace")
    if k == "id":
        return f"identifier `{text}`"
    if k == "integer":
        return f"integer `{text}`"
    if k == "string":
        return "a string literal"
    if k in KEYWORDS:
        return f"keyword `{text}`"
    return f"`{text}`"


class _Parser:
    __slots__ = ("data", "path", "toks", "sig", "kinds", "i", "placed")

    def __init__(self, data: bytes, path: str) -> None:
        toks = tokenize(data, path)
        self.data = bytes(data)
        self.path = path
        self.toks = toks
        trivia = TRIVIA
        sig = [i for i, t in enumerate(toks) if t.kind not in trivia]
        self.sig = sig
        kinds = [toks[i].kind for i in sig]
        kinds.extend((_EOF,) * 4)
        self.kinds = kinds
        self.i = 0
        self.placed = 0

    # -- token plumbing -------------------------------------------------------
    def error(self, expected: str, at: int | None = None) -> WitSyntaxError:
        i = self.i if at is None else at
        if i < len(self.sig):
            tok = self.toks[self.sig[i]]
            return WitSyntaxError.at(self.data, self.path, tok.start, expected, _describe(tok))
        return WitSyntaxError.at(self.data, self.path, len(self.data), expected, "end of file")

    def bump(self, c: list) -> Token:
        j = self.sig[self.i]
        p = self.placed
        toks = self.toks
        if p < j:
            c.extend(toks[p:j])
        t = toks[j]
        c.append(t)
        self.placed = j + 1
        self.i += 1
        return t

    def expect(self, kind: str, c: list, what: str | None = None) -> Token:
        if self.kinds[self.i] != kind:
            raise self.error(what or f"`{kind}`")
        return self.bump(c)

    def ident(self, c: list, what: str = "an identifier") -> Token:
        if self.kinds[self.i] != "id":
            raise self.error(what)
        return self.bump(c)

    def flush(self, c: list) -> None:
        """Hand pending trivia to `c` (the parent) before a child node starts."""
        if self.i < len(self.sig):
            j = self.sig[self.i]
            p = self.placed
            if p < j:
                c.extend(self.toks[p:j])
                self.placed = j

    # -- file level -------------------------------------------------------------
    def file(self) -> SourceFile:
        ch: list = []
        kinds = self.kinds
        if kinds[0] == "package":
            self.flush(ch)
            c: list = []
            self.bump(c)
            self.package_name(c)
            k = kinds[self.i]
            if k == ";":
                self.bump(c)
                ch.append(nodes.PackageDecl(c))
            elif k == "{":
                self.package_body(c)
                ch.append(nodes.NestedPackage(c))
            else:
                raise self.error("`;` or `{`")
        while kinds[self.i] != _EOF:
            self.top_item(ch, nested=False)
        ch.extend(self.toks[self.placed :])
        self.placed = len(self.toks)
        return SourceFile(ch)

    def package_body(self, c: list) -> None:
        self.expect("{", c)
        kinds = self.kinds
        while kinds[self.i] != "}":
            if kinds[self.i] == _EOF:
                raise self.error("`}` closing the package")
            self.top_item(c, nested=True)
        self.bump(c)

    def top_item(self, ch: list, nested: bool) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        while kinds[self.i] == "@":
            self.attribute(c)
        k = kinds[self.i]
        if k == "interface":
            self.interface(c)
            ch.append(nodes.Interface(c))
        elif k == "world":
            self.world(c)
            ch.append(nodes.World(c))
        elif k == "use":
            if c:
                raise self.error("`interface` or `world` after attributes (a top-level `use` takes none)")
            self.bump(c)
            self.use_path(c)
            if kinds[self.i] == "as":
                self.bump(c)
                self.ident(c)
                self.expect(";", c)
            else:
                self.expect(";", c, "`as` or `;`")
            ch.append(nodes.ToplevelUse(c))
        elif k == "package":
            if nested:
                raise self.error("`interface`, `world` or `use` (packages cannot nest)")
            if c:
                raise self.error("`interface` or `world` after attributes (a package takes none)")
            self.bump(c)
            self.package_name(c)
            if kinds[self.i] != "{":
                if kinds[self.i] == ";":
                    raise self.error(
                        "`{` (only the first item of a file can be a `package ...;` declaration)"
                    )
                raise self.error("`{`")
            self.package_body(c)
            ch.append(nodes.NestedPackage(c))
        else:
            if c:
                raise self.error("`interface`, `world` or `use` after attributes")
            raise self.error(
                "`world`, `interface`, `use` or `package`" if not nested else "`world`, `interface`, `use` or `}`"
            )

    def package_name(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        self.ident(c, "a package namespace")
        self.expect(":", c)
        self.ident(c, "a package name")
        if self.kinds[self.i] == "@":
            self.bump(c)
            self.version(c)
        ch.append(nodes.PackageName(c))

    def version(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        self.expect("integer", c, "a version number")
        self.expect(".", c)
        self.expect("integer", c, "a minor version number")
        self.expect(".", c)
        last = self.expect("integer", c, "a patch version number")
        toks = self.toks
        sig = self.sig
        for prefix in ("-", "+"):
            if kinds[self.i] != prefix:
                continue
            self.bump(c)
            while True:
                k = kinds[self.i]
                if k == "integer" or (k == "id" and not toks[sig[self.i]].text.startswith(b"%")):
                    last = self.bump(c)
                elif k == "." and kinds[self.i + 1] in ("id", "integer") and not toks[
                    sig[self.i + 1]
                ].text.startswith(b"%"):
                    self.bump(c)
                    last = self.bump(c)
                else:
                    break
        first = c[0]
        for t in c:
            if t.kind in TRIVIA:
                raise WitSyntaxError.at(
                    self.data, self.path, t.start, "a version without spaces or comments inside",
                    _describe(t) if t.kind != "whitespace" else "whitespace",
                )
        text = self.data[first.start : last.end].decode("ascii")
        if _SEMVER.fullmatch(text) is None:
            raise WitSyntaxError.at(
                self.data, self.path, first.start, "a semantic version such as `1.2.3`", f"`{text}`"
            )
        ch.append(nodes.Version(c))

    def use_path(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        self.ident(c, "an interface name or `namespace:package/interface`")
        if kinds[self.i] == ":":
            self.bump(c)
            self.ident(c, "a package name")
            self.expect("/", c)
            self.ident(c, "an interface name")
            if kinds[self.i] == "@":
                self.bump(c)
                self.version(c)
        ch.append(nodes.UsePath(c))

    def attribute(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        self.bump(c)  # '@'
        name = self.ident(c, "an attribute name")
        n = name.ident
        if n == "since" or n == "deprecated":
            self.expect("(", c)
            self.key(c, "version")
            self.expect("=", c)
            self.version(c)
            self.expect(")", c)
        elif n == "unstable":
            self.expect("(", c)
            self.key(c, "feature")
            self.expect("=", c)
            self.ident(c, "a feature name")
            self.expect(")", c)
        elif n == "external-id":
            self.expect("(", c)
            self.expect("string", c, "a string literal")
            self.expect(")", c)
        else:
            raise self.error("`since`, `unstable`, `deprecated` or `external-id`", self.i - 1)
        ch.append(nodes.Attribute(c))

    def key(self, c: list, name: str) -> None:
        if self.kinds[self.i] == "id" and self.toks[self.sig[self.i]].ident == name:
            self.bump(c)
        else:
            raise self.error(f"`{name}`")

    # -- interfaces ---------------------------------------------------------------
    def interface(self, c: list) -> None:
        self.bump(c)
        self.ident(c, "an interface name")
        self.iface_body(c)

    def iface_body(self, c: list) -> None:
        self.expect("{", c)
        kinds = self.kinds
        while kinds[self.i] != "}":
            if kinds[self.i] == _EOF:
                raise self.error("`}` closing the interface")
            self.iface_item(c)
        self.bump(c)

    def iface_item(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        while kinds[self.i] == "@":
            self.attribute(c)
        k = kinds[self.i]
        if k == "id":
            self.bump(c)
            self.expect(":", c)
            self.func_type(c)
            self.expect(";", c)
            ch.append(nodes.FuncItem(c))
        elif k in _TYPEDEF_START:
            ch.append(self.typedef(c, k))
        elif k == "use":
            self.use(c)
            ch.append(nodes.Use(c))
        else:
            raise self.error(
                "`type`, `record`, `variant`, `enum`, `flags`, `resource`, `use`, a function name or `}`"
            )

    def use(self, c: list) -> None:
        self.bump(c)
        self.use_path(c)
        self.expect(".", c, "`.` before the `{...}` list of names")
        self.expect("{", c)
        kinds = self.kinds
        while kinds[self.i] != "}":
            self.flush(c)
            n: list = []
            self.ident(n, "a name or `}`")
            if kinds[self.i] == "as":
                self.bump(n)
                self.ident(n)
            c.append(nodes.UseName(n))
            if kinds[self.i] == ",":
                self.bump(c)
            else:
                break
        self.expect("}", c, "`,` or `}`")
        self.expect(";", c)

    def func_type(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        if kinds[self.i] == "async":
            self.bump(c)
        self.expect("func", c, "keyword `func`")
        self.params(c)
        if kinds[self.i] == "->":
            self.bump(c)
            self.type(c)
        ch.append(nodes.FuncType(c))

    def params(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        self.expect("(", c)
        kinds = self.kinds
        while kinds[self.i] != ")":
            self.flush(c)
            p: list = []
            self.ident(p, "a parameter name or `)`")
            self.expect(":", p)
            self.type(p)
            c.append(nodes.Param(p))
            if kinds[self.i] == ",":
                self.bump(c)
            else:
                break
        self.expect(")", c, "`,` or `)`")
        ch.append(nodes.ParamList(c))

    # -- worlds ---------------------------------------------------------------------
    def world(self, c: list) -> None:
        self.bump(c)
        self.ident(c, "a world name")
        self.expect("{", c)
        kinds = self.kinds
        while kinds[self.i] != "}":
            if kinds[self.i] == _EOF:
                raise self.error("`}` closing the world")
            self.world_item(c)
        self.bump(c)

    def world_item(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        while kinds[self.i] == "@":
            self.attribute(c)
        k = kinds[self.i]
        if k == "import" or k == "export":
            self.extern(c)
            ch.append(nodes.Import(c) if k == "import" else nodes.Export(c))
        elif k == "include":
            self.include(c)
            ch.append(nodes.Include(c))
        elif k == "use":
            self.use(c)
            ch.append(nodes.Use(c))
        elif k in _TYPEDEF_START:
            ch.append(self.typedef(c, k))
        else:
            raise self.error("`import`, `export`, `include`, `use`, a type definition or `}`")

    def extern(self, c: list) -> None:
        self.bump(c)
        kinds = self.kinds
        i = self.i
        if kinds[i] == "id" and kinds[i + 1] == ":" and not (kinds[i + 2] == "id" and kinds[i + 3] == "/"):
            self.bump(c)
            self.bump(c)
            k = kinds[self.i]
            if k == "func" or k == "async":
                self.func_type(c)
                self.expect(";", c)
            elif k == "interface":
                self.bump(c)
                self.iface_body(c)
            else:
                self.use_path(c)
                self.expect(";", c)
        else:
            self.use_path(c)
            self.expect(";", c)

    def include(self, c: list) -> None:
        self.bump(c)
        self.use_path(c)
        kinds = self.kinds
        if kinds[self.i] == "with":
            self.bump(c)
            self.expect("{", c)
            while kinds[self.i] != "}":
                self.flush(c)
                n: list = []
                self.ident(n, "a name or `}`")
                self.expect("as", n, "keyword `as`")
                self.ident(n)
                c.append(nodes.IncludeName(n))
                if kinds[self.i] == ",":
                    self.bump(c)
                else:
                    break
            self.expect("}", c, "`,` or `}`")
        else:
            self.expect(";", c, "`;` or `with`")

    # -- type definitions -------------------------------------------------------------
    def typedef(self, c: list, k: str) -> Node:
        self.bump(c)
        self.ident(c, f"a {k} name")
        kinds = self.kinds
        if k == "type":
            self.expect("=", c)
            self.type(c)
            self.expect(";", c)
            return nodes.TypeAlias(c)
        if k == "resource":
            if kinds[self.i] == ";":
                self.bump(c)
            elif kinds[self.i] == "{":
                self.bump(c)
                while kinds[self.i] != "}":
                    if kinds[self.i] == _EOF:
                        raise self.error("`}` closing the resource")
                    self.resource_item(c)
                self.bump(c)
            else:
                raise self.error("`;` or `{`")
            return nodes.Resource(c)
        self.expect("{", c)
        if k == "record":
            member, what, cls = nodes.Field, "a field name or `}`", nodes.Record
        elif k == "variant":
            member, what, cls = nodes.Case, "a case name or `}`", nodes.Variant
        elif k == "enum":
            member, what, cls = nodes.EnumCase, "a case name or `}`", nodes.Enum
        else:
            member, what, cls = nodes.Flag, "a flag name or `}`", nodes.Flags
        while kinds[self.i] != "}":
            self.flush(c)
            m: list = []
            self.ident(m, what)
            if k == "record":
                self.expect(":", m)
                self.type(m)
            elif k == "variant" and kinds[self.i] == "(":
                self.bump(m)
                self.type(m)
                self.expect(")", m)
            c.append(member(m))
            if kinds[self.i] == ",":
                self.bump(c)
            else:
                break
        self.expect("}", c, "`,` or `}`")
        return cls(c)

    def resource_item(self, ch: list) -> None:
        self.flush(ch)
        c: list = []
        kinds = self.kinds
        while kinds[self.i] == "@":
            self.attribute(c)
        k = kinds[self.i]
        if k == "constructor":
            self.bump(c)
            self.params(c)
            if kinds[self.i] == "->":
                self.bump(c)
                self.type(c)
            self.expect(";", c)
            ch.append(nodes.Constructor(c))
        elif k == "id":
            self.bump(c)
            self.expect(":", c)
            static = kinds[self.i] == "static"
            if static:
                self.bump(c)
            self.func_type(c)
            self.expect(";", c)
            ch.append(nodes.StaticMethod(c) if static else nodes.Method(c))
        else:
            raise self.error("`constructor`, a method name or `}`")

    # -- types ------------------------------------------------------------------------
    def type(self, ch: list) -> None:
        self.flush(ch)
        kinds = self.kinds
        k = kinds[self.i]
        c: list = []
        if k in PRIMITIVES:
            self.bump(c)
            ch.append(nodes.PrimitiveType(c))
            return
        if k == "id":
            self.bump(c)
            ch.append(nodes.NamedType(c))
            return
        if k == "list":
            self.bump(c)
            self.expect("<", c)
            self.type(c)
            if kinds[self.i] == ",":
                self.bump(c)
                self.expect("integer", c, "a fixed list length")
            self.expect(">", c, "`>` or `,`")
            ch.append(nodes.ListType(c))
        elif k == "option":
            self.bump(c)
            self.expect("<", c)
            self.type(c)
            self.expect(">", c)
            ch.append(nodes.OptionType(c))
        elif k == "result":
            self.bump(c)
            if kinds[self.i] == "<":
                self.bump(c)
                if kinds[self.i] == "_":
                    self.bump(c)
                    self.expect(",", c)
                    self.type(c)
                else:
                    self.type(c)
                    if kinds[self.i] == ",":
                        self.bump(c)
                        self.type(c)
                self.expect(">", c)
            ch.append(nodes.ResultType(c))
        elif k == "tuple":
            self.bump(c)
            self.expect("<", c)
            while kinds[self.i] != ">":
                self.type(c)
                if kinds[self.i] == ",":
                    self.bump(c)
                else:
                    break
            self.expect(">", c, "`,` or `>`")
            ch.append(nodes.TupleType(c))
        elif k == "future" or k == "stream":
            self.bump(c)
            if kinds[self.i] == "<":
                self.bump(c)
                self.type(c)
                self.expect(">", c)
            ch.append(nodes.FutureType(c) if k == "future" else nodes.StreamType(c))
        elif k == "map":
            self.bump(c)
            self.expect("<", c)
            self.type(c)
            self.expect(",", c)
            self.type(c)
            self.expect(">", c)
            ch.append(nodes.MapType(c))
        elif k == "own" or k == "borrow":
            self.bump(c)
            self.expect("<", c)
            self.ident(c, "a resource name")
            self.expect(">", c)
            ch.append(nodes.OwnType(c) if k == "own" else nodes.BorrowType(c))
        else:
            raise self.error("a type")

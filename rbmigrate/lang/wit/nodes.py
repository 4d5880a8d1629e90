"""Typed CST nodes of WIT: one class per node kind, with accessors.

Every class is a `Node` (see `cst.py`) whose `kind` names the construct;
accessors return tokens (names, keywords, braces) or child nodes, found among
the node's own children.
"""

from __future__ import annotations

from .cst import TRIVIA, Node, Token, as_kind_set

# -- shared helpers for named items ----------------------------------------


class _Named(Node):
    __slots__ = ()

    @property
    def name(self) -> Token | None:
        """The item's name token (`id`, possibly `%`-escaped)."""
        for c in self.children:
            if c.is_token and c.kind == "id":
                return c
        return None

    @property
    def ident(self) -> str | None:
        t = self.name
        return t.ident if t is not None else None

    @property
    def attributes(self) -> list["Attribute"]:
        return [c for c in self.children if not c.is_token and c.kind == "attribute"]

    @property
    def keyword(self) -> Token | None:
        """The first significant token after the gates (`interface`, `record`, ...;
        the name for a function)."""
        for c in self.children:
            if c.is_token and c.kind not in TRIVIA:
                return c
        return None

    def prefix_span(self) -> tuple[int, int]:
        """Leading trivia plus gates, up to the keyword."""
        kw = self.keyword
        return (self.leading_trivia_span()[0], kw.start if kw is not None else self.start)

    def gate(self, name: str) -> "Attribute | None":
        for a in self.attributes:
            if a.attr_name == name:
                return a
        return None


class _Body(Node):
    """A node with a `{ ... }` body of items."""

    __slots__ = ()

    @property
    def lbrace(self) -> Token | None:
        return self.token("{")

    @property
    def rbrace(self) -> Token | None:
        for c in reversed(self.children):
            if c.is_token and c.kind == "}":
                return c
        return None

    @property
    def items(self) -> list[Node]:
        return [c for c in self.children if not c.is_token and c.kind != "attribute" and c.kind not in _NON_ITEMS]

    def items_of(self, kind) -> list[Node]:
        kinds = as_kind_set(kind)
        return [c for c in self.items if c.kind in kinds]

    def item(self, name: str) -> Node | None:
        """The body item named `name` (WIT name, without `%`)."""
        for c in self.items:
            n = getattr(c, "ident", None)
            if n == name:
                return c
        return None


_NON_ITEMS = frozenset({"package-name", "use-path", "func-type", "version"})


# ---------------------------------------------------------------------------
# file level


class SourceFile(_Body):
    """The whole file. `items` are top-level items (nested packages included)."""

    __slots__ = ("path", "source")
    kind = "file"

    @property
    def bom(self) -> Token | None:
        if self.children and self.children[0].is_token and self.children[0].kind == "bom":
            return self.children[0]
        return None

    @property
    def package(self) -> "PackageDecl | None":
        return self.child("package-decl")

    @property
    def interfaces(self) -> list["Interface"]:
        return self.items_of("interface")

    @property
    def worlds(self) -> list["World"]:
        return self.items_of("world")

    @property
    def uses(self) -> list["ToplevelUse"]:
        return self.items_of("toplevel-use")

    @property
    def nested_packages(self) -> list["NestedPackage"]:
        return self.items_of("nested-package")

    @property
    def items(self) -> list[Node]:
        return [c for c in self.children if not c.is_token and c.kind != "package-decl"]

    @property
    def newline(self) -> bytes:
        """The file's line ending (`b"\\r\\n"` if its first newline is CRLF)."""
        for t in self.iter_tokens():
            if t.kind == "whitespace":
                k = t.text.find(b"\n")
                if k >= 0:
                    return b"\r\n" if k > 0 and t.text[k - 1 : k] == b"\r" else b"\n"
        return b"\n"

    def __repr__(self) -> str:
        return f"<SourceFile {self.path!r} {self.start}..{self.end}>"


class PackageName(Node):
    """`namespace:name@version`"""

    __slots__ = ()
    kind = "package-name"

    @property
    def namespace(self) -> Token:
        return self.child_tokens("id")[0]

    @property
    def name(self) -> Token:
        return self.child_tokens("id")[1]

    @property
    def version(self) -> "Version | None":
        return self.child("version")

    @property
    def full_name(self) -> str:
        v = self.version
        s = f"{self.namespace.ident}:{self.name.ident}"
        return f"{s}@{v.value}" if v is not None else s


class PackageDecl(Node):
    """`package a:b@1.0.0;`"""

    __slots__ = ()
    kind = "package-decl"

    @property
    def package_name(self) -> PackageName:
        return self.child("package-name")

    @property
    def namespace(self) -> Token:
        return self.package_name.namespace

    @property
    def name(self) -> Token:
        return self.package_name.name

    @property
    def version(self) -> "Version | None":
        return self.package_name.version

    @property
    def full_name(self) -> str:
        return self.package_name.full_name


class NestedPackage(_Body):
    """`package a:b@1.0.0 { items }`"""

    __slots__ = ()
    kind = "nested-package"

    @property
    def package_name(self) -> PackageName:
        return self.child("package-name")

    @property
    def keyword(self) -> Token:
        return self.token("package")

    @property
    def name(self) -> Token:
        return self.package_name.name

    @property
    def namespace(self) -> Token:
        return self.package_name.namespace

    @property
    def version(self) -> "Version | None":
        return self.package_name.version

    @property
    def full_name(self) -> str:
        return self.package_name.full_name

    @property
    def ident(self) -> str:
        return self.full_name

    @property
    def interfaces(self) -> list["Interface"]:
        return self.items_of("interface")

    @property
    def worlds(self) -> list["World"]:
        return self.items_of("world")

    @property
    def uses(self) -> list["ToplevelUse"]:
        return self.items_of("toplevel-use")


class Version(Node):
    """A semver version (the text after `@`, or after `version =` in a gate)."""

    __slots__ = ()
    kind = "version"

    @property
    def value(self) -> str:
        return self.to_bytes().decode("ascii")


class Attribute(Node):
    """`@since(version = 1.0.0)`, `@unstable(feature = x)`, `@deprecated(version = 1.0.0)`,
    `@external-id("...")`."""

    __slots__ = ()
    kind = "attribute"

    @property
    def name(self) -> Token:
        return self.token("id")

    @property
    def attr_name(self) -> str:
        return self.name.ident

    @property
    def version(self) -> Version | None:
        return self.child("version")

    @property
    def feature(self) -> Token | None:
        ids = self.child_tokens("id")
        return ids[2] if len(ids) > 2 and ids[1].ident == "feature" else None

    @property
    def string(self) -> Token | None:
        return self.token("string")

    @property
    def value(self) -> str | None:
        """The argument: the version text (`since`, `deprecated`), the feature name
        (`unstable`) or the decoded string (`external-id`)."""
        if self.version is not None:
            return self.version.value
        if self.feature is not None:
            return self.feature.ident
        if self.string is not None:
            from .lexer import decode_string

            return decode_string(self.string.text)
        return None


# ---------------------------------------------------------------------------
# interfaces and worlds


class Interface(_Named, _Body):
    """`interface name { items }` (also the body of `import x: interface { ... }`)."""

    __slots__ = ()
    kind = "interface"

    @property
    def uses(self) -> list["Use"]:
        return self.items_of("use")

    @property
    def functions(self) -> list["FuncItem"]:
        return self.items_of("func")

    @property
    def typedefs(self) -> list[Node]:
        return self.items_of(TYPEDEF_KINDS)


class World(_Named, _Body):
    """`world name { items }`"""

    __slots__ = ()
    kind = "world"

    @property
    def imports(self) -> list["Import"]:
        return self.items_of("import")

    @property
    def exports(self) -> list["Export"]:
        return self.items_of("export")

    @property
    def includes(self) -> list["Include"]:
        return self.items_of("include")

    @property
    def uses(self) -> list["Use"]:
        return self.items_of("use")

    @property
    def typedefs(self) -> list[Node]:
        return self.items_of(TYPEDEF_KINDS)


class UsePath(Node):
    """`iface` or `ns:pkg/iface@1.2.3`."""

    __slots__ = ()
    kind = "use-path"

    @property
    def is_qualified(self) -> bool:
        return self.token(":") is not None

    @property
    def namespace(self) -> Token | None:
        return self.child_tokens("id")[0] if self.is_qualified else None

    @property
    def package(self) -> Token | None:
        return self.child_tokens("id")[1] if self.is_qualified else None

    @property
    def name(self) -> Token:
        """The interface (or world) name token."""
        return self.child_tokens("id")[-1]

    @property
    def ident(self) -> str:
        return self.name.ident

    @property
    def version(self) -> Version | None:
        return self.child("version")

    @property
    def package_name(self) -> str | None:
        """`ns:pkg@ver` of a qualified path, else None."""
        if not self.is_qualified:
            return None
        v = self.version
        s = f"{self.namespace.ident}:{self.package.ident}"
        return f"{s}@{v.value}" if v is not None else s

    @property
    def value(self) -> str:
        """The path as written without trivia, e.g. `wasi:io/streams@0.2.0`."""
        return b"".join(t.text for t in self.iter_tokens(trivia=False)).decode("ascii")


class ToplevelUse(_Named):
    """`use ns:pkg/iface@1.0.0 as name;` at file or nested-package level."""

    __slots__ = ()
    kind = "toplevel-use"

    @property
    def path(self) -> UsePath:
        return self.child("use-path")

    @property
    def alias(self) -> Token | None:
        return self.token("id")

    @property
    def name(self) -> Token:
        """The local name: the alias if any, else the interface name."""
        a = self.alias
        return a if a is not None else self.path.name


class Use(_Named):
    """`use path.{a, b as c};` inside an interface or world."""

    __slots__ = ()
    kind = "use"

    @property
    def path(self) -> UsePath:
        return self.child("use-path")

    @property
    def names(self) -> list["UseName"]:
        return self.child_nodes("use-name")

    @property
    def lbrace(self) -> Token | None:
        return self.token("{")

    @property
    def rbrace(self) -> Token | None:
        return self.token("}")

    @property
    def name(self) -> None:  # a use has no name of its own
        return None


class UseName(Node):
    """`a` or `a as b` in a `use` list."""

    __slots__ = ()
    kind = "use-name"

    @property
    def name(self) -> Token:
        return self.child_tokens("id")[0]

    @property
    def alias(self) -> Token | None:
        ids = self.child_tokens("id")
        return ids[1] if len(ids) > 1 else None

    @property
    def local_name(self) -> Token:
        a = self.alias
        return a if a is not None else self.name

    @property
    def ident(self) -> str:
        return self.name.ident


class Include(_Named):
    """`include path;` or `include path with { a as b }`."""

    __slots__ = ()
    kind = "include"

    @property
    def path(self) -> UsePath:
        return self.child("use-path")

    @property
    def with_names(self) -> list["IncludeName"]:
        return self.child_nodes("include-name")

    @property
    def name(self) -> None:
        return None


class IncludeName(UseName):
    """`a as b` in an include's `with { }`."""

    __slots__ = ()
    kind = "include-name"


class _Extern(_Named):
    """`import`/`export` of a path, a function or an inline interface."""

    __slots__ = ()

    @property
    def extern_kind(self) -> str:
        """`path` (`import ns:pkg/iface;`), `named-path` (`import x: iface;`),
        `func` (`import f: func();`) or `interface` (`import x: interface { }`)."""
        if self.child("func-type") is not None:
            return "func"
        if self.token("interface") is not None:
            return "interface"
        if self.token(":") is not None and self._name_before_colon():
            return "named-path"
        return "path"

    def _name_before_colon(self) -> bool:
        prev = None
        for c in self.children:
            if c.is_token and c.kind in TRIVIA:
                continue
            if c.is_token and c.kind == ":":
                return prev is not None and prev.is_token and prev.kind == "id"
            prev = c
        return False

    @property
    def name(self) -> Token | None:
        """The extern's own name (`f` in `import f: func()`), None for a bare path."""
        for c in self.children:
            if c.is_token and c.kind == "id":
                return c
            if not c.is_token and c.kind == "use-path":
                return None
        return None

    @property
    def path(self) -> UsePath | None:
        return self.child("use-path")

    @property
    def func_type(self) -> "FuncType | None":
        return self.child("func-type")

    @property
    def lbrace(self) -> Token | None:
        return self.token("{")

    @property
    def rbrace(self) -> Token | None:
        return self.token("}")

    @property
    def items(self) -> list[Node]:
        """Items of an inline interface."""
        return [c for c in self.children if not c.is_token and c.kind not in _NON_ITEMS and c.kind != "attribute"]


class Import(_Extern):
    __slots__ = ()
    kind = "import"


class Export(_Extern):
    __slots__ = ()
    kind = "export"


# ---------------------------------------------------------------------------
# type definitions


class TypeAlias(_Named):
    """`type name = T;`"""

    __slots__ = ()
    kind = "type-alias"

    @property
    def type(self) -> "TypeNode":
        return self.child(TYPE_KINDS)


class _Members(_Named):
    __slots__ = ()

    @property
    def lbrace(self) -> Token | None:
        return self.token("{")

    @property
    def rbrace(self) -> Token | None:
        return self.token("}")


class Record(_Members):
    __slots__ = ()
    kind = "record"

    @property
    def fields(self) -> list["Field"]:
        return self.child_nodes("field")


class Field(_Named):
    """`name: T` in a record."""

    __slots__ = ()
    kind = "field"

    @property
    def type(self) -> "TypeNode":
        return self.child(TYPE_KINDS)


class Variant(_Members):
    __slots__ = ()
    kind = "variant"

    @property
    def cases(self) -> list["Case"]:
        return self.child_nodes("case")


class Case(_Named):
    """`name` or `name(T)` in a variant."""

    __slots__ = ()
    kind = "case"

    @property
    def type(self) -> "TypeNode | None":
        return self.child(TYPE_KINDS)


class Enum(_Members):
    __slots__ = ()
    kind = "enum"

    @property
    def cases(self) -> list["EnumCase"]:
        return self.child_nodes("enum-case")


class EnumCase(_Named):
    __slots__ = ()
    kind = "enum-case"


class Flags(_Members):
    __slots__ = ()
    kind = "flags"

    @property
    def flags(self) -> list["Flag"]:
        return self.child_nodes("flag")


class Flag(_Named):
    __slots__ = ()
    kind = "flag"


class Resource(_Named, _Body):
    """`resource name;` or `resource name { constructor/methods/static }`."""

    __slots__ = ()
    kind = "resource"

    @property
    def has_body(self) -> bool:
        return self.token("{") is not None

    @property
    def constructor(self) -> "Constructor | None":
        return self.child("constructor")

    @property
    def methods(self) -> list["Method"]:
        return self.child_nodes(("method", "static-method"))


# ---------------------------------------------------------------------------
# functions


class FuncType(Node):
    """`async? func(params) -> T`"""

    __slots__ = ()
    kind = "func-type"

    @property
    def is_async(self) -> bool:
        return self.token("async") is not None

    @property
    def param_list(self) -> "ParamList":
        return self.child("param-list")

    @property
    def params(self) -> list["Param"]:
        return self.param_list.params

    @property
    def arrow(self) -> Token | None:
        return self.token("->")

    @property
    def result(self) -> "TypeNode | None":
        return self.child(TYPE_KINDS)


class ParamList(Node):
    """`( name: T, ... )`"""

    __slots__ = ()
    kind = "param-list"

    @property
    def params(self) -> list["Param"]:
        return self.child_nodes("param")

    @property
    def lparen(self) -> Token:
        return self.token("(")

    @property
    def rparen(self) -> Token:
        return self.token(")")


class Param(_Named):
    __slots__ = ()
    kind = "param"

    @property
    def type(self) -> "TypeNode":
        return self.child(TYPE_KINDS)


class FuncItem(_Named):
    """`name: async? func(...) -> T;` in an interface."""

    __slots__ = ()
    kind = "func"

    @property
    def func_type(self) -> FuncType:
        return self.child("func-type")

    @property
    def params(self) -> list[Param]:
        return self.func_type.params

    @property
    def result(self) -> "TypeNode | None":
        return self.func_type.result

    @property
    def is_async(self) -> bool:
        return self.func_type.is_async


class Method(FuncItem):
    """`name: func(...)` in a resource."""

    __slots__ = ()
    kind = "method"
    is_static = False


class StaticMethod(FuncItem):
    """`name: static func(...)` in a resource."""

    __slots__ = ()
    kind = "static-method"
    is_static = True


class Constructor(_Named):
    """`constructor(params) (-> T)?;` in a resource."""

    __slots__ = ()
    kind = "constructor"

    @property
    def param_list(self) -> ParamList:
        return self.child("param-list")

    @property
    def params(self) -> list[Param]:
        return self.param_list.params

    @property
    def result(self) -> "TypeNode | None":
        return self.child(TYPE_KINDS)

    @property
    def name(self) -> None:
        return None


# ---------------------------------------------------------------------------
# type expressions


class TypeNode(Node):
    """Base of type expressions; `args` are the nested type expressions."""

    __slots__ = ()

    @property
    def args(self) -> list["TypeNode"]:
        return [c for c in self.children if not c.is_token and c.kind in TYPE_KINDS]

    @property
    def keyword(self) -> Token:
        for c in self.children:
            if c.is_token and c.kind not in TRIVIA:
                return c
        raise AssertionError("empty type node")  # pragma: no cover


class PrimitiveType(TypeNode):
    """`u8`, ..., `string`, `error-context`."""

    __slots__ = ()
    kind = "primitive-type"

    @property
    def name(self) -> str:
        return self.keyword.kind


class NamedType(TypeNode):
    """A reference to a named type (`foo`, `%stream`)."""

    __slots__ = ()
    kind = "named-type"

    @property
    def name(self) -> Token:
        return self.keyword

    @property
    def ident(self) -> str:
        return self.keyword.ident


class ListType(TypeNode):
    """`list<T>` or fixed-size `list<T, N>`."""

    __slots__ = ()
    kind = "list-type"

    @property
    def element(self) -> TypeNode:
        return self.args[0]

    @property
    def size(self) -> Token | None:
        return self.token("integer")


class OptionType(TypeNode):
    __slots__ = ()
    kind = "option-type"

    @property
    def inner(self) -> TypeNode:
        return self.args[0]


class ResultType(TypeNode):
    """`result`, `result<T>`, `result<_, E>`, `result<T, E>`."""

    __slots__ = ()
    kind = "result-type"

    @property
    def ok(self) -> TypeNode | None:
        if self.token("_") is not None:
            return None
        a = self.args
        return a[0] if a else None

    @property
    def err(self) -> TypeNode | None:
        if self.token(",") is None:
            return None
        return self.args[-1]


class TupleType(TypeNode):
    __slots__ = ()
    kind = "tuple-type"

    @property
    def elements(self) -> list[TypeNode]:
        return self.args


class MapType(TypeNode):
    __slots__ = ()
    kind = "map-type"

    @property
    def key(self) -> TypeNode:
        return self.args[0]

    @property
    def value(self) -> TypeNode:
        return self.args[1]


class FutureType(TypeNode):
    """`future` or `future<T>`."""

    __slots__ = ()
    kind = "future-type"

    @property
    def payload(self) -> TypeNode | None:
        a = self.args
        return a[0] if a else None


class StreamType(FutureType):
    """`stream` or `stream<T>`."""

    __slots__ = ()
    kind = "stream-type"


class OwnType(TypeNode):
    """`own<r>`"""

    __slots__ = ()
    kind = "own-type"

    @property
    def resource(self) -> Token:
        return self.token("id")


class BorrowType(OwnType):
    """`borrow<r>`"""

    __slots__ = ()
    kind = "borrow-type"


TYPE_KINDS = frozenset(
    {
        "primitive-type",
        "named-type",
        "list-type",
        "option-type",
        "result-type",
        "tuple-type",
        "map-type",
        "future-type",
        "stream-type",
        "own-type",
        "borrow-type",
    }
)
TYPEDEF_KINDS = frozenset({"type-alias", "record", "variant", "enum", "flags", "resource"})
ITEM_KINDS = frozenset(
    {"interface", "world", "toplevel-use", "nested-package", "use", "func", "import", "export", "include",
     "constructor", "method", "static-method"}
) | TYPEDEF_KINDS

NODE_CLASSES: dict[str, type[Node]] = {
    cls.kind: cls
    for cls in (
        SourceFile, PackageName, PackageDecl, NestedPackage, Version, Attribute, Interface, World,
        UsePath, ToplevelUse, Use, UseName, Include, IncludeName, Import, Export, TypeAlias, Record,
        Field, Variant, Case, Enum, EnumCase, Flags, Flag, Resource, FuncType, ParamList, Param,
        FuncItem, Method, StaticMethod, Constructor, PrimitiveType, NamedType, ListType, OptionType,
        ResultType, TupleType, MapType, FutureType, StreamType, OwnType, BorrowType,
    )
}

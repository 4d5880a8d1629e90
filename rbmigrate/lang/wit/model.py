"""A canonical WIT package read once, through the real parser, as a small model.

Every adapter, the rule table and ``rules explain`` read the canonical
``wit/v3`` and ``wit/v4`` packages through this model (``RuleTable.wit``), so
there is exactly one reader of the protocol's shape: interfaces with their
functions (parameters, result, declaration text), types with their members,
``use`` lists and worlds. Nodes of the lossless tree stay reachable for the
WIT adapter, which copies canonical text into migrated packages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from .cst import Node
from .parser import parse_wit

TYPEDEFS = ("record", "variant", "enum", "flags", "resource", "type-alias")
_MEMBERS = {"record": "fields", "variant": "cases", "enum": "cases", "flags": "flags"}


def _text(node: Node | None, source: bytes) -> str:
    return "" if node is None else source[node.start : node.end].decode("utf-8")


@dataclass(frozen=True)
class Param:
    name: str
    type: str


@dataclass(frozen=True)
class Function:
    name: str
    interface: str
    params: tuple[Param, ...]
    result: str  # "" when the function returns nothing
    declaration: str  # `name: func(...) -> ...;` as written in the package
    node: Node = field(compare=False, repr=False)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


@dataclass(frozen=True)
class TypeDef:
    name: str
    kind: str  # record | variant | enum | flags | resource | type-alias
    interface: str
    members: tuple[str, ...]  # record fields, variant/enum cases, flags (WIT spelling, no `%`)
    node: Node = field(compare=False, repr=False)


@dataclass
class Interface:
    name: str
    node: Node
    functions: dict[str, Function] = field(default_factory=dict)
    types: dict[str, TypeDef] = field(default_factory=dict)
    uses: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (interface, names)

    def _of(self, kind: str) -> dict[str, list[str]]:
        return {t.name: list(t.members) for t in self.types.values() if t.kind == kind}

    @property
    def enums(self) -> dict[str, list[str]]:
        return self._of("enum")

    @property
    def records(self) -> dict[str, list[str]]:
        return self._of("record")

    @property
    def variants(self) -> dict[str, list[str]]:
        return self._of("variant")

    @property
    def aliases(self) -> list[str]:
        return [t.name for t in self.types.values() if t.kind == "type-alias"]


@dataclass
class World:
    name: str
    node: Node
    imports: tuple[str, ...]
    exports: tuple[str, ...]


@dataclass
class Package:
    """One canonical package (a folder of ``.wit`` files)."""

    id: str  # rapidbyte:connector
    version: str  # 4.0.0
    source: bytes  # the file's bytes (canonical packages are one file)
    tree: Node
    interfaces: dict[str, Interface] = field(default_factory=dict)
    worlds: dict[str, World] = field(default_factory=dict)

    @functools.cached_property
    def type_owner(self) -> dict[str, str]:
        """Type name → owning interface."""
        return {t: iface.name for iface in self.interfaces.values() for t in iface.types}

    def type(self, name: str) -> TypeDef | None:
        owner = self.type_owner.get(name)
        return self.interfaces[owner].types[name] if owner else None

    def function(self, interface: str, name: str) -> Function | None:
        iface = self.interfaces.get(interface)
        return iface.functions.get(name) if iface is not None else None

    def enum_cases(self, name: str) -> tuple[str, ...]:
        t = self.type(name)
        return t.members if t is not None and t.kind == "enum" else ()

    @functools.cached_property
    def identifiers(self) -> frozenset[str]:
        """Every identifier the package spells (for "is this a v4 name?")."""
        return frozenset(t.ident for t in self.tree.iter_tokens(trivia=False) if t.kind == "id")


def _members(item: Node) -> tuple[str, ...]:
    attr = _MEMBERS.get(item.kind)
    return tuple(m.ident for m in getattr(item, attr)) if attr else ()


def build(source: bytes, path: str = "<wit>") -> Package:
    tree = parse_wit(source, path)
    decl = tree.package
    pkg = Package(
        id=f"{decl.namespace.ident}:{decl.name.ident}" if decl is not None else "",
        version=decl.version.value if decl is not None and decl.version is not None else "",
        source=source,
        tree=tree,
    )
    for node in tree.interfaces:
        iface = Interface(node.ident, node)
        for item in node.items:
            if item.kind == "func":
                iface.functions[item.ident] = Function(
                    name=item.ident,
                    interface=node.ident,
                    params=tuple(Param(p.ident, _text(p.type, source)) for p in item.params),
                    result=_text(item.result, source),
                    declaration=_text(item, source),
                    node=item,
                )
            elif item.kind in TYPEDEFS:
                iface.types[item.ident] = TypeDef(item.ident, item.kind, node.ident, _members(item), item)
            elif item.kind == "use":
                iface.uses.append((item.path.ident, tuple(n.ident for n in item.names)))
        pkg.interfaces[iface.name] = iface
    for node in tree.worlds:
        imports = tuple(i.path.ident for i in node.imports if i.path is not None)
        exports = tuple(e.path.ident for e in node.exports if e.path is not None)
        pkg.worlds[node.ident] = World(node.ident, node, imports, exports)
    return pkg


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> Package:
    files = sorted(Path(folder).glob("*.wit"))
    if len(files) != 1:
        raise RuntimeError(f"{folder}: a canonical package is expected in exactly one .wit file")
    return build(files[0].read_bytes(), str(files[0]))


def load_package(folder: Path) -> Package:
    """The package in ``folder``, parsed once per process (and again only if a file changed)."""
    folder = Path(folder).resolve()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.wit")))
    return _load(str(folder), stamp)

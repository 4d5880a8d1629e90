"""Name resolution: what a name or path in a Rust file refers to.

Precision over recall: a name is the SDK's only when a ``use`` (explicit, or a
glob of an SDK module that provides it), a path through ``rapidbyte_sdk``, a
path through the generated binding modules (``…::rapidbyte::connector::host``)
or — inside the SDK crate itself — a definition says so. Local definitions
and explicit imports shadow globs, as in Rust.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .syntax import field as child, named, path_segments, text
from .vocab import BINDING_ROOT, PRELUDE, SDK_CRATE

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

SCOPE_NODES = ("source_file", "declaration_list", "block")
ITEM_NODES = {
    "struct_item", "enum_item", "union_item", "trait_item", "function_item", "mod_item", "type_item",
    "const_item", "static_item", "macro_definition", "function_signature_item",
}


@dataclass(frozen=True)
class Target:
    """What a name refers to.

    ``kind``: ``sdk`` (an item of the SDK crate; ``path`` is its path inside the
    crate), ``binding`` (generated binding module or item: ``path`` starts with
    the v3 interface module, ``exports`` tells import from export side),
    ``local`` (defined in this crate), ``other`` (anything else: std, other crates).
    """

    kind: str
    path: tuple[str, ...]
    exports: bool = False

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""

    def extend(self, rest: list[str]) -> "Target":
        return Target(self.kind, self.path + tuple(rest), self.exports)

    def is_sdk(self, name: str) -> bool:
        return self.kind == "sdk" and self.name == name


@dataclass(frozen=True)
class UseLeaf:
    """One imported name of a ``use`` declaration."""

    path: tuple[str, ...]  # full path, e.g. ("rapidbyte_sdk", "Context")
    alias: str | None
    glob: bool
    node: "Node"  # the leaf node in its list (identifier, scoped_identifier, use_as_clause, use_wildcard, self)
    name_node: "Node | None"  # the last path segment (None for globs)
    self_leaf: bool = False

    @property
    def local(self) -> str:
        return self.alias or self.path[-1]


def use_leaves(decl: "Node") -> list[UseLeaf]:
    arg = child(decl, "argument")
    out: list[UseLeaf] = []
    if arg is not None:
        _leaves(arg, (), out)
    return out


def _leaves(node: "Node", prefix: tuple[str, ...], out: list[UseLeaf]) -> None:
    t = node.type
    if t == "use_list":
        for item in named(node):
            if item.type in ("line_comment", "block_comment"):
                continue
            _leaves(item, prefix, out)
    elif t == "scoped_use_list":
        path = child(node, "path")
        segs = tuple(segment_list(path)) if path is not None else ()
        lst = child(node, "list")
        if lst is not None:
            _leaves(lst, prefix + segs, out)
    elif t == "use_wildcard":
        inner = named(node)
        segs = tuple(segment_list(inner[0])) if inner else ()
        out.append(UseLeaf(prefix + segs, None, True, node, None))
    elif t == "use_as_clause":
        path = child(node, "path")
        alias = child(node, "alias")
        segs = tuple(segment_list(path))
        nodes = path_segments(path) or [path]
        out.append(UseLeaf(prefix + segs, text(alias) if alias else None, False, node, nodes[-1]))
    elif t == "self":
        out.append(UseLeaf(prefix, None, False, node, None, self_leaf=True))
    else:
        nodes = path_segments(node)
        if nodes:
            out.append(UseLeaf(prefix + tuple(text(n) for n in nodes), None, False, node, nodes[-1]))


def segment_list(node: "Node") -> list[str]:
    segs = path_segments(node)
    return [text(s) for s in segs] if segs else [text(node)]


def binding_split(segs: tuple[str, ...] | list[str]) -> tuple[int, bool] | None:
    """Index of the interface segment when ``segs`` passes through ``rapidbyte::connector::<iface>``."""
    for i in range(len(segs) - 2):
        if segs[i] == BINDING_ROOT[0] and segs[i + 1] == BINDING_ROOT[1]:
            exports = i > 0 and segs[i - 1] == "exports"
            return i + 2, exports
    return None


@dataclass
class Scope:
    node: "Node"
    parent: "Scope | None"  # enclosing scope whose names are visible (None at a module boundary)
    module_parent: "Scope | None"  # the parent module's scope (for ``super``)
    names: dict[str, Target] = field(default_factory=dict)
    globs: list[Target] = field(default_factory=list)
    uses: list["Node"] = field(default_factory=list)
    items: dict[str, "Node"] = field(default_factory=dict)


class FileScopes:
    """Lazily built scopes of one file, and name resolution inside them."""

    def __init__(self, root: "Node", module_path: tuple[str, ...], facts: "CrateFacts"):
        self.root = root
        self.module_path = module_path
        self.facts = facts
        self._scopes: dict[tuple[int, int], Scope] = {}

    # ------------------------------------------------------------ building

    def scope_of(self, node: "Node") -> Scope:
        """The innermost scope that contains ``node``."""
        cur = node.parent if node.type not in SCOPE_NODES or node.parent is None else node
        chain = []
        while cur is not None:
            if cur.type in SCOPE_NODES and (cur.type != "declaration_list" or (cur.parent and cur.parent.type == "mod_item")):
                chain.append(cur)
                if cur.type != "block":
                    break
            cur = cur.parent
        if not chain:
            chain = [self.root]
        return self._get(chain)

    def _get(self, chain: list["Node"]) -> Scope:
        key = (chain[0].start_byte, chain[0].end_byte)
        scope = self._scopes.get(key)
        if scope is not None:
            return scope
        parent = self._get(chain[1:]) if len(chain) > 1 else None
        module_parent = None
        node = chain[0]
        if node.type == "declaration_list":
            module_parent = self.scope_of(node.parent)
        scope = Scope(node=node, parent=parent, module_parent=module_parent)
        self._scopes[key] = scope
        self._fill(scope)
        return scope

    def module_scope(self) -> Scope:
        return self._get([self.root])

    def _fill(self, scope: Scope) -> None:
        in_sdk = self.facts.is_sdk
        for item in named(scope.node):
            t = item.type
            if t == "use_declaration":
                scope.uses.append(item)
                for leaf in use_leaves(item):
                    if leaf.glob and leaf.path == ("super",) and scope.node.type == "declaration_list":
                        scope.globs.append(Target("parent", ()))
                        continue
                    target = self.resolve_segments(list(leaf.path), scope)
                    if leaf.glob:
                        if target is not None:
                            scope.globs.append(target)
                    elif target is not None:
                        scope.names[leaf.local] = target
            elif t in ITEM_NODES:
                name = child(item, "name")
                if name is None:
                    continue
                n = text(name)
                scope.items[n] = item
                if in_sdk:
                    target = Target("sdk", (n,))
                elif t == "mod_item":
                    target = Target("local", ("crate",) + self.module_path + (n,))
                else:
                    target = Target("local", (n,))
                scope.names.setdefault(n, target)

    # ------------------------------------------------------------ lookups

    def lookup(self, name: str, node: "Node") -> Target | None:
        """What ``name`` means at ``node`` (None when unknown or builtin)."""
        return self.lookup_in(name, self.scope_of(node))

    def lookup_in(self, name: str, scope: Scope | None) -> Target | None:
        seen = 0
        while scope is not None and seen < 64:
            seen += 1
            target = scope.names.get(name)
            if target is not None:
                return target
            for glob in scope.globs:
                if glob.kind == "parent":
                    found = self.lookup_in(name, scope.module_parent)
                else:
                    found = self.glob_provides(glob, name)
                if found is not None:
                    return found
            scope = scope.parent
        return None

    def glob_provides(self, glob: Target, name: str) -> Target | None:
        if glob.kind == "sdk":
            # the prelude brings the connector-facing names; any other SDK module glob brings what it
            # defines, which for the names rules act on means: the SDK item of that name
            if glob.path and glob.path[-1] == "prelude" and name not in PRELUDE:
                return None
            return Target("sdk", glob.path[:-1] + (name,) if glob.path and glob.path[-1] == "prelude" else glob.path + (name,))
        if glob.kind == "binding":
            return glob.extend([name])
        if glob.kind == "local" and glob.path and glob.path[0] == "crate":
            return self.facts.crate_lookup(glob.path[1:], name)
        return None

    def resolve_segments(self, segs: list[str], scope: Scope) -> Target | None:
        """Resolve a path given as segment texts (``["crate", "types", "X"]``)."""
        if not segs:
            return None
        segs = [s for s in segs if s != ""]
        split = binding_split(segs)
        if split is not None:
            i, exports = split
            return Target("binding", tuple(segs[i:]), exports)
        first = segs[0].lstrip(":")
        if first == SDK_CRATE or first in self.facts.protocol_crates:
            return Target("sdk", tuple(segs[1:]))
        if first == "crate":
            if self.facts.is_sdk:
                return Target("sdk", tuple(segs[1:]))
            if len(segs) == 1:
                return Target("local", ("crate",))
            found = self.facts.crate_lookup(tuple(segs[1:-1]), segs[-1])
            return found or Target("local", ("crate",) + tuple(segs[1:]))
        if first in ("self", "super"):
            base = list(self.module_path)
            rest = segs
            while rest and rest[0] in ("self", "super"):
                if rest[0] == "super" and base:
                    base.pop()
                rest = rest[1:]
            if not rest:
                return Target("local", ("crate", *base))
            if first == "super" and scope.node.type == "declaration_list":
                # inline module: `super::X` is the enclosing module's X
                parent = scope.module_parent
                target = self.lookup_in(rest[0], parent) if parent is not None else None
                return target.extend(rest[1:]) if target is not None else None
            return self.resolve_segments(["crate", *base, *rest], scope)
        if first in ("std", "core", "alloc"):
            return Target("other", tuple(segs))
        head = self.lookup_in(first, scope)
        if head is None:
            return Target("other", tuple(segs))
        if head.kind == "binding" or head.kind == "sdk":
            target = head.extend(segs[1:])
            if head.kind == "sdk":
                split = binding_split(target.path)
                if split is not None:
                    i, exports = split
                    return Target("binding", target.path[i:], exports)
            return target
        return head.extend(segs[1:])

    def resolve(self, node: "Node") -> Target | None:
        """Resolve a path node (identifier, type identifier or scoped path) at its position."""
        segs = path_segments(node)
        if segs is None:
            return None
        return self.resolve_segments([text(s) for s in segs], self.scope_of(node))

    def is_sdk(self, node: "Node", name: str) -> bool:
        target = self.resolve(node)
        return target is not None and target.is_sdk(name)


@dataclass
class CrateFacts:
    """What crosses files of one crate (built by ``prepare_unit``)."""

    is_sdk: bool = False  # this crate defines protocol items (the SDK, or a types crate the SDK builds on)
    protocol_crates: frozenset[str] = frozenset()  # crates of the workspace whose items are the SDK's (workspace.py)
    crate_root: "object" = None  # Path of the crate (where its own items live, for new `use` lines)
    modules: dict[tuple[str, ...], FileScopes] = field(default_factory=dict)
    context_fields: set[str] = field(default_factory=set)
    other_fields: set[str] = field(default_factory=set)
    type_methods: dict[str, set[str]] = field(default_factory=dict)
    host_impl_types: set[str] = field(default_factory=set)  # types implementing a binding `Host` trait
    state_uses: dict = field(default_factory=dict)  # module → {item: workspace.StateUse…}: the guest's state store
    max_width: int = 100
    struct_lit_width: int = 18
    chain_width: int = 60
    indent_unit: str = "    "
    vocab: object = None
    _depth: int = 0

    def crate_lookup(self, module: tuple[str, ...], name: str) -> Target | None:
        """``crate::<module>::<name>`` through the crate's own modules and their imports."""
        scopes = self.modules.get(module)
        if scopes is None or self._depth > 8:
            return None
        self._depth += 1
        try:
            return scopes.lookup_in(name, scopes.module_scope())
        finally:
            self._depth -= 1

    def context_field(self, name: str) -> bool:
        return name in self.context_fields and name not in self.other_fields


def module_path_of(rel_parts: tuple[str, ...]) -> tuple[str, ...] | None:
    """Module path of a file from its path relative to the crate root (None outside ``src/``)."""
    if not rel_parts or rel_parts[0] != "src":
        return None
    parts = list(rel_parts[1:])
    if not parts:
        return None
    last = parts[-1]
    if not last.endswith(".rs"):
        return None
    stem = last[:-3]
    if len(parts) == 1 and stem in ("lib", "main"):
        return ()
    if stem == "mod":
        return tuple(parts[:-1])
    return tuple(parts[:-1]) + (stem,)

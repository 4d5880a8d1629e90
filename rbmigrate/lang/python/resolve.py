"""Which nodes refer to the generated bindings, resolved through libcst scopes and qualified names.

A reference is a v3 protocol item only when its name resolves to an import
from ``wit_world``: a local variable named ``host`` or a parameter ``types`` is
never one. Star imports cannot be resolved by libcst: a name that resolves to
nothing at all and is one of the names the star-imported v3 interface binds is
taken as coming from the star import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .context import MigrationContext
from .names import BINDINGS, EXPORTS, IMPORTS
from .syntax import string_value


def dotted(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.attr, cst.Name):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


@dataclass(eq=False)
class Binding:
    """One name bound by an import of the generated bindings."""

    statement: cst.CSTNode  # the SimpleStatementLine
    node: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias | None  # None for a star import
    kind: str  # module-from | module-import | name-from | star | dynamic | other
    package: str  # wit_world.imports | wit_world.exports | wit_world
    module: str  # interface module (snake), "" for `from wit_world import exports`
    name: str  # the imported item (name-from), the module (module-*), "*" (star)
    local: str  # the name it binds (dotted for `import a.b.c`)
    has_alias: bool = False
    refs: list = field(default_factory=list)
    literal: cst.SimpleString | None = None  # dynamic: the module path string of `importlib.import_module`

    @property
    def is_v3_module(self) -> bool:
        return self.package == IMPORTS and self.module in ("host", "types")


@dataclass(eq=False)
class Ref:
    """A use of a bindings item: ``host.emit_batch``, ``emit``, ``types.ReadSummary``, ``exports.SourceConnector``."""

    node: cst.CSTNode  # Name (bare) or Attribute (module.item)
    package: str  # wit_world.imports | wit_world.exports
    module: str  # interface module (snake) or "" for exports
    item: str  # the item's Python name
    binding: Binding | None
    style: str  # bare | attr
    module_node: cst.CSTNode | None = None  # attr style: the module part


def _statement_of(ctx: MigrationContext, node: cst.CSTNode) -> cst.CSTNode:
    for anc in ctx.ancestors(node):
        if isinstance(anc, cst.SimpleStatementLine):
            return anc
    raise AssertionError("import outside a statement")


def collect_bindings(ctx: MigrationContext) -> list[Binding]:
    out: list[Binding] = []
    for node in ctx.index.nodes(cst.Import, cst.ImportFrom):
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted(alias.name) or ""
                if not (name == BINDINGS or name.startswith(BINDINGS + ".")):
                    continue
                package, _, module = name.rpartition(".")
                local = alias.asname.name.value if alias.asname else name
                kind = "module-import" if package == IMPORTS else "other"
                out.append(Binding(_statement_of(ctx, node), node, alias, kind, package, module, module, local,
                                   has_alias=alias.asname is not None))
            continue
        if node.relative or node.module is None:
            continue
        mod = dotted(node.module) or ""
        if not (mod == BINDINGS or mod.startswith(BINDINGS + ".")):
            continue
        stmt = _statement_of(ctx, node)
        if isinstance(node.names, cst.ImportStar):
            package, _, module = mod.rpartition(".")
            out.append(Binding(stmt, node, None, "star", package, module, "*", "*"))
            continue
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname else name
            if mod in (IMPORTS, BINDINGS):
                kind = "module-from"
                package, module = mod, name
            else:
                kind = "name-from"
                package, _, module = mod.rpartition(".")
            out.append(Binding(stmt, node, alias, kind, package, module, name, local,
                               has_alias=alias.asname is not None))
    if b"import_module" in ctx.data:
        out += dynamic_bindings(ctx)
    return out


IMPORT_MODULE = "importlib.import_module"


def import_module_path(ctx: MigrationContext, call: cst.Call) -> tuple[cst.SimpleString, str] | None:
    """(the string literal, its value) of ``importlib.import_module("wit_world...")``, else None."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    literal = call.args[0].value
    value = string_value(literal)
    if value is None or not (value == BINDINGS or value.startswith(BINDINGS + ".")):
        return None
    if ctx.imported_qname(call.func) != IMPORT_MODULE:
        return None
    return literal, value


def dynamic_bindings(ctx: MigrationContext) -> list[Binding]:
    """``X = importlib.import_module("wit_world.imports.host")`` at module level, X bound nowhere else: a module
    binding like ``import wit_world.imports.host as X`` (its string is the import to rewrite). Any other call of
    ``import_module`` with a bindings path is reported by :func:`dynamic_imports_left`."""
    out = []
    for call in ctx.index.nodes(cst.Call):
        found = import_module_path(ctx, call)
        if found is None:
            continue
        literal, value = found
        assign = ctx.parent(call)
        statement = ctx.parent(assign)
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
                and isinstance(statement, cst.SimpleStatementLine) and ctx.parent(statement) is ctx.module):
            continue
        target = assign.targets[0].target
        scope = ctx.scope(target)
        if scope is None or len(list(scope.assignments[target.value])) != 1:
            continue
        package, _, module = value.rpartition(".")
        if package != IMPORTS:
            continue
        out.append(Binding(statement, target, None, "dynamic", package, module, module, target.value, has_alias=True,
                           literal=literal))
    return out


def dynamic_imports_left(ctx: MigrationContext, bindings: list[Binding]) -> list[tuple[cst.Call, str]]:
    """Calls of ``importlib.import_module`` with a bindings path that are not a simple module binding."""
    if b"import_module" not in ctx.data:
        return []
    bound = {b.literal for b in bindings if b.kind == "dynamic"}
    out = []
    for call in ctx.index.nodes(cst.Call):
        found = import_module_path(ctx, call)
        if found is not None and found[0] not in bound:
            out.append((call, found[1]))
    return out


def _binding_for(ctx: MigrationContext, node: cst.CSTNode, bindings: list[Binding]) -> Binding | None:
    name = dotted(node)
    if name is None:
        return None
    scope = ctx.scope(node)
    head = name.split(".")[0] if isinstance(node, cst.Name) else name
    candidates = [b for b in bindings if b.local == head]
    if scope is not None and isinstance(node, cst.Name):
        nodes = {a.node for a in scope[node.value]}
        candidates = [b for b in candidates if b.node in nodes] or candidates
    return candidates[0] if len(candidates) == 1 else (candidates[0] if candidates else None)


def collect_refs(ctx: MigrationContext, bindings: list[Binding], star_members: dict[str, Binding]) -> tuple[list[Ref], list[cst.CSTNode]]:
    """Every reference to a bindings item, and module references used bare (findings)."""
    refs: list[Ref] = []
    bare_modules: list[cst.CSTNode] = []

    def module_use(node: cst.CSTNode, qname: str) -> None:
        package, _, module = qname.rpartition(".")
        if qname == EXPORTS:
            package, module = EXPORTS, ""
        parent = ctx.parent(node)
        binding = _binding_for(ctx, node, bindings)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            refs.append(Ref(parent, package, module, parent.attr.value, binding, "attr", node))
        else:
            bare_modules.append(node)

    def visit_attribute(node: cst.Attribute) -> bool:
        """False when the attribute chain itself names a module (its parts are not looked at)."""
        q = ctx.imported_qname(node)
        if q and dotted(node) == q and (q.startswith(IMPORTS + ".") and q.count(".") == 2 or q == EXPORTS):
            # `import wit_world.imports.host`: the chain itself names the module
            module_use(node, q)
            return False
        return True

    dynamic = {b.local: b for b in bindings if b.kind == "dynamic"}

    def visit_name(node: cst.Name) -> None:
        parent = ctx.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if node.value in dynamic:
            b = dynamic[node.value]
            scope = ctx.scope(node)
            if scope is not None and node is not b.node and {a.node for a in scope[node.value]} == {b.node}:
                module_use(node, f"{b.package}.{b.module}")
            return
        names = ctx.qnames(node)
        if not names:
            binding = star_members.get(node.value)
            scope = ctx.scope(node)
            if binding is not None and scope is not None and not scope[node.value] and _is_load(ctx, node):
                refs.append(Ref(node, binding.package, binding.module, node.value, binding, "bare"))
            return
        q = ctx.imported_qname(node)
        if q is None or not q.startswith(BINDINGS + "."):
            return
        if q == EXPORTS or (q.startswith(IMPORTS + ".") and q.count(".") == 2):
            module_use(node, q)
        elif q.startswith(IMPORTS + ".") and q.count(".") == 3:
            package, module, item = IMPORTS, q.split(".")[2], q.split(".")[3]
            refs.append(Ref(node, package, module, item, _binding_for(ctx, node, bindings), "bare"))
        elif q.startswith(EXPORTS + ".") and q.count(".") == 2:
            refs.append(Ref(node, EXPORTS, "", q.split(".")[2], _binding_for(ctx, node, bindings), "bare"))

    # in visiting order; the parts of import statements and of module chains are skipped (every
    # node inside a skipped one starts before the skipped one ends, every later node after it)
    skip_until = -1
    for node in ctx.index.nodes(cst.Import, cst.ImportFrom, cst.Attribute, cst.Name):
        start, end = ctx.span(node)
        if start < skip_until:
            continue
        if isinstance(node, (cst.Import, cst.ImportFrom)) or (isinstance(node, cst.Attribute) and not visit_attribute(node)):
            skip_until = end
        elif isinstance(node, cst.Name):
            visit_name(node)
    for ref in refs:
        if ref.binding is not None:
            ref.binding.refs.append(ref)
    return refs, bare_modules


def _is_load(ctx: MigrationContext, node: cst.Name) -> bool:
    parent = ctx.parent(node)
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
        return False
    if isinstance(parent, (cst.Param, cst.AssignTarget, cst.ImportAlias, cst.AsName)):
        return False
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return False
    return True

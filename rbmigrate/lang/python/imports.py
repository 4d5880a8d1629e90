"""Import bookkeeping (RB504): every rewritten reference asks here for its v4 spelling.

The planner hands out expressions (``host_io``, ``core_types.OpenInfo``,
``CheckpointEvent``) and records which bindings they need; :meth:`finish`
then rewrites the ``wit_world`` import statements to bind exactly those names
(plus any v3 name still referenced by a site left for a finding), in the
style the file already uses: module imports stay module imports, from-imports
stay from-imports (aliases kept), a star import becomes explicit from-imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import libcst as cst

from .context import MigrationContext
from .names import IMPORTS
from .resolve import Binding, dotted

RULE = "RB504"
MAX_LINE = 99


@dataclass
class ModuleNeed:
    module: str  # v4 module (snake)
    local: str  # bound name, or the dotted path for `import wit_world.imports.x`
    form: str  # module-from | module-import | dotted
    origin: Binding | None


@dataclass
class NameNeed:
    module: str
    name: str
    local: str
    origin: Binding | None

    @property
    def alias(self) -> str | None:
        return self.local if self.local != self.name else None


@dataclass
class Slot:
    """An import statement that (re)binds generated-bindings names."""

    binding_node: cst.CSTNode  # the Import / ImportFrom node
    statement: cst.SimpleStatementLine
    bindings: list[Binding] = field(default_factory=list)
    modules: list[ModuleNeed] = field(default_factory=list)
    names: list[NameNeed] = field(default_factory=list)


class ImportPlanner:
    """``reserved``: names that stay bound to a v3 binding (a site through it is left for a finding); a v4 import
    never takes them, so no name is ever bound by two imports (see :meth:`clashes`)."""

    def __init__(self, ctx: MigrationContext, bindings: list[Binding], reserved: frozenset[str] = frozenset()):
        self.ctx = ctx
        self.bindings = bindings
        self.reserved = reserved
        self.v3 = [b for b in bindings if b.package == IMPORTS and b.module in ctx.names.v3_modules
                   and b.module not in ctx.names.v4_modules]
        self.modules: dict[tuple[str, str], ModuleNeed] = {}  # (module, local) -> need
        self.names: dict[tuple[str, str], NameNeed] = {}
        self.kept: set[Binding] = set()
        self.extra: dict[str, tuple[str, str]] = {}  # local -> (module, name) for json / Err
        types = [b for b in self.v3 if b.module == "types"] or self.v3
        self.style = "module" if not types or any(b.kind.startswith("module") or b.kind == "dynamic" for b in types) else "from"

    # --- order -----------------------------------------------------------------------

    def _module_rank(self, module: str) -> tuple[int, str]:
        """New module names are listed in the order of ``ProtocolNames.module_order``."""
        order = self.ctx.names.module_order
        return (order.index(module) if module in order else len(order), module)

    def _ordered(self, needs):
        return sorted(needs, key=lambda n: self._module_rank(n.module))

    # --- names in use -------------------------------------------------------------

    @functools.cached_property
    def taken(self) -> set[str]:
        """Names the module binds (other than the v3 bindings being replaced): scopes are resolved on first use."""
        replaced = {b.local for b in self.v3}
        taken: set[str] = set()
        for scope in self.ctx.scopes():
            for a in scope.assignments:
                taken.add(a.name.split(".")[0])
        return (taken - replaced) | self.reserved

    def _free(self, name: str) -> bool:
        used = {n.local for n in self.modules.values()} | {n.local for n in self.names.values()}
        return name not in self.taken and name not in used and name not in self.extra

    # --- existing v4 bindings (partially migrated files) -----------------------------

    def _existing_module(self, module: str) -> Binding | None:
        for b in self.bindings:
            if b.package == IMPORTS and b.module == module and b.kind.startswith("module"):
                return b
        return None

    def _existing_name(self, module: str, name: str) -> Binding | None:
        for b in self.bindings:
            if b.package == IMPORTS and b.module == module and b.kind == "name-from" and b.name == name:
                return b
        return None

    # --- handing out references ----------------------------------------------------

    def module_ref(self, module: str, origin: Binding | None = None) -> cst.BaseExpression:
        if origin is not None:
            need = next((n for n in self.modules.values() if n.origin is origin and n.module == module), None)
        else:
            need = next((n for n in self.modules.values() if n.module == module), None)
        if need is None:
            existing = self._existing_module(module)
            if existing is not None:
                return cst.parse_expression(existing.local)
            # one v3 module can feed several v4 modules (`types` is split; a rule can move a function to
            # another interface): an alias goes to the first, the others get names of their own
            alias_taken = origin is not None and any(n.origin is origin for n in self.modules.values())
            if origin is not None and origin.kind == "module-import" and not origin.has_alias:
                need = ModuleNeed(module, f"{IMPORTS}.{module}", "dotted", origin)
            elif origin is not None and origin.has_alias and not alias_taken and origin.local not in self.reserved:
                need = ModuleNeed(module, origin.local, origin.kind, origin)
            else:
                local = module if self._free(module) else f"wit_{module}"
                form = origin.kind if origin is not None and origin.kind != "module-import" else "module-from"
                need = ModuleNeed(module, local, form, origin)
            self.modules[(module, need.local)] = need
        return cst.parse_expression(need.local)

    def name_ref(self, module: str, name: str, origin: Binding | None = None) -> cst.BaseExpression:
        key = (module, name)
        if origin is not None and origin.kind == "name-from" and origin.has_alias and origin.local not in self.reserved:
            need = NameNeed(module, name, origin.local, origin)
            self.names.setdefault((module, origin.local), need)
            return cst.Name(origin.local)
        for need in self.names.values():
            if need.module == module and need.name == name and need.local == name:
                return cst.Name(need.local)
        existing = self._existing_name(module, name)
        if existing is not None:
            return cst.Name(existing.local)
        if self._free(name):
            self.names[key] = NameNeed(module, name, name, origin)
            return cst.Name(name)
        if origin is not None and origin.kind == "name-from" and origin.local not in self.reserved:
            # the new name is taken: keep the old local name as an alias
            self.names[(module, origin.local)] = NameNeed(module, name, origin.local, origin)
            return cst.Name(origin.local)
        return cst.Attribute(self.module_ref(module), cst.Name(name))

    def item_ref(self, module: str, name: str, origin: Binding | None = None) -> cst.BaseExpression:
        """A v4 item, spelled the way the file spells such items."""
        if origin is not None:
            if origin.kind in ("name-from", "star"):
                return self.name_ref(module, name, origin if origin.kind == "name-from" else None)
            base = self.module_ref(module, origin if origin.module == "host" else None)
            return cst.Attribute(base, cst.Name(name))
        if self.style == "from":
            return self.name_ref(module, name)
        return cst.Attribute(self.module_ref(module), cst.Name(name))

    def member(self, member) -> cst.BaseExpression:
        """``core_types.LogLevel.INFO`` for a :class:`names.Member`."""
        return cst.Attribute(self.item_ref(member.module, member.enum), cst.Name(member.case))

    def keep(self, binding: Binding | None) -> None:
        if binding is not None:
            self.kept.add(binding)

    def stdlib(self, module: str, name: str | None = None) -> cst.BaseExpression:
        """``json`` or ``Err`` (from componentize_py_types): an existing binding, or a new import."""
        want = f"{module}.{name}" if name else module
        found = self._find_binding(want)
        if found:
            return cst.parse_expression(found)
        local = name or module
        if not self._free(local) and local not in self.extra:
            return cst.parse_expression(want)  # pragma: no cover - a module-level name shadows it
        self.extra[local] = (module, name or "")
        return cst.Name(local)

    def _find_binding(self, qualified: str) -> str | None:
        from libcst.metadata import ImportAssignment

        scope = next((s for s in self.ctx.scopes() if type(s).__name__ == "GlobalScope"), None)
        if scope is None:
            return None
        for a in scope.assignments:
            if not isinstance(a, ImportAssignment):
                continue
            node = a.node
            if isinstance(node, cst.Import):
                for alias in node.names:
                    full = dotted(alias.name)
                    local = alias.asname.name.value if alias.asname else full
                    if full == qualified and local == a.name:
                        return local
            elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                if isinstance(node.names, cst.ImportStar):
                    continue
                for alias in node.names:
                    full = f"{dotted(node.module)}.{dotted(alias.name)}"
                    local = alias.asname.name.value if alias.asname else dotted(alias.name)
                    if full == qualified and local == a.name:
                        return local
        return None

    # --- rewriting the statements ---------------------------------------------------

    def finish(self) -> None:
        ctx = self.ctx
        slots: dict[cst.CSTNode, Slot] = {}
        for b in self.bindings:
            if b.package != IMPORTS or b.kind == "dynamic":
                continue
            slot = slots.setdefault(b.node, Slot(b.node, b.statement))
            slot.bindings.append(b)
        v3_nodes = [s for s in slots.values() if any(b in self.v3 for b in s.bindings)]
        self._dynamic()
        if not v3_nodes and not self.modules and not self.names:
            self._add_extra(None)
            return
        ordered = sorted(slots.values(), key=lambda s: ctx.span(s.binding_node)[0])
        # attach needs to the statement of their origin, else to a home of the same kind
        loose_modules, loose_names = [], []
        for need in self.modules.values():
            if _is_dynamic_alias(need):
                continue  # the string of its `import_module` call (`_dynamic`)
            slot = slots.get(need.origin.node) if need.origin is not None else None
            (slot.modules.append(need) if slot else loose_modules.append(need))
        for need in self.names.values():
            slot = slots.get(need.origin.node) if need.origin is not None else None
            (slot.names.append(need) if slot else loose_names.append(need))
        homeless: list[str] = []
        for need in loose_modules:
            if need.form == "dynamic":
                need.form = "module-from"  # a second v4 module fed by one dynamic import: a plain import
            home = next((s for s in ordered if any(m.form == need.form for m in s.modules)
                         or any(b.kind == need.form for b in s.bindings)), None)
            home = home or (ordered[-1] if ordered else None)
            if home is None:  # the file reaches the bindings only dynamically or through `import wit_world`
                homeless.append(f"from {IMPORTS} import " + need.module + (f" as {need.local}" if need.local != need.module else ""))
                continue
            home.modules.append(need)
        for need in loose_names:
            home = next((s for s in ordered if any(n.module == need.module for n in s.names)), None)
            if home is None:
                types_slot = next((s for s in ordered if any(b.module == "types" for b in s.bindings)), None)
                home = types_slot or (ordered[-1] if ordered else None)
            if home is None:
                homeless.append(f"from {IMPORTS}.{need.module} import {need.name}" + (f" as {need.alias}" if need.alias else ""))
                continue
            home.names.append(need)
        if homeless:
            self._insert_lines(sorted(homeless))
        # one from-import per module: names of a module gather in its first statement
        home_of: dict[str, Slot] = {}
        for slot in ordered:
            for need in list(slot.names):
                home = home_of.setdefault(need.module, slot)
                if home is not slot:
                    slot.names.remove(need)
                    home.names.append(need)
        touched = [s for s in ordered if s in v3_nodes or s.modules or s.names]
        for slot in touched:
            self._render(slot)
        self._add_extra(ordered[0] if ordered else None)

    def _render(self, slot: Slot) -> None:
        ctx = self.ctx
        node = slot.binding_node
        original = [b for b in slot.bindings]
        keep_original = [b for b in original if b not in self.v3 or b in self.kept]
        statements: list[str] = []
        multiline = isinstance(node, cst.ImportFrom) and _is_multiline(ctx, node)
        sort_key = _sort_key([dotted(a.name) for a in node.names]) if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar) else None
        indent = ctx.line_indent(slot.statement)

        # module-from: `from wit_world.imports import a, b`
        from_entries: list[tuple[str, str | None]] = []
        if isinstance(node, cst.ImportFrom) and dotted(node.module) == IMPORTS:
            for b in original:
                if b in keep_original:
                    from_entries.append((b.name, b.local if b.has_alias else None))
                for need in self._ordered(slot.modules):
                    if need.origin is b and need.form == "module-from":
                        from_entries.append(_entry(need.module, need.local))
        from_entries += [_entry(n.module, n.local) for n in self._ordered(slot.modules)
                         if n.form == "module-from" and (n.origin is None or n.origin.node is not node
                                                         or isinstance(node, cst.Import))]
        if from_entries:
            statements.append(_render_from(IMPORTS, _dedupe(from_entries), multiline, indent, ctx.indent, sort_key, ctx.newline))

        # module imports: `import wit_world.imports.x [as y]`
        if isinstance(node, cst.Import):
            others = [a for a in node.names if not (dotted(a.name) or "").startswith(IMPORTS + ".")]
            if others:
                statements.append("import " + ", ".join(ctx.code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip() for a in others))
            for b in original:
                if b in keep_original:
                    statements.append(f"import {IMPORTS}.{b.module}" + (f" as {b.local}" if b.has_alias else ""))
        for need in slot.modules:
            if need.form == "dotted":
                statements.append(f"import {IMPORTS}.{need.module}")
            elif need.form == "module-import":
                statements.append(f"import {IMPORTS}.{need.module} as {need.local}")

        # name-from: one statement per module, the statement's own module first
        by_module: dict[str, list[tuple[str, str | None]]] = {}
        if isinstance(node, cst.ImportFrom) and dotted(node.module) != IMPORTS:
            own = dotted(node.module).rpartition(".")[2]
            for b in original:
                if b in keep_original and b.kind == "name-from":
                    by_module.setdefault(own, []).append((b.name, b.local if b.has_alias else None))
                elif b in keep_original and b.kind == "star":
                    statements.append(f"from {IMPORTS}.{own} import *")
                for need in slot.names:
                    if need.origin is b:
                        by_module.setdefault(need.module, []).append((need.name, need.alias))
        for need in slot.names:
            if need.origin is None or need.origin.node is not node:
                by_module.setdefault(need.module, []).append((need.name, need.alias))
        star = any(b.kind == "star" for b in original)
        for module in sorted(by_module, key=self._module_rank):
            key = sort_key
            if star or key is None and not any(e for e in by_module[module] if e in _original_entries(node)):
                key = lambda e: e[0]  # noqa: E731 - names chosen by the codemod: sorted
            statements.append(_render_from(f"{IMPORTS}.{module}", _dedupe(by_module[module]), multiline, indent,
                                           ctx.indent, key, ctx.newline))

        text = (ctx.newline + indent).join(statements)
        if not statements:
            ctx.delete(slot.statement, RULE)
        elif len(slot.statement.body) == 1:
            ctx.text_edits[slot.statement] = (text, RULE)
        else:
            ctx.text_edits[node] = ("; ".join(statements), RULE)

    def clashes(self) -> frozenset[str]:
        """Names a kept v3 binding binds that a v4 import was given too (the file is planned again with them
        reserved). Dotted imports (`import wit_world.imports.host`) bind `wit_world` for both and never clash."""
        kept = [b for b in self.v3 if b in self.kept and not (b.kind == "module-import" and not b.has_alias)]
        bound: set[str] = set()
        for b in kept:
            bound |= self.ctx.names.module_members(b.module) if b.kind == "star" else {b.local}
        given = {n.local for n in self.modules.values() if n.form != "dotted"} | {n.local for n in self.names.values()}
        return frozenset(bound & given)

    def _dynamic(self) -> None:
        """``X = importlib.import_module("wit_world.imports.<v3>")``: the string names the v4 module X now stands for
        (the first one it feeds, as an alias would); left as it is while a site through X is left for a finding."""
        ctx = self.ctx
        for b in self.bindings:
            if b.kind != "dynamic" or b not in self.v3 or b in self.kept:
                continue
            need = next((n for n in self.modules.values() if n.origin is b and _is_dynamic_alias(n)), None)
            if need is not None:
                module = need.module
            elif b.refs or b.module in ctx.fctx.rules.split_interfaces:
                ctx.delete(b.statement, RULE)  # every use now names its v4 module: the binding is unused, like an import
                continue
            elif b.module in ctx.names.module_renames:
                module = ctx.names.module_renames[b.module][0]  # nothing is reached through it: its one v4 module
            else:
                ctx.finding(b.literal, RULE, f"`{b.local}` imports the v3 module `{b.module}` dynamically, and nothing "
                            "tells which v4 module it stands for", "Import the v4 module(s) by hand.")
                continue
            literal = b.literal
            quote = literal.quote
            ctx.replace_with(literal, RULE, literal.with_changes(value=f"{literal.prefix}{quote}{IMPORTS}.{module}{quote}"))

    def _insert_lines(self, lines: list[str]) -> None:
        ctx = self.ctx
        wit_world = [b.statement for b in self.bindings]
        anchor = min(wit_world, key=lambda st: ctx.span(st)[0]) if wit_world else None
        if anchor is None:
            offset, indent = _after_docstring(ctx), ""
        else:
            offset, indent = _line_start(ctx, ctx.span(anchor)[0]), ctx.line_indent(anchor)
        ctx.insert(offset, "".join(indent + line + ctx.newline for line in lines), RULE)

    def _add_extra(self, first: Slot | None) -> None:
        if not self.extra:
            return
        ctx = self.ctx
        lines = []
        for local, (module, name) in sorted(self.extra.items()):
            lines.append(f"from {module} import {name}" if name else f"import {module}")
        wit_world = [b.statement for b in self.bindings]
        if wit_world:
            anchor = min(wit_world, key=lambda st: ctx.span(st)[0])
        elif first is not None:
            anchor = first.statement
        else:
            anchor = next((s for s in ctx.module.body if isinstance(s, cst.SimpleStatementLine)
                           and isinstance(s.body[0], (cst.Import, cst.ImportFrom))), None)
        if anchor is None:
            offset = _after_docstring(ctx)
            indent = ""
        else:
            offset = _line_start(ctx, ctx.span(anchor)[0])
            indent = ctx.line_indent(anchor)
        ctx.insert(offset, "".join(indent + line + ctx.newline for line in lines), RULE)


def _is_dynamic_alias(need: ModuleNeed) -> bool:
    return need.form == "dynamic" and need.origin is not None and need.local == need.origin.local


def _original_entries(node) -> list[tuple[str, str | None]]:
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return []
    return [(dotted(a.name), a.asname.name.value if a.asname else None) for a in node.names]


def _entry(module: str, local: str) -> tuple[str, str | None]:
    return (module, local if local != module else None)


def _dedupe(entries):
    out = []
    for e in entries:
        if e not in out:
            out.append(e)
    return out




def _sort_key(names: list[str | None]):
    names = [n or "" for n in names]
    if len(names) > 1 and names == sorted(names):
        return lambda e: e[0]
    if len(names) > 1 and names == sorted(names, key=str.lower):
        return lambda e: e[0].lower()
    return None


def _is_multiline(ctx: MigrationContext, node: cst.ImportFrom) -> bool:
    return node.lpar is not None and "\n" in ctx.code(node)


def _render_from(module: str, entries, multiline: bool, indent: str, unit: str, sort_key, newline: str) -> str:
    if sort_key is not None:
        entries = sorted(entries, key=sort_key)
    parts = [name + (f" as {alias}" if alias else "") for name, alias in entries]
    single = f"from {module} import " + ", ".join(parts)
    if not multiline and len(indent) + len(single) <= MAX_LINE:
        return single
    inner = indent + unit
    return f"from {module} import ({newline}" + "".join(f"{inner}{p},{newline}" for p in parts) + f"{indent})"


def _line_start(ctx: MigrationContext, offset: int) -> int:
    return ctx.data.rfind(b"\n", 0, offset) + 1 if offset > 0 else 0


def _after_docstring(ctx: MigrationContext) -> int:
    body = ctx.module.body
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        end = ctx.span(body[0])[1]
        nl = ctx.data.find(b"\n", end)
        return len(ctx.data) if nl < 0 else nl + 1
    return ctx.bom

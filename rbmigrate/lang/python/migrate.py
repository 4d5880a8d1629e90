"""One Python file through the transforms: resolve, plan, render edits."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import ImportAssignment, MetadataWrapper, ScopeProvider

from ...edits import apply_edits
from ...model import Edit
from ...plan import FilePlan
from ..base import FileContext
from .context import MigrationContext
from .exports import ExportTransform
from .hostcalls import HostCallTransform
from .imports import ImportPlanner
from .leftovers import LeftoverScan
from .names import IMPORTS, names_for
from .payloads import PayloadConverter
from .records import RecordTransform
from .resolve import collect_bindings, collect_refs, dotted, dynamic_imports_left
from .spans import build_edits
from .streamctx import StreamContextTransform
from .strings import StringTransform
from .v4calls import V4CallCheck

PRUNE_RULE = "RB504"


def migrate(module: cst.Module, text: str, bom: int, data: bytes, fctx: FileContext) -> FilePlan:
    """Plan one module; returns its plan store (edits and findings).

    A v3 binding that stays (a site through it is left for a finding) keeps its name: when a v4 import was
    given that name, the file is planned once more with the name reserved, so no name is ever bound twice."""
    reserved: frozenset[str] = frozenset()
    while True:
        plan, clashes = _migrate(module, text, bom, data, fctx, reserved)
        if not clashes or clashes <= reserved:
            return plan
        reserved |= clashes


def _migrate(module: cst.Module, text: str, bom: int, data: bytes, fctx: FileContext,
             reserved: frozenset[str]) -> tuple[FilePlan, frozenset[str]]:
    names = names_for(fctx.rules)
    ctx = MigrationContext(fctx=fctx, data=data, text=text, bom=bom, module=module, names=names)
    bindings = collect_bindings(ctx)
    star_members = {}
    for b in bindings:
        if b.kind == "star" and b.package == IMPORTS:
            for member in names.module_members(b.module):
                star_members[member] = b
    # scopes are resolved only when a reference to the bindings can lead to a change or a finding
    refs, bare_modules = collect_refs(ctx, bindings, star_members) if _refs_matter(ctx, bindings) else ([], [])
    planner = ImportPlanner(ctx, bindings, reserved)
    for node in bare_modules:
        q = ctx.imported_qname(node) or ""
        b = next((b for b in bindings if b.kind == "dynamic" and b.local == dotted(node)), None)
        if b is not None:
            q = f"{b.package}.{b.module}"
        module_name = q.rpartition(".")[2]
        if q.startswith(IMPORTS + ".") and module_name in names.v3_modules and module_name not in names.v4_modules:
            ctx.finding(node, "RB504", f"the v3 module `{dotted(node)}` is used as a value",
                        "Use the v4 modules (`host_io`, `core_types`, `stream_types`, `telemetry`) by hand.")
            for b in bindings:
                if b.local == dotted(node):
                    planner.keep(b)
    left = dynamic_imports_left(ctx, bindings)
    ctx.shared["import_strings"] = {b.literal for b in bindings if b.kind == "dynamic"} | {c.args[0].value for c, _ in left}
    for call, path in left:
        module_name = path.rpartition(".")[2]
        if path.startswith(IMPORTS + ".") and module_name in names.v3_modules and module_name not in names.v4_modules:
            ctx.finding(call, "RB504", f"`{path}` is imported dynamically where its uses cannot be followed",
                        "Bind it at module level (`name = importlib.import_module(...)`) or import the v4 modules by hand.")
    ExportTransform(ctx, planner).run(refs)
    LeftoverScan(ctx).run(refs)
    HostCallTransform(ctx, planner, PayloadConverter(ctx, planner)).run(refs)
    V4CallCheck(ctx).run(refs)
    RecordTransform(ctx, planner).run(refs)
    StreamContextTransform(ctx, planner).run()
    StringTransform(ctx).run()
    planner.finish()
    clashes = planner.clashes()
    if clashes - reserved:
        return ctx.plan, clashes
    edits = build_edits(ctx)
    if edits:
        for e in prune_unused_imports(ctx, edits):
            ctx.plan.edit(e.start, e.end, e.replacement, e.rule_id)
    return ctx.plan, clashes


def _refs_matter(ctx: MigrationContext, bindings: list) -> bool:
    """Can a reference to the bindings lead anywhere? Not when the file only imports v4 modules and
    items, names no v3 export class and uses the typed stream record as a record: then every concern
    acting on references (exports, host calls, records, bare v3 modules, RB905) has nothing to do."""
    if not bindings:
        return False
    v3 = ctx.names.v3_modules - ctx.names.v4_modules
    if any(b.kind in ("other", "star") or b.module in v3 for b in bindings):
        return True
    exports = ctx.names.exports
    if any(node.value in exports for node in ctx.index.nodes(cst.Name)):
        return True
    from .prefilter import may_call_v4_the_v3_way, may_use_stream_as_dict

    return may_use_stream_as_dict(ctx.data, ctx.fctx.rules) or may_call_v4_the_v3_way(ctx.data, ctx.fctx.rules)


def _import_references(scopes) -> dict[str, list[cst.CSTNode]]:
    """Module-level import bindings (other than wit_world) and the nodes referring to each."""
    out: dict[str, list[cst.CSTNode]] = {}
    for scope in scopes:
        if type(scope).__name__ != "GlobalScope":
            continue
        for a in scope.assignments:
            if isinstance(a, ImportAssignment) and not _from_bindings(a.node):
                out.setdefault(a.name, []).extend(access.node for access in a.references)
    return out


def prune_unused_imports(ctx: MigrationContext, edits: list[Edit]) -> list[Edit]:
    """Imports the migration left unused (e.g. ``json`` once no payload is dumped) are removed.

    Only an import whose every reference an edit touches can end up unused, so the output is
    re-parsed (and its scopes resolved) only when there is such an import.
    """
    if not _may_drop_references(ctx, edits):
        return []
    before = _import_references(ctx.scopes())
    at_risk = {name for name, nodes in before.items() if nodes and all(_touched(ctx, n, edits) for n in nodes)}
    if not at_risk:
        return []
    try:
        after = apply_edits(ctx.data, edits)
        new_module = cst.parse_module(after[ctx.bom:].decode("utf-8"))
    except Exception:
        return []  # validation reports the problem
    new_scopes = MetadataWrapper(new_module, unsafe_skip_copy=True).resolve(ScopeProvider)
    now = _import_references({s for s in new_scopes.values() if s is not None})
    unused = {name for name in at_risk if len(now.get(name, [None])) == 0}
    if not unused:
        return []
    touched = [(e.start, e.end) for e in edits]
    out: list[Edit] = []
    for stmt in ctx.module.body:
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            continue
        node = stmt.body[0]
        if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(getattr(node, "names", None), cst.ImportStar):
            continue
        locals_ = [_local(a) for a in node.names]
        drop = [a for a, local in zip(node.names, locals_) if local in unused]
        if not drop:
            continue
        start, end = ctx.span(stmt)
        if any(s < end and e > start for s, e in touched):
            continue
        keep = [a for a in node.names if a not in drop]
        if not keep:
            from .spans import _whole_lines

            s, e = _whole_lines(ctx, stmt)
            out.append(Edit(s, e, "", PRUNE_RULE))
        else:
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            new = node.with_changes(names=keep)
            if isinstance(node, cst.ImportFrom) and node.lpar is None:
                new = new.with_changes(rpar=None)
            out.append(Edit(start, end, ctx.code(stmt.with_changes(body=[new])).strip("\r\n"), PRUNE_RULE))
    return out


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return alias.asname.name.value
    return dotted(alias.name) or ""


def _from_bindings(node: cst.CSTNode) -> bool:
    """Imports of the generated bindings (handled by the import planner) and `__future__`."""
    if isinstance(node, cst.ImportFrom):
        module = dotted(node.module) if node.module is not None else ""
        return module == "__future__" or module == "wit_world" or module.startswith("wit_world.")
    if isinstance(node, cst.Import):
        return any((dotted(a.name) or "").split(".")[0] == "wit_world" for a in node.names)
    return False


def _may_drop_references(ctx: MigrationContext, edits: list[Edit]) -> bool:
    """Does an edit touch a name an import binds (a Name, the head of an attribute chain, a string annotation)?"""
    heads = set()
    for node in ctx.index.nodes(cst.Import, cst.ImportFrom):
        if _from_bindings(node) or isinstance(node.names, cst.ImportStar):
            continue
        heads.update(_local(alias).split(".")[0] for alias in node.names)
    heads.discard("")
    if not heads:
        return False
    word = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in sorted(heads)) + r")\b")

    for node in ctx.index.nodes(cst.Name, cst.Attribute, cst.SimpleString):
        if isinstance(node, cst.Name):
            relevant = node.value in heads
        elif isinstance(node, cst.Attribute):
            head = node.value
            while isinstance(head, cst.Attribute):
                head = head.value
            relevant = isinstance(head, cst.Name) and head.value in heads
        else:  # a string annotation (or a part of one) refers to names too; a docstring never does
            relevant = word.search(node.value) is not None and not _is_statement_string(ctx, node)
        if relevant and _touched(ctx, node, edits):
            return True
    return False


def _touched(ctx: MigrationContext, node: cst.CSTNode, edits: list[Edit]) -> bool:
    """Does an edit replace any of the node's bytes (or insert text inside it)?"""
    start, end = ctx.span(node)
    return any(e.start < end and start < e.end if e.end > e.start else start < e.start < end for e in edits)


def _is_statement_string(ctx: MigrationContext, node: cst.CSTNode) -> bool:
    parent = ctx.parent(node)
    while isinstance(parent, cst.ConcatenatedString):
        parent = ctx.parent(parent)
    return isinstance(parent, cst.Expr)

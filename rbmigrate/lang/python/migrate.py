"""One Python file through the transforms: resolve, plan, render edits."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ImportAssignment, MetadataWrapper, ScopeProvider

from ...edits import apply_edits
from ...model import Edit, Finding
from ..base import FileContext
from .context import MigrationContext
from .exports import ExportTransform
from .hostcalls import HostCallTransform
from .imports import ImportPlanner
from .leftovers import LeftoverScan
from .names import IMPORTS, names_for
from .payloads import PayloadConverter
from .records import RecordTransform
from .resolve import collect_bindings, collect_refs, dotted
from .spans import build_edits
from .streamctx import StreamContextTransform
from .strings import StringTransform

PRUNE_RULE = "RB504"


def migrate(module: cst.Module, text: str, bom: int, data: bytes, fctx: FileContext) -> tuple[list[Edit], list[Finding]]:
    names = names_for(fctx.rules)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    ctx = MigrationContext(fctx=fctx, data=data, text=text, bom=bom, wrapper=wrapper, names=names)
    bindings = collect_bindings(ctx)
    star_members = {}
    for b in bindings:
        if b.kind == "star" and b.package == IMPORTS:
            for member in names.module_members(b.module):
                star_members[member] = b
    refs, bare_modules = collect_refs(ctx, bindings, star_members)
    planner = ImportPlanner(ctx, bindings)
    for node in bare_modules:
        q = ctx.imported_qname(node) or ""
        module_name = q.rpartition(".")[2]
        if q.startswith(IMPORTS + ".") and module_name in names.v3_modules and module_name not in names.v4_modules:
            ctx.finding(node, "RB504", f"the v3 module `{dotted(node)}` is used as a value",
                        "Use the v4 modules (`host_io`, `core_types`, `stream_types`, `telemetry`) by hand.")
            for b in bindings:
                if b.local == dotted(node):
                    planner.keep(b)
    ExportTransform(ctx, planner).run(refs)
    LeftoverScan(ctx).run(refs)
    HostCallTransform(ctx, planner, PayloadConverter(ctx, planner)).run(refs)
    RecordTransform(ctx, planner).run(refs)
    StreamContextTransform(ctx, planner).run()
    StringTransform(ctx).run()
    planner.finish()
    edits = build_edits(ctx)
    if edits:
        edits += prune_unused_imports(ctx, edits)
    return edits, ctx.findings


def _referenced_imports(module: cst.Module) -> dict[str, int]:
    """Module-level import bindings (other than wit_world) and how often each is referenced."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    out: dict[str, int] = {}
    for scope in {s for s in scopes.values() if s is not None}:
        if type(scope).__name__ != "GlobalScope":
            continue
        for a in scope.assignments:
            if isinstance(a, ImportAssignment) and not _from_bindings(a.node):
                out[a.name] = out.get(a.name, 0) + len(a.references)
    return out


def prune_unused_imports(ctx: MigrationContext, edits: list[Edit]) -> list[Edit]:
    """Imports the migration left unused (e.g. ``json`` once no payload is dumped) are removed."""
    try:
        after = apply_edits(ctx.data, edits)
        new_module = cst.parse_module(after[ctx.bom:].decode("utf-8"))
    except Exception:
        return []  # validation reports the problem
    before = _referenced_imports(ctx.module)
    now = _referenced_imports(new_module)
    unused = {name for name, count in before.items() if count and now.get(name, 1) == 0}
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

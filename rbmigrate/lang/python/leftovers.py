"""v3 uses left in an already-migrated export class (RB905), so that `scan` keeps reporting them.

A first run reports a use of the decoded stream context it cannot prove and
leaves it as it is; once the body has moved, that use reads the typed record
like a dict (``stream["key"]``, ``stream.get("key")``, ``for k in stream``) or
names the vanished ``ctx_json``. Those are found here on every later run.
"""

from __future__ import annotations

import libcst as cst

from .context import MigrationContext
from .resolve import Ref

RULE = "RB905"
STEP = "Rewrite this use against `request.stream` (the typed stream-context record) by hand."


class LeftoverScan:
    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx

    def run(self, refs: list[Ref]) -> None:
        v4_classes = {e.v4 for e in self.ctx.names.exports.values()}
        helpers = {helper for _phase, helper in self.ctx.names.moved_bodies.values()}
        for ref in refs:
            if ref.package != "wit_world.exports" or ref.item not in v4_classes:
                continue
            arg = self.ctx.parent(ref.node)
            cls = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            if not (isinstance(cls, cst.ClassDef) and isinstance(cls.body, cst.IndentedBlock)):
                continue
            for stmt in cls.body.body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value in helpers:
                    self.method(stmt)

    def method(self, fdef: cst.FunctionDef) -> None:
        ctx = self.ctx
        params = list(fdef.params.params)
        if len(params) != 2 or params[1].name.value != "request":
            return
        scope = ctx.scope(fdef.body.body[0]) if fdef.body.body else None
        if scope is None:
            return
        request = [a for a in scope.assignments["request"] if a.node is params[1]]
        if not request:
            return
        for ref in request[0].references:
            parent = ctx.parent(ref.node)
            if isinstance(parent, cst.Attribute) and parent.value is ref.node and parent.attr.value == "stream":
                self.record(parent)
        for access in scope.accesses:
            if isinstance(access.node, cst.Name) and access.node.value == "ctx_json" and not access.referents:
                ctx.finding(access.node, RULE, "`ctx_json` no longer exists: the moved body receives `request`", STEP)

    def record(self, node: cst.CSTNode) -> None:
        """Dict-style uses of the typed stream record, directly or through one local."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0].target, cst.Name):
            target = parent.targets[0].target
            scope = ctx.scope(target)
            found = [a for a in scope.assignments[target.value]] if scope is not None else []
            if len(found) == 1:
                for ref in found[0].references:
                    self.use(ref.node)
            return
        self.use(node)

    def use(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            ctx.finding(parent, RULE, "the typed stream record is indexed like the v3 dict", STEP)
        elif isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in ("get", "items", "keys", "values"):
            ctx.finding(parent, RULE, f"the typed stream record has no `.{parent.attr.value}()` (a v3 dict use)", STEP)
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            ctx.finding(node, RULE, "the typed stream record is iterated like the v3 dict", STEP)

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
from .streamctx import DICTLIKE, _get_args, _literal_key, describe, spec

ARROW = "the v3 schema `format` has no v4 counterpart: the v4 schema is always a column list"

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
        request = [a for a in scope.assignments["request"] if getattr(a, "node", None) is params[1]]
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

    def use(self, node: cst.CSTNode, path: tuple[str, ...] = (), depth: int = 0) -> None:
        """A dict-style use of the record (or of one of its parts), reported as the first run reported it on the
        decoded dict (:mod:`.streamctx`): the same site gets the same finding on every run."""
        ctx = self.ctx
        parent = ctx.parent(node)
        where = describe(path)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            key = _literal_key(parent)
            if key is None:
                ctx.finding(parent, RULE, f"{where} is indexed with a computed key", STEP)
                return
            entry = spec(ctx.names.stream_context, (*path, key))
            if entry is None:
                ctx.finding(parent, RULE, f"{describe((*path, key))} has no v4 counterpart (unknown key)", STEP)
            elif entry[1] == "arrow":
                ctx.finding(parent, "RB908", ARROW, STEP)
            elif entry[1] in DICTLIKE and not path:
                self.use(parent, (*path, key), depth)
            else:
                ctx.finding(parent, RULE, "the typed stream record is indexed like the v3 dict", STEP)
        elif isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in ("get", "items", "keys", "values"):
            call = ctx.parent(parent)
            if parent.attr.value == "get" and isinstance(call, cst.Call) and call.func is parent:
                key, _default = _get_args(call)
                if key is None:
                    ctx.finding(call, RULE, f"{where}.get(...) with a computed key", STEP)
                else:
                    ctx.finding(parent, RULE, "the typed stream record has no `.get()` (a v3 dict use)", STEP)
                return
            ctx.finding(parent, RULE, f"`.{parent.attr.value}` on {where} has no v4 counterpart", STEP)
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            ctx.finding(node, RULE, f"{where} is iterated (a dict in v3, a record in v4)", STEP)
        elif isinstance(parent, cst.Arg) and parent.value is node and not path and depth < 2:
            call = ctx.parent(parent)
            if isinstance(call, cst.Call) and parent in call.args:
                self.passed(call, parent, node, depth)

    def passed(self, call: cst.Call, arg: cst.Arg, node: cst.CSTNode, depth: int) -> None:
        """The record handed to a function: a module-level one is followed into (its parameter's uses), any
        other is reported, as the first run reported the dict passed to it."""
        ctx = self.ctx
        from .helpers import module_function

        fdef = module_function(ctx, call.func)
        if fdef is None:  # as the first run: anything but a module-level function cannot be followed
            ctx.finding(node, RULE, f"{describe(())} is passed to `{ctx.code(call.func)}`, which the codemod cannot "
                        "follow", STEP)
            return
        positional = [a for a in call.args if a.keyword is None]
        params = list(fdef.params.posonly_params) + list(fdef.params.params)
        param = None
        if arg.keyword is None and arg in positional and positional.index(arg) < len(params):
            param = params[positional.index(arg)]
        elif arg.keyword is not None:
            param = next((p for p in params if p.name.value == arg.keyword.value), None)
        if param is None or not fdef.body.body:
            return
        scope = ctx.scope(fdef.body.body[0])
        found = [a for a in scope.assignments[param.name.value] if getattr(a, "node", None) is param] if scope is not None else []
        for a in found:
            for ref in a.references:
                self.use(ref.node, (), depth + 1)

"""References to v3 ``types`` → their v4 owners (RB011, RB201–RB204).

Each type moves to the module that owns it in ``wit/v4`` and takes its v4
name (``ValidationResult`` → ``core_types.ValidationReport``,
``SocketReadResult_Data`` → ``host_io.TcpReadResult_Data``). Constructor calls
follow the record changes: ``ValidationReport`` literals gain ``warnings=[]``,
keyword arguments of renamed fields are renamed (``details_json=`` →
``details=``).
"""

from __future__ import annotations

import libcst as cst

from ...ruletable import pascal, snake
from .context import MigrationContext
from .hostcalls import v4_ref
from .imports import ImportPlanner
from .resolve import Ref

EMPTY = {"list": "[]", "option": "None"}  # the empty value of a field v4 adds, by its WIT type


class RecordTransform:
    def __init__(self, ctx: MigrationContext, planner: ImportPlanner):
        self.ctx = ctx
        self.planner = planner
        # v3 record (Pascal) -> the fields its v4 record adds (derived from wit/v3 and wit/v4)
        self.added = {pascal(v3): fields for v3, fields in ctx.fctx.rules.added_fields.items()}

    def run(self, refs: list[Ref]) -> None:
        ctx = self.ctx
        for ref in refs:
            if ref.module != "types":
                continue
            move = ctx.names.types.get(ref.item)
            if move is None:
                ctx.finding(ref.node, "RB011", f"`{ref.item}` is not a type of the v3 `types` interface",
                            "Rewrite this reference against the v4 modules by hand.")
                ctx.leave_as_is(ref.node)
                self.planner.keep(ref.binding)
                continue
            parent = ctx.parent(ref.node)
            if isinstance(parent, cst.Call) and parent.func is ref.node:
                if any(a.star for a in parent.args):
                    ctx.finding(parent, move.rule_id, f"`{ref.item}(...)` is built with `*args`/`**kwargs`",
                                f"Build `{move.v4}` with explicit arguments.")
                    ctx.leave_as_is(ref.node)
                    self.planner.keep(ref.binding)
                    continue
                self._constructor(ref, parent)
            ctx.replace_with(ref.node, move.rule_id, v4_ref(self.planner, ref, move.module, move.v4))

    def _constructor(self, ref: Ref, call: cst.Call) -> None:
        ctx = self.ctx
        for arg in call.args:
            if arg.keyword is not None and (ref.item, arg.keyword.value) in ctx.names.fields:
                new, rule = ctx.names.fields[(ref.item, arg.keyword.value)]
                ctx.replace_with(arg.keyword, rule, cst.Name(new))
        for added in self.added.get(ref.item, ()):
            self._add_field(call, snake(added.name), added.empty, added.rule_id)

    def _add_field(self, call: cst.Call, name: str, empty: str | None, rule: str) -> None:
        ctx = self.ctx
        if any(a.keyword is not None and a.keyword.value == name for a in call.args):
            return
        if empty is None:
            ctx.finding(call, rule, f"the v4 record has a new field `{name}` with no empty value",
                        f"Pass `{name}=` explicitly.")
            return
        value = EMPTY[empty]

        # an insertion, not a rewrite of the call: the call's own edits (and alignment) stay fine-grained
        data = ctx.data
        if not call.args:
            at = ctx.span(call)[1] - 1
            ctx.insert(at, f"{name}={value}", rule)
            return
        last = call.args[-1]
        if isinstance(last.comma, cst.Comma):
            if len(call.args) >= 2:
                gap_start = data.index(b",", ctx.span(call.args[-2])[1]) + 1
            else:
                gap_start = data.index(b"(", ctx.span(call.func)[1]) + 1
            gap = data[gap_start:ctx.span(last)[0]].decode("utf-8")
            ctx.insert(data.index(b",", ctx.span(last)[1]) + 1, f"{gap}{name}={value},", rule)
        else:
            ctx.insert(ctx.span(last.value)[1], f", {name}={value}", rule)


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

from .context import MigrationContext
from .hostcalls import v4_ref
from .imports import ImportPlanner
from .resolve import Ref

ADDED_FIELDS = {"ValidationResult": ("warnings", "RB201")}  # v3 record -> field v4 adds (empty list)


class RecordTransform:
    def __init__(self, ctx: MigrationContext, planner: ImportPlanner):
        self.ctx = ctx
        self.planner = planner
        self._check_added_fields()

    def _check_added_fields(self) -> None:
        for v3, (name, _rule) in ADDED_FIELDS.items():
            move = self.ctx.names.types[v3]
            if name not in self.ctx.names.record_fields(move.wit):
                raise AssertionError(f"{move.v4} has no field {name!r}")

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
        added = ADDED_FIELDS.get(ref.item)
        if added is None:
            return
        name, rule = added
        if any(a.keyword is not None and a.keyword.value == name for a in call.args):
            return

        # an insertion, not a rewrite of the call: the call's own edits (and alignment) stay fine-grained
        data = ctx.data
        if not call.args:
            at = ctx.span(call)[1] - 1
            ctx.insert(at, f"{name}=[]", rule)
            return
        last = call.args[-1]
        if isinstance(last.comma, cst.Comma):
            if len(call.args) >= 2:
                gap_start = data.index(b",", ctx.span(call.args[-2])[1]) + 1
            else:
                gap_start = data.index(b"(", ctx.span(call.func)[1]) + 1
            gap = data[gap_start:ctx.span(last)[0]].decode("utf-8")
            ctx.insert(data.index(b",", ctx.span(last)[1]) + 1, f"{gap}{name}=[],", rule)
        else:
            ctx.insert(ctx.span(last.value)[1], f", {name}=[]", rule)


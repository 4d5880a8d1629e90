"""Payload helpers: a module-level function that builds a v3 telemetry payload (RB104, RB105; RB901).

``def _metric(name, value, stream): payload = {...}; return json.dumps(payload)`` called as
``host.metric(_metric(...))`` (or a helper returning the dict, called as ``host.metric(json.dumps(_metric(...)))``).
When every call of the helper is the payload of one v3 host function, each of its ``return`` values is
converted the way an inline payload is (:mod:`.payloads`): the dict becomes the typed record and the helper
returns it; the call sites pass the helper's result to the v4 function. A helper with any other use, or a
``return`` that is not a convertible payload, leaves its call sites as they are, each with an RB901 finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .context import MigrationContext
from .payloads import DictSource, Unconvertible, dumps_argument, local_dict, unwrap
from .resolve import Ref
from .syntax import call_args, returns_of


@dataclass(eq=False)
class Helper:
    fdef: cst.FunctionDef
    function: str = ""  # the v3 host function its payloads feed
    at_site: bool = False  # the call sites wrap it in `json.dumps` (it returns the dict)
    sites: list = field(default_factory=list)  # (host call, helper call)
    returns: list = field(default_factory=list)  # (return node, payload, envelope)
    problem: str | None = None
    kind: object = None  # the checkpoint kind member all call sites agree on


def module_function(ctx: MigrationContext, func: cst.CSTNode) -> cst.FunctionDef | None:
    """The module-level ``def`` a call's callee names (bound once), else None."""
    if not isinstance(func, cst.Name):
        return None
    scope = ctx.scope(func)
    assignments = list(scope[func.value]) if scope is not None else []
    # (a builtin such as `str` is a BuiltinAssignment: it has no node)
    if len(assignments) != 1 or not isinstance(getattr(assignments[0], "node", None), cst.FunctionDef):
        return None
    fdef = assignments[0].node
    return fdef if ctx.parent(fdef) is ctx.module else None


class PayloadHelpers:
    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx
        self.helpers: dict[cst.FunctionDef, Helper] = {}
        self.by_call: dict[cst.Call, tuple[Helper, cst.Call]] = {}  # host call -> (helper, helper call)

    def payload_call(self, expr: cst.CSTNode) -> tuple[cst.Call, bool] | None:
        """(the helper call, wrapped in json.dumps at the site) of a payload argument, if it calls a helper."""
        at_site = False
        if isinstance(expr, cst.Call) and module_function(self.ctx, expr.func) is None:
            try:
                expr = dumps_argument(self.ctx, expr)
            except Unconvertible:
                return None
            at_site = True
        if isinstance(expr, cst.Call) and module_function(self.ctx, expr.func) is not None:
            return expr, at_site
        return None

    def prepare(self, refs: list[Ref], kind_of) -> None:
        """Find every helper-fed payload of a v3 host call; decide each helper for the whole file.

        ``kind_of(function, host call)`` gives the checkpoint kind member of a call (None when it has none)
        or raises :class:`Unconvertible`."""
        ctx = self.ctx
        host = ctx.names.host_functions
        for ref in refs:
            call = ctx.parent(ref.node)
            if ref.module != "host" or ref.item not in host or not (isinstance(call, cst.Call) and call.func is ref.node):
                continue
            fn = host[ref.item]
            payload = ctx.names.payloads.get(fn.v3)
            bound = call_args(call, fn.params)
            if payload is None or payload.v3_form != "json" or bound is None or "payload_json" not in bound:
                continue
            found = self.payload_call(bound["payload_json"].value)
            if found is None:
                continue
            helper_call, at_site = found
            fdef = module_function(ctx, helper_call.func)
            helper = self.helpers.setdefault(fdef, Helper(fdef, fn.v3, at_site))
            if helper.function != fn.v3 or helper.at_site != at_site:
                helper.problem = helper.problem or f"feeds more than one kind of payload (`{helper.function}` and `{fn.v3}`)"
            helper.sites.append((call, helper_call))
            self.by_call[call] = (helper, helper_call)
            if fn.v3 == "checkpoint":
                try:
                    kind = kind_of(fn.v3, call)
                except Unconvertible as exc:
                    helper.problem = helper.problem or exc.message
                    continue
                if kind is not None and helper.kind is not None and kind != helper.kind:
                    helper.problem = helper.problem or "is called with different checkpoint kinds"
                helper.kind = helper.kind or kind
        for helper in self.helpers.values():
            if helper.problem is None:
                helper.problem = self._check(helper)

    def _check(self, helper: Helper) -> str | None:
        ctx = self.ctx
        fdef = helper.fdef
        if fdef.asynchronous is not None or fdef.decorators:
            return "is async or decorated"
        scope = ctx.scope(fdef)
        assignments = list(scope[fdef.name.value]) if scope is not None else []
        references = {r.node for a in assignments for r in getattr(a, "references", ())}
        if references != {hc.func for _call, hc in helper.sites}:
            return f"it has uses other than as the `{helper.function}` payload"
        returns, yields = returns_of(fdef)
        if yields or not returns:
            return "does not return the payload"
        for ret in returns:
            if ret.value is None:
                return "has a `return` without a value"
            try:
                if helper.at_site:
                    src, envelope = local_dict(ctx, ret.value), None
                else:
                    src, envelope = unwrap(ctx, ret.value)
            except Unconvertible as exc:
                return f"returns a payload that cannot be converted ({exc.message})"
            helper.returns.append((ret, src, envelope))
        return None

    def helper_for(self, call: cst.Call) -> tuple[Helper, cst.Call] | None:
        return self.by_call.get(call)


def convert_returns(ctx: MigrationContext, helper: Helper, build_for, rule: str) -> None:
    """Each ``return`` of a converted helper returns the typed record (built by ``build_for(src, envelope)``)."""
    for ret, src, envelope in helper.returns:
        build = build_for(src, envelope)
        if src.name is not None:
            ctx.replace(src.node, rule, lambda _u, build=build: build())
            if ret.value is not src.name:  # `return json.dumps(payload)` -> `return payload`
                name = src.name
                ctx.replace(ret.value, rule, lambda _u, name=name: ctx.new(name))
        else:
            ctx.replace(ret.value, rule, lambda _u, build=build: build())
        if envelope is not None and envelope.statement is not None:
            ctx.delete(envelope.statement, rule)


__all__ = ["DictSource", "Helper", "PayloadHelpers", "convert_returns", "module_function", "returns_of"]

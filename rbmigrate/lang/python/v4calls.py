"""v4 host calls still in their v3 shape (RB917): found on every run, whatever wrote them.

``host_io`` is the v4 module, but the call is v3-shaped:

- an integer where v4 takes an enum (``host_io.log(2, …)``, ``host_io.state_get(INSTANCE_SCOPE, …)`` with
  ``INSTANCE_SCOPE = 2``, ``LEVEL["info"]`` from a dict of integers);
- JSON text where v4 takes a typed record (``host_io.telemetry_metric(json.dumps({...}))``, a string, or a
  module-level helper that returns one);
- a function the v4 module does not have (``host_io.metric``: the v3 name).

The code is not rewritten (it already claims v4, like a ``@4.0.0`` WIT package); each site is reported.
:func:`.prefilter.may_call_v4_the_v3_way` is the cheap superset that decides whether a v4 file is parsed.
"""

from __future__ import annotations

import libcst as cst

from ...ruletable import kebab, pascal, snake
from .codes import _key as key_of
from .codes import module_constant
from .context import MigrationContext
from .helpers import module_function, returns_of
from .payloads import Unconvertible, single_local
from .resolve import Ref
from .syntax import call_args, int_value

RULE = "RB917"


class V4CallCheck:
    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx
        names = ctx.names
        self.module = names.host_module
        self.functions = names.v4[kebab(self.module)].functions
        self.by_v4 = {fn.v4: fn for fn in names.host_functions.values() if fn.v4_module == self.module}

    def run(self, refs: list[Ref]) -> None:
        for ref in refs:
            if ref.module == self.module:
                self.visit(ref)

    def visit(self, ref: Ref) -> None:
        ctx = self.ctx
        names = ctx.names
        item = ref.item
        if kebab(item) not in self.functions:
            old = names.host_functions.get(item)
            if old is not None and old.v4 != item:
                ctx.finding(ref.node, RULE, f"`{self.module}` has no `{item}`: it is the v3 name of `{old.v4_module}.{old.v4}`"
                            + self._takes(old), f"Call `{old.v4_module}.{old.v4}` with its v4 arguments.")
            return
        call = ctx.parent(ref.node)
        if not (isinstance(call, cst.Call) and call.func is ref.node):
            return
        params = tuple(snake(p) for p in self.functions[kebab(item)].param_names)
        bound = call_args(call, params)
        fn = self.by_v4.get(item)
        if bound is None or fn is None:
            return
        spec = ctx.fctx.rules.integer_codes.get(kebab(fn.v3))
        param = snake(spec.param) if spec is not None else None
        if param in bound:
            found, value = self.v3_integer(bound[param].value)
            if found:
                case = spec.case(value) if value is not None else None
                member = names.member(spec.enum, case) if case is not None else None
                instead = f"`{member.module}.{member.enum}.{member.case}`" if member else f"a `{pascal(spec.enum)}` member"
                shown = ctx.code(bound[param].value)
                shown = f"`{shown}`" + (f" ({value})" if value is not None and shown != str(value) else "")
                ctx.finding(bound[param].value, RULE, f"`{item}` gets the v3 integer {param} {shown}; v4 takes {instead}",
                            f"Pass {instead}.")
        payload = names.payloads.get(fn.v3)
        if payload is not None and len(params) == 1 and params[0] in bound:
            arg = bound[params[0]].value
            if self.is_text(arg):
                module, record = names.type_ref(payload.record)
                ctx.finding(arg, RULE, f"`{item}` gets JSON text (the v3 payload); v4 takes a `{module}.{record}` record",
                            f"Build a `{module}.{record}` from the payload's fields.")

    def _takes(self, old) -> str:
        payload = self.ctx.names.payloads.get(old.v3)
        if payload is None:
            return ""
        module, record = self.ctx.names.type_ref(payload.record)
        return f", which takes a `{module}.{record}`"

    # --- shapes ---------------------------------------------------------------------------------

    def v3_integer(self, expr: cst.CSTNode) -> tuple[bool, int | None]:
        """(is it a v3 integer, its value when known): a literal, a module constant, an entry of a module-level
        dict of integers (with a computed key: an integer of unknown value)."""
        value = int_value(expr)
        if value is not None:
            return True, value
        if isinstance(expr, cst.Name):
            constant = module_constant(self.ctx, expr)
            if constant is not None and not constant.is_dict:
                return True, int_value(constant.value)
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name):
            constant = module_constant(self.ctx, expr.value)
            if constant is not None and constant.is_dict:
                key = expr.slice[0].slice.value if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index) else None
                found = constant.entries().get(key_of(key)) if key is not None else None
                return True, int_value(found) if found is not None else None
        return False, None

    def is_text(self, expr: cst.CSTNode, depth: int = 0) -> bool:
        """Is this JSON text: a string, ``json.dumps(...)``, a local bound to one, a helper returning one?"""
        ctx = self.ctx
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return not (isinstance(expr, cst.SimpleString) and "b" in expr.prefix.lower())
        if isinstance(expr, cst.Call):
            if ctx.imported_qname(expr.func) == "json.dumps":
                return True
            fdef = module_function(ctx, expr.func)
            if fdef is not None and depth < 3:
                returns, _ = returns_of(fdef)
                return any(r.value is not None and self.is_text(r.value, depth + 1) for r in returns)
            return False
        if isinstance(expr, cst.Name) and depth < 3:
            try:
                value, _statement, _a, _uses = single_local(ctx, expr, cst.BaseExpression)
            except Unconvertible:
                return False
            return self.is_text(value, depth + 1)
        return False

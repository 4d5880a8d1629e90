"""Calls of the v3 ``host`` interface → ``host_io`` (RB101–RB113).

Renames follow the rule table; integer codes become enum members (RB103,
RB107, RB907); keyword arguments follow renamed parameters (RB108, RB109);
telemetry payloads become typed records (:mod:`.payloads`, RB104–RB106, RB901).
A call that cannot be converted is left exactly as it is, with its v3 import.
"""

from __future__ import annotations

import libcst as cst

from ...ruletable import kebab
from .context import MigrationContext
from .imports import ImportPlanner
from .payloads import PayloadConverter, Unconvertible, unwrap
from .names import IMPORTS
from .resolve import Ref, dotted
from .codes import CodeArgs, NotACode
from .helpers import PayloadHelpers, convert_returns
from .syntax import call_args, is_simple


def v4_ref(planner: ImportPlanner, ref: Ref, module: str, name: str) -> cst.BaseExpression:
    """The v4 spelling of a reference, in the style of the original one."""
    b = ref.binding
    if ref.style == "bare":
        return planner.name_ref(module, name, b if b is not None and b.kind == "name-from" else None)
    chain = dotted(ref.module_node) if b is None and isinstance(ref.module_node, cst.Attribute) else None
    if chain is not None and chain.startswith(IMPORTS + "."):
        # reached through a package binding (`import wit_world` + `wit_world.imports.host.log`): same chain
        return cst.parse_expression(f"{IMPORTS}.{module}.{name}")
    origin = b if b is not None and ref.module == "host" else None
    return cst.Attribute(planner.module_ref(module, origin), cst.Name(name))


class HostCallTransform:
    def __init__(self, ctx: MigrationContext, planner: ImportPlanner, payloads: PayloadConverter):
        self.ctx = ctx
        self.planner = planner
        self.payloads = payloads
        self.codes = CodeArgs(ctx)
        self.helpers = PayloadHelpers(ctx)
        self.converted: set = set()

    def run(self, refs: list[Ref]) -> None:
        self.codes.prepare(refs)
        self.helpers.prepare(refs, self._kind_of)
        for ref in refs:
            if ref.module == "host" and ref.item in self.ctx.names.host_functions:
                self.visit(ref)
            elif ref.module == "host":
                self.ctx.finding(ref.node, "RB010", f"`{ref.item}` is not a function of the v3 host interface",
                                 "Rewrite this reference against `host_io` by hand.")
                self.left(ref)
        self.payloads.finish()
        self.codes.finish(self.planner, lambda spec: spec.rule_id)

    def left(self, ref: Ref) -> None:
        self.ctx.leave_as_is(ref.node)
        self.planner.keep(ref.binding)

    def visit(self, ref: Ref) -> None:
        ctx = self.ctx
        fn = ctx.names.host_functions[ref.item]
        reshaped = fn.v3 in ctx.names.payloads  # v4 takes one typed record (`[rule.payload]`)
        coded = kebab(fn.v3) in ctx.fctx.rules.integer_codes
        parent = ctx.parent(ref.node)
        new_func = lambda: v4_ref(self.planner, ref, fn.v4_module, fn.v4)  # noqa: E731
        if not (isinstance(parent, cst.Call) and parent.func is ref.node):
            if reshaped or coded:
                ctx.finding(ref.node, fn.rule_id if reshaped else "RB907",
                            f"`{fn.v3}` is used as a value; its v4 form `{fn.v4}` takes other arguments",
                            f"Call `host_io.{fn.v4}` with the v4 arguments at each use.")
                self.left(ref)
                return
            ctx.replace_with(ref.node, fn.rule_id, new_func())
            return
        call = parent
        bound = call_args(call, fn.params)
        if bound is None or any(k not in fn.params for k in bound):
            ctx.finding(call, "RB901" if reshaped else fn.rule_id,
                        f"`{fn.v3}` is called with `*args`/`**kwargs` or unknown keywords",
                        f"Call `{fn.v4}` with explicit v4 arguments.")
            self.left(ref)
            return
        try:
            if reshaped:
                self._reshaped(ref, fn, call, bound, new_func)
                return
            code = self._code(fn.v3, bound)
        except Unconvertible as exc:
            rule = "RB907" if getattr(exc, "code", False) else "RB901"
            ctx.finding(exc.node, rule, f"`{fn.v3}`: {exc.message}",
                        "Build the v4 argument by hand (an enum member or a typed record).")
            self.left(ref)
            return
        ctx.replace_with(ref.node, fn.rule_id, new_func())
        if code is not None and code[0] is not None:
            node, member, rule = code
            ctx.replace_with(node, rule, self.planner.member(member))
        for name, arg in bound.items():
            if arg.keyword is not None and (fn.v3, name) in ctx.names.params:
                new, rule = ctx.names.params[(fn.v3, name)]
                ctx.replace_with(arg.keyword, rule, cst.Name(new))
        if fn.v3 == "log":
            ctx.string_slots.add(bound["msg"].value) if "msg" in bound else None

    def _code(self, function: str, bound: dict[str, cst.Arg]):
        spec = self.ctx.fctx.rules.integer_codes.get(kebab(function))
        if spec is None:
            return None
        arg = bound.get(spec.param)
        if arg is None:
            return None
        try:
            code = self.codes.resolve(spec, arg.value)
        except NotACode as exc:
            error = Unconvertible(exc.node, exc.message)
            error.code = True
            raise error from None
        return code.replace, code.member, spec.rule_id

    def _kind_of(self, function: str, call: cst.Call):
        fn = self.ctx.names.host_functions[function]
        bound = call_args(call, fn.params)
        code = self._code(function, bound) if bound is not None else None
        return code[1] if code is not None else None

    def _reshaped(self, ref: Ref, fn, call: cst.Call, bound: dict[str, cst.Arg], new_func) -> None:
        """``new_func()`` (the v4 callee, which records its import) is asked for only once the call converts."""
        ctx = self.ctx
        payload = ctx.names.payloads[fn.v3]
        if payload.v3_form == "arguments":
            build = self.payloads.dlq(call, bound, fn.params)
            func = new_func()
            ctx.replace(call, fn.rule_id, lambda u: u.with_changes(func=func, args=[cst.Arg(build())]))
            return
        found = self.helpers.helper_for(call)
        if found is not None:
            helper, helper_call = found
            if helper.problem:
                raise Unconvertible(helper_call, f"the payload helper `{helper.fdef.name.value}`: {helper.problem}")
            if helper not in self.converted:
                self.converted.add(helper)
                if payload.record == "checkpoint-event":
                    convert_returns(ctx, helper, lambda src, env: self.payloads.checkpoint(src, env, helper.kind), fn.rule_id)
                else:
                    convert_returns(ctx, helper, lambda src, env: self.payloads.metric(src), fn.rule_id)
            func = new_func()
            ctx.replace(call, fn.rule_id, lambda u: u.with_changes(func=func, args=[cst.Arg(ctx.new(helper_call))]))
            return
        payload_arg = bound.get("payload_json")
        if payload_arg is None:
            raise Unconvertible(call, "the payload argument is missing")
        member = None
        coded = kebab(fn.v3) in ctx.fctx.rules.integer_codes
        if coded and ctx.fctx.rules.integer_codes[kebab(fn.v3)].param in bound:
            try:
                member = self._code(fn.v3, bound)[1]
            except Unconvertible:
                # a non-literal kind: the payload's "kind" string may still name it; the argument is dropped
                if not is_simple(bound["kind"].value):
                    raise
                member = None
        src, envelope = unwrap(ctx, payload_arg.value)
        if payload.record == "checkpoint-event":
            build = self.payloads.checkpoint(src, envelope, member)
        else:
            build = self.payloads.metric(src)
        rule = fn.rule_id
        func = new_func()
        if src.name is not None:
            # the dict is bound to a local: the literal becomes the record, the call passes the local
            ctx.replace(src.node, rule, lambda _u: build())
            inner = src.name
            ctx.replace(call, rule, lambda u: u.with_changes(func=func, args=[cst.Arg(ctx.new(inner))]))
        else:
            ctx.replace(call, rule, lambda u: u.with_changes(func=func, args=[cst.Arg(build())]))
        if envelope is not None and envelope.statement is not None:
            ctx.delete(envelope.statement, rule)

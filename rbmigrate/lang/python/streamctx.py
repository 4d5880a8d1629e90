"""The decoded stream context → the typed ``request.stream`` (RB501, RB502, RB905, RB908).

A small abstract interpreter follows the dict that ``json.loads(ctx_json)``
returns in a moved ``run_*`` body: through single-assignment locals, literal
subscripts and ``.get("key")`` calls, ``or {...}`` defaults, helper functions
of the same module that receive it (or a part of it) as a parameter or return
a part of it, and ``for`` loops over the schema columns. Every access it can
prove becomes attribute access on the typed record, following the key table of
`[[rule.context-key]]` (rules/python.toml); string values that are enums in v4 are compared and formatted
as enum members. Every other use is a finding, and the code is left as it is.

Helpers that need a field of the run request (``limits.max_records`` →
``request.max_records``) receive the request instead of the stream record;
the analysis reruns until that choice is stable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import Assignment

from ...ruletable import kebab
from .context import MigrationContext
from .imports import ImportPlanner
from .payloads import _break, _too_long
from .syntax import attr, is_none, is_simple, string_value

RULE = "RB501"
ENUM_RULE = "RB502"
FINDING = "RB905"
STEP = "Rewrite this use against `request.stream` (the typed stream-context record) by hand."

DICTLIKE = {"record", "optional", "virtual", "presence", "schema", "columns"}
MATERIAL = {"record", "optional", "schema", "columns"}


def spec(table: dict, path: tuple[str, ...]) -> tuple[str | None, str, bool] | None:
    """(template, kind, optional) of a v3 key path in ``table`` (``ProtocolNames.stream_context``),
    or None when the key is unknown."""
    entry = table.get(".".join(path))
    if entry is None:
        return None
    template, kind = entry
    optional = kind.endswith("?")
    return template, kind.rstrip("?"), optional


def describe(path: tuple[str, ...]) -> str:
    if not path:
        return "the stream context dict"
    return "ctx" + "".join(f"[{p!r}]" if p != "[]" else "[i]" for p in path)


@dataclass(frozen=True)
class Anchor:
    """The nearest value that exists in v4 as an expression."""

    kind: str  # seed (json.loads → request.stream) | holder | request | call
    path: tuple[str, ...]
    name: str = ""
    binding: object = None
    node: cst.CSTNode | None = None
    pure: bool = True


@dataclass(frozen=True)
class Val:
    path: tuple[str, ...]
    anchor: Anchor
    dict_default: cst.Dict | None = None  # `(x or {...})`
    fallback: cst.CSTNode | None = None  # leaf default (from the dict default or `.get(k, d)`)
    guard: tuple[str, ...] | None = None  # optional parent reached through `or {}`
    opaque: bool = False  # computed by a helper (not rendered here)


@dataclass
class Terminal:
    val: Val
    role: str = "value"  # value | request (the argument of a helper that receives the request)


class Unrenderable(Exception):
    def __init__(self, message: str, needs_request: bool = False):
        super().__init__(message)
        self.message = message
        self.needs_request = needs_request


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def _template_expr(template: str) -> tuple[cst.BaseExpression, dict[str, str]]:
    tokens: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        token = f"__rb_{len(tokens)}__"
        tokens[token] = m.group(1)
        return token

    return cst.parse_expression(_PLACEHOLDER.sub(repl, template)), tokens


class _Substitute(cst.CSTTransformer):
    def __init__(self, values: dict[str, cst.BaseExpression]):
        self.values = values

    def leave_Name(self, original, updated):
        return self.values.get(updated.value, updated)


def _paren(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, (cst.IfExp, cst.BooleanOperation, cst.BinaryOperation)) and not expr.lpar:
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr


class Analysis:
    """One pass of the interpreter, given which helper parameters are blacklisted or receive the request."""

    def __init__(self, ctx: MigrationContext, planner: ImportPlanner, blacklist: set, request_params: set):
        self.ctx = ctx
        self.planner = planner
        self.blacklist = blacklist
        self.request_params = request_params
        self.moved = ctx.shared.get("moved", {})
        self.terminals: dict[cst.CSTNode, Terminal] = {}
        self.findings: list[tuple[cst.CSTNode, str, str]] = []
        self.deletions: list[cst.CSTNode] = []
        self.enum_literals: dict[cst.CSTNode, object] = {}
        self.enum_wrap: set[cst.CSTNode] = set()
        self.param_paths: dict[tuple, tuple[str, ...]] = {}
        self.param_sites: dict[tuple, list] = {}
        self.returns: dict[cst.FunctionDef, Val] = {}
        self.calls: dict[cst.FunctionDef, list[cst.Call]] = {}
        self.conflicts: set[tuple] = set()
        self.needs_request: set[tuple] = set()
        self.seen: set = set()

    # --- entry --------------------------------------------------------------------------

    def run(self) -> None:
        for fdef, moved in self.moved.items():
            if moved.param is None:
                continue
            assignment = self._param_assignment(fdef, moved.param)
            if assignment is None:
                continue
            for ref in assignment.references:
                node = ref.node
                call = self.ctx.parent(self.ctx.parent(node))
                if isinstance(call, cst.Call) and self.ctx.imported_qname(call.func) == "json.loads" \
                        and len(call.args) == 1 and call.args[0].value is node:
                    self.flow(call, Val((), Anchor("seed", ())))
                else:
                    self.find(node, FINDING, f"`{moved.param.name.value}` is used other than by `json.loads(...)`; "
                              "the moved body receives `request` instead")
        for fdef in list(self.returns):
            self._return_sites(fdef)
        self._check_request()
        self._check_callers()

    def _check_callers(self) -> None:
        """A helper whose parameter takes the record must receive it at every call site."""
        for (fdef, pname), sites in self.param_sites.items():
            passed = {node for _call, _arg, node, _val in sites}
            scope = self.ctx.scope(fdef)
            found = [a for a in scope.assignments[fdef.name.value] if a.node is fdef] if scope is not None else []
            for a in found:
                for ref in a.references:
                    call = self.ctx.parent(ref.node)
                    param_args = [arg for arg in call.args if self._param(fdef, call, arg) is not None
                                  and self._param(fdef, call, arg).name.value == pname]
                    if not param_args or param_args[0].value not in passed:
                        self.conflicts.add((fdef, pname))

    def find(self, node: cst.CSTNode, rule: str, message: str) -> None:
        self.findings.append((node, rule, message))

    # --- the interpreter ------------------------------------------------------------------

    def flow(self, node: cst.CSTNode, val: Val) -> None:
        key = (node, val)
        if key in self.seen:
            return
        self.seen.add(key)
        ctx = self.ctx
        entry = spec(self.ctx.names.stream_context, val.path)
        if entry is None:
            self.find(node, FINDING, f"{describe(val.path)} has no v4 counterpart (unknown key)")
            return
        _template, kind, _optional = entry
        if kind == "arrow":
            self.find(node, "RB908", "the v3 schema `format` has no v4 counterpart: the v4 schema is always a column list")
            return
        parent = ctx.parent(node)
        dictlike = kind in DICTLIKE
        if dictlike and isinstance(parent, cst.Subscript) and parent.value is node:
            key_text = _literal_key(parent)
            if key_text is None:
                self.find(parent, FINDING, f"{describe(val.path)} is indexed with a computed key")
                return
            self.flow(parent, self.child(val, key_text))
            return
        if dictlike and isinstance(parent, cst.Attribute) and parent.value is node:
            call = ctx.parent(parent)
            if parent.attr.value == "get" and isinstance(call, cst.Call) and call.func is parent:
                key_text, default = _get_args(call)
                if key_text is None:
                    self.find(call, FINDING, f"{describe(val.path)}.get(...) with a computed key")
                    return
                self.flow(call, self.child(val, key_text, default))
                return
            self.find(parent, FINDING, f"`.{parent.attr.value}` on {describe(val.path)} has no v4 counterpart")
            return
        if not dictlike:
            self.leaf(node, val, kind)
            return
        self.dict_use(node, val, kind, parent)

    def child(self, val: Val, key: str, get_default: cst.CSTNode | None = None) -> Val:
        path = val.path + (key,)
        parent = spec(self.ctx.names.stream_context, val.path)
        parent_kind = parent[1] if parent else ""
        fallback = None
        guard = None
        if val.dict_default is not None:
            for el in val.dict_default.elements:
                if isinstance(el, cst.DictElement) and string_value(el.key) == key:
                    fallback = el.value
            if parent_kind == "optional":
                guard = val.path
        if fallback is None and get_default is not None and not is_none(get_default):
            fallback = get_default
        anchor = val.anchor
        return Val(path, anchor, fallback=fallback, guard=guard)

    def leaf(self, node: cst.CSTNode, val: Val, kind: str) -> None:
        if not val.opaque:
            self.terminal(node, val)
        if kind.startswith("enum:"):
            self.enum_flow(node, kind[5:], spec(self.ctx.names.stream_context, val.path)[2] and val.fallback is None)
        parent = self.ctx.parent(node)
        if isinstance(parent, cst.Return) and not val.opaque:
            self.returned(parent, node, val)
        elif isinstance(parent, cst.Assign) and not kind.startswith("enum:"):
            pass  # a plain value: nothing more to follow

    def dict_use(self, node, val: Val, kind: str, parent) -> None:
        ctx = self.ctx
        if isinstance(parent, cst.Assign) and parent.value is node:
            self.bind_local(parent, node, val, kind)
            return
        if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is node \
                and isinstance(parent.right, cst.Dict):
            self.flow(parent, replace(val, dict_default=parent.right))
            return
        if isinstance(parent, cst.Arg) and isinstance(ctx.parent(parent), cst.Call) and parent.value is node:
            self.helper_arg(ctx.parent(parent), parent, node, val, kind)
            return
        if isinstance(parent, cst.Return) and parent.value is node:
            self.returned(parent, node, val)
            return
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            self.iterate(parent, node, val, kind)
            return
        if _is_test(ctx, node, parent):
            if kind == "virtual":
                self.find(node, FINDING, f"{describe(val.path)} has no v4 counterpart; only its keys do")
                return
            self.terminal(node, val)
            return
        self.find(node, FINDING, f"{describe(val.path)} is used in a way the typed record does not support "
                  "(passed on, stored, iterated or compared)")

    # --- locals ---------------------------------------------------------------------------

    def _single_assignment(self, target: cst.CSTNode):
        scope = self.ctx.scope(target)
        if scope is None or not isinstance(target, cst.Name):
            return None
        found = [a for a in scope.assignments[target.value]]
        if len(found) != 1 or not isinstance(found[0], Assignment) or found[0].node is not target:
            return None
        return found[0]

    def bind_local(self, assign: cst.Assign, node, val: Val, kind: str) -> None:
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            self.find(node, FINDING, f"{describe(val.path)} is unpacked or assigned to several targets")
            return
        target = assign.targets[0].target
        a = self._single_assignment(target)
        if a is None:
            self.find(target, FINDING, f"`{target.value}` holds {describe(val.path)} but is assigned more than once")
            return
        if kind in MATERIAL or val.path == ():
            anchor = Anchor("holder", val.path, target.value, a)
            self.terminal(node, val)
            for ref in a.references:
                self.flow(ref.node, Val(val.path, anchor))
            return
        statement = self.ctx.parent(assign)
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1) or not _droppable(node):
            self.find(node, FINDING, f"`{target.value}` holds {describe(val.path)}, which has no v4 counterpart")
            return
        self.deletions.append(statement)
        for ref in a.references:
            self.flow(ref.node, replace(val, fallback=None))

    def iterate(self, loop, node, val: Val, kind: str) -> None:
        if kind != "columns":
            self.find(node, FINDING, f"{describe(val.path)} is iterated (a dict in v3, a record in v4)")
            return
        a = self._single_assignment(loop.target)
        if a is None:
            self.find(loop.target, FINDING, "the loop variable over the schema columns is not a plain name used once")
            return
        self.terminal(node, val)
        anchor = Anchor("holder", val.path + ("[]",), loop.target.value, a)
        for ref in a.references:
            self.flow(ref.node, Val(val.path + ("[]",), anchor))

    # --- helpers ----------------------------------------------------------------------------

    def _param_assignment(self, fdef: cst.FunctionDef, param: cst.Param):
        body = fdef.body.body if isinstance(fdef.body, cst.IndentedBlock) else fdef.body.body
        scope = self.ctx.scope(body[0]) if body else None
        if scope is None:
            return None
        for a in scope.assignments[param.name.value]:
            if a.node is param:
                return a
        return None

    def _callee(self, call: cst.Call) -> cst.FunctionDef | None:
        func = call.func
        if not isinstance(func, cst.Name):
            return None
        scope = self.ctx.scope(func)
        found = list(scope[func.value]) if scope is not None else []
        if len(found) != 1 or not isinstance(found[0], Assignment) or not isinstance(found[0].node, cst.FunctionDef):
            return None
        fdef = found[0].node
        for ref in found[0].references:
            parent = self.ctx.parent(ref.node)
            if not (isinstance(parent, cst.Call) and parent.func is ref.node):
                return None  # the function is also used as a value: callers cannot all be seen
        if isinstance(self.ctx.parent(self.ctx.parent(fdef)), cst.ClassDef):
            return None
        return fdef

    def _param(self, fdef: cst.FunctionDef, call: cst.Call, arg: cst.Arg) -> cst.Param | None:
        p = fdef.params
        if p.star_arg is not cst.MaybeSentinel.DEFAULT or p.star_kwarg is not None or any(a.star for a in call.args):
            return None
        positional = list(p.posonly_params) + list(p.params)
        if arg.keyword is None:
            index = [a for a in call.args if a.keyword is None].index(arg)
            return positional[index] if index < len(positional) else None
        for param in positional + list(p.kwonly_params):
            if param.name.value == arg.keyword.value:
                return param
        return None

    def helper_arg(self, call: cst.Call, arg: cst.Arg, node, val: Val, kind: str) -> None:
        fdef = self._callee(call)
        param = self._param(fdef, call, arg) if fdef is not None else None
        name = self.ctx.code(call.func)
        if param is None:
            self.find(node, FINDING, f"{describe(val.path)} is passed to `{name}`, which the codemod cannot follow")
            return
        key = (fdef, param.name.value)
        if key in self.blacklist:
            self.find(node, FINDING, f"`{name}` receives {describe(val.path)} and other values; it cannot take the record")
            return
        if kind == "virtual" or val.dict_default is not None and kind != "record":
            self.find(node, FINDING, f"{describe(val.path)} has no v4 counterpart and cannot be passed to `{name}`")
            return
        previous = self.param_paths.get(key)
        if previous is not None and previous != val.path:
            self.conflicts.add(key)
            return
        self.param_paths[key] = val.path
        self.param_sites.setdefault(key, []).append((call, arg, node, val))
        role = "request" if key in self.request_params and val.path == () else "value"
        self.terminals[node] = Terminal(val, role)
        self.calls.setdefault(fdef, [])
        if call not in self.calls[fdef]:
            self.calls[fdef].append(call)
        if previous is None:
            a = self._param_assignment(fdef, param)
            if a is None:
                return
            kind_anchor = "request" if key in self.request_params and val.path == () else "holder"
            anchor = Anchor(kind_anchor, val.path, param.name.value, a)
            for ref in a.references:
                self.flow(ref.node, Val(val.path, anchor))
        if fdef in self.returns:
            self._call_result(call, fdef)

    def returned(self, ret: cst.Return, node, val: Val) -> None:
        fdef = next((a for a in self.ctx.ancestors(ret) if isinstance(a, (cst.FunctionDef, cst.Lambda))), None)
        if not isinstance(fdef, cst.FunctionDef) or val.anchor.kind not in ("holder", "request", "call") \
                or fdef in self.moved:
            self.find(node, FINDING, f"{describe(val.path)} is returned where the codemod cannot follow it")
            return
        previous = self.returns.get(fdef)
        if previous is not None and previous.path != val.path:
            self.find(node, FINDING, f"`{fdef.name.value}` returns different parts of the stream context")
            return
        entry = spec(self.ctx.names.stream_context, val.path)
        if entry[1] in ("virtual", "presence"):
            self.find(node, FINDING, f"`{fdef.name.value}` returns {describe(val.path)}, which has no v4 counterpart")
            return
        if entry[1] in MATERIAL:
            self.terminal(node, val)
        self.returns[fdef] = val
        self._return_sites(fdef)

    def _return_sites(self, fdef: cst.FunctionDef) -> None:
        for call in list(self.calls.get(fdef, [])):
            self._call_result(call, fdef)

    def _call_result(self, call: cst.Call, fdef: cst.FunctionDef) -> None:
        ret = self.returns[fdef]
        kind = spec(self.ctx.names.stream_context, ret.path)[1]
        if kind in MATERIAL:
            anchor = Anchor("call", ret.path, node=call, pure=_is_pure(fdef))
            self.flow(call, Val(ret.path, anchor))
        else:
            self.flow(call, Val(ret.path, ret.anchor, opaque=True))

    # --- enums ----------------------------------------------------------------------------------

    def enum_flow(self, node, enum: str, optional: bool) -> None:
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.ComparisonTarget):
            parent = ctx.parent(parent)
        if isinstance(parent, cst.Comparison):
            self.enum_compare(parent, node, enum)
            return
        if isinstance(parent, cst.Assign) and parent.value is node:
            if len(parent.targets) != 1 or not isinstance(parent.targets[0].target, cst.Name):
                self.find(node, ENUM_RULE, "an enum-valued string is unpacked")
                return
            a = self._single_assignment(parent.targets[0].target)
            if a is None:
                self.find(parent.targets[0].target, ENUM_RULE,
                          "an enum-valued string is held by a variable that is assigned more than once")
                return
            for ref in a.references:
                self.enum_flow(ref.node, enum, optional)
            return
        if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is node:
            if string_value(parent.right) is not None and self.enum_literal(parent.right, enum):
                self.enum_flow(parent, enum, False)
            return
        if isinstance(parent, cst.Return):
            return  # followed at the helper's call sites
        if _is_test(ctx, node, parent) and optional:
            return
        if self.string_context(node, parent):
            if optional:
                self.find(node, ENUM_RULE, "an optional enum value (none when absent) is used as text")
                return
            self.enum_wrap.add(node)
            return
        self.find(node, ENUM_RULE, "a string that is an enum member in v4 flows where the codemod cannot follow it")

    def enum_compare(self, comparison: cst.Comparison, node, enum: str) -> None:
        targets = comparison.comparisons
        if comparison.left is node:
            for target in targets:
                op = target.operator
                if isinstance(op, (cst.Equal, cst.NotEqual)):
                    if string_value(target.comparator) is None:
                        self.find(target.comparator, ENUM_RULE, "an enum-valued string is compared with a non-literal")
                        continue
                    self.enum_literal(target.comparator, enum)
                elif isinstance(op, (cst.In, cst.NotIn)) and isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
                    for el in target.comparator.elements:
                        if string_value(el.value) is None:
                            self.find(el.value, ENUM_RULE, "an enum-valued string is compared with a non-literal")
                        else:
                            self.enum_literal(el.value, enum)
                elif isinstance(op, (cst.Is, cst.IsNot)) and is_none(target.comparator):
                    continue
                else:
                    self.find(target, ENUM_RULE, "an enum-valued string is compared in a way the codemod cannot follow")
                break
            return
        if len(targets) == 1 and targets[0].comparator is node and isinstance(targets[0].operator, (cst.Equal, cst.NotEqual)) \
                and string_value(comparison.left) is not None:
            self.enum_literal(comparison.left, enum)
            return
        self.find(node, ENUM_RULE, "an enum-valued string is compared in a way the codemod cannot follow")

    def enum_literal(self, literal: cst.CSTNode, enum: str) -> bool:
        text = string_value(literal)
        try:
            member = self.ctx.names.member(enum, kebab(text))
        except KeyError:
            self.find(literal, ENUM_RULE, f"{text!r} is not a member of the v4 enum `{enum}`")
            return False
        self.enum_literals[literal] = member
        return True

    def string_context(self, node, parent) -> bool:
        ctx = self.ctx
        if node in ctx.string_slots:
            return True
        if isinstance(parent, cst.FormattedStringExpression) and parent.expression is node:
            return True
        if isinstance(parent, cst.BinaryOperation):
            other = parent.left if parent.right is node else parent.right
            if isinstance(parent.operator, cst.Modulo) and parent.right is node and _stringish(parent.left):
                return True
            if isinstance(parent.operator, cst.Add) and _stringish(other):
                return True
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), cst.Tuple):
            tup = ctx.parent(parent)
            op = ctx.parent(tup)
            if isinstance(op, cst.BinaryOperation) and isinstance(op.operator, cst.Modulo) and op.right is tup \
                    and _stringish(op.left):
                return True
        if isinstance(parent, cst.Arg) and isinstance(ctx.parent(parent), cst.Call):
            call = ctx.parent(parent)
            if isinstance(call.func, cst.Name) and call.func.value == "str" and not ctx.qnames(call.func) - {_builtin("str")}:
                return True
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "format" and _stringish(call.func.value):
                return True
        return False

    # --- rendering --------------------------------------------------------------------------------

    def terminal(self, node, val: Val) -> None:
        if node not in self.terminals:
            self.terminals[node] = Terminal(val)

    def env(self, node) -> tuple[cst.BaseExpression | None, str | None]:
        """(request expression, or None; the helper parameter that could receive it)."""
        candidate = None
        for anc in self.ctx.ancestors(node):
            if not isinstance(anc, cst.FunctionDef):
                continue
            moved = self.moved.get(anc)
            if moved is not None and moved.param is not None:
                return cst.Name("request"), None
            for (fdef, pname), path in self.param_paths.items():
                if fdef is anc and path == ():
                    if (fdef, pname) in self.request_params:
                        return cst.Name(pname), None
                    candidate = candidate or (fdef, pname)
        return None, candidate

    def _visible(self, node, anchor: Anchor) -> bool:
        scope = self.ctx.scope(node)
        if scope is None:
            return False
        return set(scope[anchor.name]) == {anchor.binding}

    def resolve(self, node, val: Val, placeholder: str, used: list) -> cst.BaseExpression:
        anchor = val.anchor
        if placeholder == "request":
            if anchor.kind == "request" and anchor.path == ():
                used.append(True)
                return self._anchor_expr(node, anchor)
            req, candidate = self.env(node)
            if req is None:
                if candidate is not None:
                    raise _NeedsRequest(candidate)
                raise Unrenderable("`request.max_records` (v3 `limits.max_records`) is not reachable here")
            return req
        path = () if placeholder == "stream" else tuple(placeholder.split("."))
        if anchor.path == path:
            used.append(True)
            if anchor.kind == "request":
                return cst.Attribute(self._anchor_expr(node, anchor), cst.Name("stream"))
            if anchor.kind == "seed":
                req, _ = self.env(node)
                if req is None:
                    raise Unrenderable("the moved body has no request")
                return cst.Attribute(req, cst.Name("stream"))
            return self._anchor_expr(node, anchor)
        if path == ():
            req, candidate = self.env(node)
            if req is None:
                if candidate is not None:
                    raise _NeedsRequest(candidate)
                raise Unrenderable("the stream record is not reachable here")
            return cst.Attribute(req, cst.Name("stream"))
        entry = spec(self.ctx.names.stream_context, path)
        if entry is None or entry[0] is None:
            raise Unrenderable(f"{describe(path)} has no v4 counterpart")
        return self.expand(node, replace(val, fallback=None, guard=None), entry[0], used)

    def _anchor_expr(self, node, anchor: Anchor) -> cst.BaseExpression:
        if anchor.kind == "call":
            return _Deferred(self.ctx, anchor.node)
        if not self._visible(node, anchor):
            raise Unrenderable(f"`{anchor.name}` is not visible here")
        return cst.Name(anchor.name)

    def expand(self, node, val: Val, template: str, used: list) -> cst.BaseExpression:
        expr, tokens = _template_expr(template)
        values = {token: self.resolve(node, val, ph, used) for token, ph in tokens.items()}
        if "json" in _names_in(expr):
            values["json"] = self.planner.stdlib("json")
        return _Lazy(expr, values)

    def render(self, node, term: Terminal):
        """A builder for the v4 expression of a terminal; raises Unrenderable."""
        val = term.val
        if term.role == "request":
            req, candidate = self.env(node)
            if req is None:
                if candidate is not None:
                    raise _NeedsRequest(candidate)
                raise Unrenderable("the run request is not reachable here")
            return lambda: req
        template, kind, optional = spec(self.ctx.names.stream_context, val.path)
        if template is None:
            raise Unrenderable(f"{describe(val.path)} has no v4 counterpart")
        used: list = []
        if val.anchor.path == val.path and val.anchor.kind in ("holder", "call"):
            template = "{" + (".".join(val.path) or "stream") + "}"  # the value is its own anchor
        expr = self.expand(node, val, template, used)
        if val.anchor.kind == "call" and not used and not val.anchor.pure:
            raise Unrenderable("the helper call that computes this part of the context would be dropped")
        guard_expr = None
        if val.guard is not None:
            guard_template = spec(self.ctx.names.stream_context, val.guard)[0]
            guard_expr = self.expand(node, replace(val, fallback=None, guard=None), guard_template, [])
        fallback = None  # () -> expression
        if val.fallback is not None and (val.guard is not None or optional):
            if kind.startswith("enum:"):
                text = string_value(val.fallback)
                if text is None:
                    raise Unrenderable("the default of an enum-valued key is not a string literal")
                try:
                    member = self.planner.member(self.ctx.names.member(kind[5:], kebab(text)))
                except KeyError:
                    raise Unrenderable(f"{text!r} is not a member of `{kind[5:]}`") from None
                fallback = lambda: member  # noqa: E731
            elif not is_simple(val.fallback):
                raise Unrenderable("the default value has side effects")
            else:
                fallback = lambda: self.ctx.new(val.fallback)  # noqa: E731
        json_ref = self.planner.stdlib("json") if kind == "json" else None
        wrap = node in self.enum_wrap
        ctx = self.ctx

        def build() -> cst.BaseExpression:
            out = expr.build()
            if json_ref is not None:
                out = cst.IfExp(
                    test=cst.Comparison(out, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                    body=cst.Call(cst.Attribute(json_ref, cst.Name("loads")), [cst.Arg(out)]),
                    orelse=cst.Name("None"),
                )
            if guard_expr is not None:
                g = guard_expr.build()
                out = cst.IfExp(
                    test=cst.Comparison(g, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                    body=out,
                    orelse=fallback() if fallback is not None else cst.Name("None"),
                )
            elif fallback is not None:
                if kind.startswith("enum:"):
                    out = cst.BooleanOperation(left=_paren(out), operator=cst.Or(), right=fallback())
                elif isinstance(out, cst.IfExp) and is_none(out.orelse):
                    out = out.with_changes(orelse=fallback())  # `(x.y if x is not None else None)`: default in place
                else:
                    out = cst.IfExp(
                        test=cst.Comparison(out, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                        body=out, orelse=fallback(),
                    )
            if wrap:
                out = cst.Call(attr(_paren(out), "name", "lower"))
            if _needs_parens(ctx, node):
                out = _paren(out)
            if isinstance(out, (cst.IfExp, cst.BooleanOperation)) and out.lpar and _too_long(ctx, node, out):
                statement = next(a for a in ctx.ancestors(node) if isinstance(a, cst.BaseStatement))
                base = ctx.line_indent(statement)
                out = out.with_changes(
                    lpar=[cst.LeftParen(whitespace_after=_break(base + ctx.indent))],
                    rpar=[cst.RightParen(whitespace_before=_break(base))],
                )
            return out

        return build

    def _check_request(self) -> None:
        for node, term in self.terminals.items():
            try:
                self.render(node, term)
            except _NeedsRequest as need:
                self.needs_request.add(need.param)
            except Unrenderable:
                pass


class _NeedsRequest(Unrenderable):
    def __init__(self, param: tuple):
        super().__init__("needs the run request", needs_request=True)
        self.param = param


class _Deferred:
    """An original node whose transformed version is taken at build time (a helper call)."""

    def __init__(self, ctx: MigrationContext, node: cst.CSTNode):
        self.ctx = ctx
        self.node = node

    def build(self) -> cst.BaseExpression:
        return self.ctx.new(self.node)


class _Lazy:
    """A parsed template whose placeholders are substituted at build time."""

    def __init__(self, expr: cst.BaseExpression, values: dict):
        self.expr = expr
        self.values = values

    def build(self) -> cst.BaseExpression:
        resolved = {t: (v.build() if isinstance(v, (_Lazy, _Deferred)) else v) for t, v in self.values.items()}
        return self.expr.visit(_Substitute(resolved))


def _names_in(expr: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_Name(self, node):
            found.add(node.value)

    expr.visit(V())
    return found


def _literal_key(sub: cst.Subscript) -> str | None:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return None
    return string_value(sub.slice[0].slice.value)


def _get_args(call: cst.Call) -> tuple[str | None, cst.CSTNode | None]:
    args = call.args
    if not args or len(args) > 2 or any(a.keyword is not None or a.star for a in args):
        return None, None
    return string_value(args[0].value), (args[1].value if len(args) == 2 else None)


def _droppable(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.BooleanOperation):
        return _droppable(node.left) and _droppable(node.right)
    if isinstance(node, cst.Dict):
        return all(is_simple(e.value) for e in node.elements if isinstance(e, cst.DictElement))
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
        return _droppable(node.func.value) and all(is_simple(a.value) for a in node.args)
    return is_simple(node)


def _is_pure(fdef: cst.FunctionDef) -> bool:
    body = list(fdef.body.body) if isinstance(fdef.body, cst.IndentedBlock) else list(fdef.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        body = body[1:]
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, cst.SimpleStatementLine):
        stmt = stmt.body[0] if len(stmt.body) == 1 else None
    return isinstance(stmt, cst.Return) and stmt.value is not None and _droppable(stmt.value)


def _is_test(ctx: MigrationContext, node, parent) -> bool:
    if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
        return True
    if isinstance(parent, cst.IfExp) and parent.test is node:
        return True
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    if isinstance(parent, cst.BooleanOperation) and (parent.left is node or parent.right is node):
        grand = ctx.parent(parent)
        return isinstance(grand, (cst.If, cst.While, cst.IfExp, cst.UnaryOperation, cst.BooleanOperation)) \
            and _is_test(ctx, parent, grand)
    if isinstance(parent, cst.Comparison):
        targets = parent.comparisons
        if parent.left is node:
            return all(isinstance(t.operator, (cst.Is, cst.IsNot)) and is_none(t.comparator) for t in targets)
        return len(targets) == 1 and isinstance(targets[0].operator, (cst.Is, cst.IsNot)) and is_none(parent.left)
    return False


def _stringish(node) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def _builtin(name: str):
    from libcst.metadata import QualifiedName, QualifiedNameSource

    return QualifiedName(f"builtins.{name}", QualifiedNameSource.BUILTIN)


def _needs_parens(ctx: MigrationContext, node) -> bool:
    parent = ctx.parent(node)
    return not isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Arg, cst.Element, cst.DictElement,
                                   cst.Expr, cst.FormattedStringExpression, cst.If, cst.While))


@dataclass
class StreamContextTransform:
    ctx: MigrationContext
    planner: ImportPlanner
    rounds: int = field(default=0)

    def run(self) -> None:
        ctx = self.ctx
        if not ctx.shared.get("moved"):
            return
        blacklist: set = set()
        request_params: set = set()
        for _ in range(32):
            analysis = Analysis(ctx, self.planner, blacklist, request_params)
            analysis.run()
            self.rounds += 1
            changed = False
            if analysis.conflicts - blacklist:
                blacklist |= analysis.conflicts
                changed = True
            if analysis.needs_request - request_params:
                request_params |= analysis.needs_request
                changed = True
            if not changed:
                break
        self.emit(analysis)

    def emit(self, a: Analysis) -> None:
        ctx = self.ctx
        for node, rule, message in a.findings:
            ctx.finding(node, rule, message, STEP)
        for node, term in a.terminals.items():
            try:
                build = a.render(node, term)
            except Unrenderable as exc:
                ctx.finding(node, FINDING, f"{describe(term.val.path)}: {exc.message}", STEP)
                continue
            rule = ENUM_RULE if node in a.enum_wrap else RULE
            ctx.replace(node, rule, lambda _u, build=build: build())
        for literal, member in a.enum_literals.items():
            ctx.replace_with(literal, ENUM_RULE, self.planner.member(member))
        for node in a.enum_wrap:
            if node not in a.terminals:
                ctx.replace(node, ENUM_RULE, lambda u: cst.Call(attr(_paren(u), "name", "lower")))
        for statement in a.deletions:
            ctx.delete(statement, RULE)

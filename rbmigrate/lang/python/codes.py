"""Where the integer code of a host call comes from (RB103, RB104, RB107; RB907 when it cannot be told).

A v3 log level, state scope or checkpoint kind is an integer literal, a module-level constant
(``INSTANCE_SCOPE = 2``) or an entry of a module-level literal dict with constant keys
(``LEVEL = {"info": 2, "debug": 3}`` read as ``LEVEL["info"]``). Constants and dicts are folded:

- when every use of the constant (every read of the dict) is the coded argument of a v3 host call of one
  enum, its definition becomes the enum member(s) and the call sites stay as they are;
- otherwise each use site that is a protocol argument becomes the member (a computed key cannot: RB907).

Anything else (a parameter, a constant assigned twice, a dict that is written to) is a finding (RB907).
The same evaluation tells, on v4 code, that an argument is still a v3 integer (:mod:`.v4calls`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ...ruletable import IntegerCodes, kebab
from .context import MigrationContext
from .names import IMPORTS, Member
from .resolve import Ref, dotted
from .syntax import call_args, int_value, string_value

RULE = "RB907"


class NotACode(Exception):
    def __init__(self, node: cst.CSTNode, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


@dataclass(eq=False)
class Constant:
    """A module-level name bound once to an integer literal, or to a literal dict of integer literals."""

    name: str
    target: cst.Name  # the assignment target
    value: cst.BaseExpression  # Integer or Dict
    statement: cst.SimpleStatementLine
    references: set = field(default_factory=set)  # Name nodes reading it
    uses: dict = field(default_factory=dict)  # Name node -> (enum, use expression) for protocol arguments

    @property
    def is_dict(self) -> bool:
        return isinstance(self.value, cst.Dict)

    def entries(self) -> dict[object, cst.Integer]:
        return {_key(el.key): el.value for el in self.value.elements} if self.is_dict else {}


def _key(node: cst.CSTNode) -> object:
    text = string_value(node)
    return text if text is not None else int_value(node)


def module_constant(ctx: MigrationContext, name: cst.Name) -> Constant | None:
    """The module-level constant a name reads, if it is one (bound exactly once, never written through)."""
    found = ctx.shared.setdefault("constants", {})
    scope = ctx.scope(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if len(assignments) != 1 or not hasattr(assignments[0], "references"):
        return None
    a = assignments[0]
    if a in found:
        return found[a]
    found[a] = None
    target = getattr(a, "node", None)  # (a builtin has none)
    assign = ctx.parent(ctx.parent(target)) if isinstance(target, cst.Name) else None
    statement = ctx.parent(assign) if assign is not None else None
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.targets[0].target is target
            and isinstance(statement, cst.SimpleStatementLine) and ctx.parent(statement) is ctx.module
            and len(statement.body) == 1):
        return None
    value = assign.value
    if isinstance(value, cst.Integer):
        pass
    elif isinstance(value, cst.Dict):
        keys = []
        for el in value.elements:
            if not isinstance(el, cst.DictElement) or _key(el.key) is None or not isinstance(el.value, cst.Integer):
                return None
            keys.append(_key(el.key))
        if len(set(keys)) != len(keys) or not keys:
            return None
    else:
        return None
    refs = {r.node for r in a.references}
    if isinstance(value, cst.Dict) and any(_writes_through(ctx, r) for r in refs):
        return None
    constant = found[a] = Constant(name.value, target, value, statement, refs)
    return constant


def _writes_through(ctx: MigrationContext, ref: cst.CSTNode) -> bool:
    """``D[k] = v``, ``del D[k]``, ``D[k] += 1``, ``D.update(...)``: the dict is not a constant."""
    parent = ctx.parent(ref)
    if isinstance(parent, cst.Attribute) and parent.value is ref:
        return parent.attr.value not in ("get", "items", "keys", "values")
    if isinstance(parent, cst.Subscript) and parent.value is ref:
        above = ctx.parent(parent)
        if isinstance(above, (cst.AssignTarget, cst.Del)) or (isinstance(above, cst.AugAssign) and above.target is parent):
            return True
    return False


@dataclass
class Code:
    """What a coded argument is: a v3 integer (``value``), or already a v4 member (``member``), and how to fold it."""

    member: Member | None  # the v4 member it means
    replace: cst.CSTNode | None  # the node to replace with the member (None: nothing at this site)
    constant: Constant | None = None
    integer: bool = True  # a v3 integer (False: already a v4 enum member)


class CodeArgs:
    """The coded arguments of one file's host calls (v3 and v4), decided once for the whole file."""

    def __init__(self, ctx: MigrationContext):
        self.ctx = ctx
        self.codes = ctx.fctx.rules.integer_codes
        self.folded: dict[Constant, str] = {}  # constant -> "definition" | "sites"

    # --- the argument of one call ----------------------------------------------------------

    def coded_arg(self, function: str, call: cst.Call, params: tuple[str, ...]) -> cst.BaseExpression | None:
        spec = self.codes.get(kebab(function))
        bound = call_args(call, params)
        if spec is None or bound is None or spec.param.replace("-", "_") not in bound:
            return None
        return bound[spec.param.replace("-", "_")].value

    def prepare(self, refs: list[Ref]) -> None:
        """Record every protocol use of a constant (a v3 host call's coded argument), then decide each constant."""
        ctx = self.ctx
        host = ctx.names.host_functions
        for ref in refs:
            call = ctx.parent(ref.node)
            if ref.module != "host" or ref.item not in host or not (isinstance(call, cst.Call) and call.func is ref.node):
                continue
            fn = host[ref.item]
            spec = self.codes.get(kebab(fn.v3))
            expr = self.coded_arg(fn.v3, call, fn.params)
            if spec is None or expr is None:
                continue
            found = self._constant_of(expr)
            if found is not None:
                constant, name = found
                constant.uses[name] = (spec, expr)
        for constant in {c for c in ctx.shared.get("constants", {}).values() if c is not None}:
            if constant.uses:
                self.folded[constant] = self._decide(constant)

    def _constant_of(self, expr: cst.CSTNode) -> tuple[Constant, cst.Name] | None:
        if isinstance(expr, cst.Name):
            c = module_constant(self.ctx, expr)
            return (c, expr) if c is not None and not c.is_dict else None
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1 \
                and isinstance(expr.slice[0].slice, cst.Index):
            c = module_constant(self.ctx, expr.value)
            return (c, expr.value) if c is not None and c.is_dict else None
        return None

    def _decide(self, constant: Constant) -> str:
        specs = {spec.enum for spec, _expr in constant.uses.values()}
        if constant.references != set(constant.uses) or len(specs) != 1:
            return "sites"
        spec = next(spec for spec, _ in constant.uses.values())
        values = [constant.value] if not constant.is_dict else list(constant.entries().values())
        if any(spec.case(int_value(v)) is None for v in values):
            return "sites"
        # the member is read at module level where the constant is defined: the v4 import must come first
        first_import = min((self.ctx.span(b)[0] for b in self.ctx.index.nodes(cst.Import, cst.ImportFrom)
                            if _imports_bindings(b)), default=None)
        if first_import is None or self.ctx.span(constant.statement)[0] < first_import:
            return "sites"
        return "definition"

    def resolve(self, spec: IntegerCodes, expr: cst.BaseExpression) -> Code:
        """The v4 member a v3 coded argument means, and what to replace; raises :class:`NotACode`."""
        ctx = self.ctx
        value = int_value(expr)
        if value is not None:
            return Code(self._member(spec, value, expr), expr)
        member = self.v4_member(expr, spec)
        if member is not None:
            return Code(member, None, integer=False)
        found = self._constant_of(expr)
        if found is None:
            raise NotACode(expr, f"the {spec.param} `{ctx.code(expr)}` is not an integer literal, a module-level "
                           "constant or an entry of a module-level literal dict")
        constant, name = found
        if constant.is_dict:
            key = _key(expr.slice[0].slice.value)
            if self.folded.get(constant) == "definition":
                return Code(None, None, constant)
            if key is None or key not in constant.entries():
                raise NotACode(expr, f"the {spec.param} `{ctx.code(expr)}` reads `{constant.name}` with a key that is "
                               f"not a literal of it, and `{constant.name}` has other uses")
            value = int_value(constant.entries()[key])
        else:
            value = int_value(constant.value)
        member = self._member(spec, value, expr)
        if self.folded.get(constant) == "definition":
            return Code(member, None, constant)
        return Code(member, expr, constant)

    def _member(self, spec: IntegerCodes, value: int | None, expr: cst.CSTNode) -> Member:
        case = spec.case(value) if value is not None and value >= 0 else None
        if case is None:
            raise NotACode(expr, f"{value} is not a v3 {spec.param} code")
        return self.ctx.names.member(spec.enum, case)

    def v4_member(self, expr: cst.CSTNode, spec: IntegerCodes) -> Member | None:
        """``core_types.LogLevel.INFO`` (or a constant bound to it): already the v4 member."""
        ctx = self.ctx
        if isinstance(expr, cst.Name):
            scope = ctx.scope(expr)
            assignments = list(scope[expr.value]) if scope is not None else []
            if len(assignments) == 1 and isinstance(getattr(assignments[0], "node", None), cst.Name):
                assign = ctx.parent(ctx.parent(assignments[0].node))
                if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
                    return self._member_expr(assign.value, spec)
            return None
        return self._member_expr(expr, spec)

    def _member_expr(self, expr: cst.CSTNode, spec: IntegerCodes) -> Member | None:
        if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, (cst.Name, cst.Attribute))):
            return None
        q = self.ctx.imported_qname(expr.value)
        if q is None:
            chain = dotted(expr.value)
            q = chain if chain and chain.startswith(IMPORTS + ".") else None
        if q is None:
            return None
        module, _, enum = q.removeprefix(IMPORTS + ".").rpartition(".")
        try:
            member = self.ctx.names.member(spec.enum, kebab_case(expr.attr.value))
        except KeyError:
            return None
        return member if (member.module, member.enum) == (module, enum) else None

    # --- folding -----------------------------------------------------------------------------

    def finish(self, planner, rule_of) -> None:
        """Constants every use of which is a protocol argument: their definition becomes the member(s)."""
        ctx = self.ctx
        for constant, mode in self.folded.items():
            if mode != "definition":
                continue
            spec = next(spec for spec, _ in constant.uses.values())
            rule = rule_of(spec)
            values = [constant.value] if not constant.is_dict else list(constant.entries().values())
            for v in values:
                member = ctx.names.member(spec.enum, spec.case(int_value(v)))
                ctx.replace_with(v, rule, planner.member(member))


def kebab_case(screaming: str) -> str:
    return screaming.lower().replace("_", "-")


def _imports_bindings(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Import):
        return any((dotted(a.name) or "").startswith(IMPORTS) for a in node.names)
    module = dotted(node.module) if node.module is not None else ""
    return bool(module) and (module.startswith(IMPORTS) or module == "wit_world")

"""v3 JSON telemetry payloads → typed v4 records (RB104 checkpoint, RB105 metric, RB106 dlq).

A payload converts only when it is provably a dict literal: written inside
``json.dumps(...)``, or bound to one local variable that has no other use,
optionally wrapped in the v3 envelope. Anything else raises
:class:`Unconvertible`, which the caller turns into an RB901 finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ...ruletable import kebab
from . import tables
from .context import MigrationContext
from .imports import ImportPlanner
from .syntax import is_none, is_simple, kwarg, string_value

DUMPS_KEYWORDS = {"sort_keys", "separators", "ensure_ascii", "indent", "allow_nan"}


class Unconvertible(Exception):
    def __init__(self, node: cst.CSTNode, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


@dataclass
class DictSource:
    node: cst.Dict
    name: cst.Name | None = None  # the variable reference, when the dict is bound to a local
    statement: cst.SimpleStatementLine | None = None  # that variable's assignment

    def elements(self) -> dict[str, cst.DictElement]:
        out: dict[str, cst.DictElement] = {}
        for el in self.node.elements:
            key = string_value(el.key) if isinstance(el, cst.DictElement) else None
            if key is None:
                raise Unconvertible(el, "the payload has a computed key or `**` spread")
            if key in out:
                raise Unconvertible(el, f"the payload repeats the key {key!r}")
            out[key] = el
        return out


def _reaching(ctx: MigrationContext, ref: cst.CSTNode, assignments: list) -> object | None:
    """The assignment whose value ``ref`` reads, for straight-line code; None when it is not certain.

    The nearest textually preceding assignment counts only when its statement
    sits in a block that encloses ``ref`` (so it always runs first), and when no
    loop around ``ref`` re-assigns the name later in its body (a value carried
    over from the previous iteration).
    """
    at = ctx.span(ref)[0]
    before = [a for a in assignments if ctx.span(a.node)[0] < at]
    if not before:
        return None
    a = max(before, key=lambda a: ctx.span(a.node)[0])
    statement = next((s for s in ctx.ancestors(a.node) if isinstance(s, cst.BaseStatement)), None)
    block = ctx.parent(statement)
    ref_ancestors = set(ctx.ancestors(ref))
    if block not in ref_ancestors:
        return None
    for loop in ref_ancestors:
        if isinstance(loop, (cst.For, cst.While)):
            _lo, hi = ctx.span(loop)
            if any(at < ctx.span(b.node)[0] < hi for b in assignments):
                return None  # a later assignment in the loop feeds this use on the next iteration
    return a


def single_local(ctx: MigrationContext, name: cst.Name, kind: type) -> tuple[cst.CSTNode, cst.SimpleStatementLine, object, set]:
    """The value a local holds at ``name``: bound by ``x = <kind literal>`` (certainly the one reaching it).

    Returns (literal, assignment statement, scope assignment, every reference
    that assignment may reach).
    """
    scope = ctx.scope(name)
    assignments = [a for a in (scope[name.value] if scope is not None else []) if hasattr(a, "references")]
    if not assignments or any(not isinstance(getattr(a, "node", None), cst.Name) for a in assignments):
        raise Unconvertible(name, f"`{name.value}` is not a local variable bound to a {kind.__name__.lower()} literal")
    a = _reaching(ctx, name, assignments)
    if a is None:
        raise Unconvertible(name, f"which value `{name.value}` holds here depends on control flow")
    refs = {r.node for b in assignments for r in b.references}
    uses = {r for r in refs if _reaching(ctx, r, assignments) in (a, None)}
    target = a.node
    assign = ctx.parent(ctx.parent(target)) if isinstance(target, cst.Name) else None
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.targets[0].target is target):
        raise Unconvertible(name, f"`{name.value}` is not bound by a plain assignment")
    if not isinstance(assign.value, kind):
        raise Unconvertible(name, f"`{name.value}` is not bound to a {kind.__name__.lower()} literal")
    statement = ctx.parent(assign)
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        raise Unconvertible(name, f"`{name.value}` is bound on a line with other statements")
    return assign.value, statement, a, uses


def local_dict(ctx: MigrationContext, expr: cst.CSTNode) -> DictSource:
    if isinstance(expr, cst.Dict):
        return DictSource(expr)
    if isinstance(expr, cst.Name):
        value, statement, _a, uses = single_local(ctx, expr, cst.Dict)
        if uses != {expr}:
            raise Unconvertible(expr, f"the payload variable `{expr.value}` has other uses")
        return DictSource(value, expr, statement)
    raise Unconvertible(expr, "the payload is not a dict literal or a local bound to one")


def dumps_argument(ctx: MigrationContext, expr: cst.CSTNode) -> cst.CSTNode:
    """``X`` of ``json.dumps(X)``."""
    if not (isinstance(expr, cst.Call) and ctx.imported_qname(expr.func) == "json.dumps"):
        raise Unconvertible(expr, "the payload is not built with `json.dumps(...)` here")
    positional = [a for a in expr.args if a.keyword is None]
    if len(positional) != 1 or positional[0].star or any(
        a.keyword is not None and a.keyword.value not in DUMPS_KEYWORDS for a in expr.args
    ):
        raise Unconvertible(expr, "`json.dumps` has arguments that change the payload")
    return positional[0].value


def unwrap(ctx: MigrationContext, expr: cst.CSTNode) -> tuple[DictSource, DictSource | None]:
    """(payload, envelope or None) of ``json.dumps(...)``."""
    outer = local_dict(ctx, dumps_argument(ctx, expr))
    els = outer.elements()
    if "payload" in els and set(els) <= tables.ENVELOPE_KEYS:
        for key, el in els.items():
            if key != "payload" and not is_simple(el.value):
                raise Unconvertible(el.value, f"the envelope field {key!r} has side effects and would be dropped")
        return local_dict(ctx, els["payload"].value), outer
    return outer, None


def _dropped(el: cst.DictElement | None, what: str) -> None:
    if el is not None and not is_simple(el.value):
        raise Unconvertible(el.value, f"{what} has side effects and would be dropped")


@dataclass
class Field:
    name: str
    build: object  # () -> expression (run at transform time)
    source: cst.DictElement | None  # whose comma (layout) the argument takes


class PayloadConverter:
    """Builds the typed record that replaces one payload."""

    def __init__(self, ctx: MigrationContext, planner: ImportPlanner):
        self.ctx = ctx
        self.planner = planner
        self.label_vars: dict[object, list[cst.Name]] = {}  # scope assignment -> label slots using it

    # --- records ---------------------------------------------------------------------

    def record(self, wit_record: str, src: DictSource, fields: list[Field]) -> object:
        """A builder of ``Record(field=value, ...)`` laid out like the dict it replaces."""
        ctx = self.ctx
        module, name = ctx.names.type_ref(wit_record)
        func = self.planner.item_ref(module, name)

        multiline = "\n" in ctx.code(src.node)
        statement = next(a for a in ctx.ancestors(src.node) if isinstance(a, cst.BaseStatement))
        base = ctx.line_indent(statement)

        def exploded() -> cst.Call:
            inner = base + ctx.indent
            args = [kwarg(f.name, f.build(), cst.Comma(whitespace_after=_break(inner))) for f in fields]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_break(base)))
            return cst.Call(func=func, args=args, whitespace_before_args=_break(inner))

        def build() -> cst.Call:
            if multiline:
                return exploded()
            flat = flat_call()
            return exploded() if _too_long(ctx, src.node, flat) else flat

        def flat_call() -> cst.Call:
            args = []
            last_element = src.node.elements[-1] if src.node.elements else None
            for i, f in enumerate(fields):
                last = i == len(fields) - 1
                comma = f.source.comma if f.source is not None else cst.MaybeSentinel.DEFAULT
                if last:
                    comma = comma if f.source is last_element else cst.MaybeSentinel.DEFAULT
                elif not isinstance(comma, cst.Comma):
                    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                args.append(kwarg(f.name, f.build(), comma))
            if args:
                args[-1] = args[-1].with_changes(whitespace_after_arg=src.node.rbrace.whitespace_before)
            return cst.Call(func=func, args=args, whitespace_before_args=src.node.lbrace.whitespace_after)

        return build

    def value(self, el: cst.DictElement):
        return lambda: self.ctx.new(el.value)

    # --- checkpoint -------------------------------------------------------------------

    def checkpoint(self, src: DictSource, envelope: DictSource | None, code_member) -> object:
        ctx = self.ctx
        els = src.elements()
        spec = ctx.names.payloads["checkpoint"]
        known = set(spec.keys) | set(spec.cursor) | {"kind"}
        unknown = sorted(set(els) - known)
        if unknown:
            raise Unconvertible(src.node, f"the checkpoint payload has keys with no v4 field: {', '.join(unknown)}")
        member = code_member
        kind_el = els.get("kind")
        if kind_el is not None:
            text = string_value(kind_el.value)
            if text is not None:
                if text not in spec.kind_strings:
                    raise Unconvertible(kind_el.value, f"unknown checkpoint kind {text!r}")
                from_payload = ctx.names.member("checkpoint-kind", spec.kind_strings[text])
                if member is not None and member != from_payload:
                    raise Unconvertible(kind_el.value, "the payload kind disagrees with the kind argument")
                member = from_payload
            else:
                _dropped(kind_el, "the payload `kind`")
        if member is None:
            raise Unconvertible(src.node, "the checkpoint kind is neither an integer literal nor a string literal")
        stream_el = els.get("stream")
        if stream_el is None and envelope is not None:
            stream_el = envelope.elements().get("stream_name")
        for key in ("id", "records_processed", "bytes_processed"):
            if key not in els:
                raise Unconvertible(src.node, f"the checkpoint payload has no {key!r}")
        if stream_el is None:
            raise Unconvertible(src.node, "the checkpoint payload has no 'stream'")
        ctx.string_slots.add(stream_el.value)
        kind_expr = self.planner.member(member)
        fields: list[Field] = []
        order = list(els)
        if "kind" not in els:
            fields.append(Field("kind", lambda: kind_expr, None))
        cursor_added = False
        for key in order:
            el = els[key]
            if key == "kind":
                fields.append(Field("kind", lambda: kind_expr, el))
            elif key in spec.cursor:
                if not cursor_added:
                    cursor_added = True
                    fields.append(Field("cursor", self._cursor(els), None))
                fields[-1] = Field("cursor", fields[-1].build, el)
            else:
                fields.append(Field(spec.keys[key], self.value(el), el))
        if "stream" not in els:
            fields.insert(1, Field("stream", self.value(stream_el), None))
        if not cursor_added:
            fields.append(Field("cursor", lambda: cst.Name("None"), None))
        return self.record("checkpoint-event", src, fields)

    def _cursor(self, els: dict[str, cst.DictElement]):
        ctx = self.ctx
        field_el, value_el = (els.get(k) for k in ctx.names.payloads["checkpoint"].cursor)
        if field_el is None or is_none(field_el.value):
            _dropped(value_el, "`cursor_value` (no cursor field)")
            return lambda: cst.Name("None")
        literal = string_value(field_el.value) is not None
        if not literal and not is_simple(field_el.value):
            raise Unconvertible(field_el.value, "the cursor field is an expression with side effects")
        if not literal and value_el is not None and not is_simple(value_el.value):
            raise Unconvertible(value_el.value, "the cursor value would only be evaluated when the field is set")
        json_ref = self.planner.stdlib("json")

        def build() -> cst.BaseExpression:
            f = ctx.new(field_el.value)
            v = ctx.new(value_el.value) if value_el is not None else cst.Name("None")
            inner = cst.Dict([
                cst.DictElement(cst.SimpleString('"field"'), f, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.DictElement(cst.SimpleString('"value"'), v),
            ])
            dumped = cst.Call(func=cst.Attribute(json_ref, cst.Name("dumps")), args=[cst.Arg(inner)])
            if literal:
                return dumped
            return cst.IfExp(
                test=cst.Comparison(f, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                body=dumped,
                orelse=cst.Name("None"),
            )

        return build

    # --- metric -----------------------------------------------------------------------

    def metric(self, src: DictSource) -> object:
        ctx = self.ctx
        els = src.elements()
        unknown = sorted(set(els) - set(ctx.names.payloads["metric"].keys))
        if unknown:
            raise Unconvertible(src.node, f"the metric payload has keys with no v4 field: {', '.join(unknown)}")
        for key in ("name", "value"):
            if key not in els:
                raise Unconvertible(src.node, f"the metric payload has no {key!r}")
        ctx.string_slots.add(els["name"].value)
        value_el = els["value"]
        if isinstance(value_el.value, cst.Dict):
            inner = DictSource(value_el.value).elements()
            if set(inner) != set(tables.METRIC_VALUE_KEYS):
                raise Unconvertible(value_el.value, 'the metric value is not {"type": .., "value": ..}')
            _dropped(inner["type"], "the metric value type")
            number = inner["value"].value
        elif isinstance(value_el.value, (cst.Integer, cst.Float)):
            number = value_el.value
        else:
            raise Unconvertible(value_el.value, 'the metric value is not a {"type": .., "value": ..} literal')
        fields = []
        for key in els:
            el = els[key]
            if key == "name":
                fields.append(Field("name", self.value(el), el))
            elif key == "value":
                fields.append(Field("value", self._float(number), el))
            else:
                fields.append(Field("labels", self._labels(el.value), el))
        if "labels" not in els:
            fields.append(Field("labels", lambda: cst.List([]), None))
        return self.record("metric-event", src, fields)

    def _float(self, number: cst.CSTNode):
        ctx = self.ctx
        if isinstance(number, cst.Float):
            return lambda: number
        if isinstance(number, cst.Integer):
            return lambda: cst.Float(f"{int(number.value.replace('_', ''), 0)}.0")
        if isinstance(number, cst.Call) and ctx.qnames(number.func) and any(q.name == "builtins.float" or q.name == "float" for q in ctx.qnames(number.func)):
            return lambda: ctx.new(number)
        return lambda: cst.Call(func=cst.Name("float"), args=[cst.Arg(ctx.new(number))])

    def _labels(self, expr: cst.CSTNode):
        ctx = self.ctx
        if isinstance(expr, cst.List) and all(_is_pair(e) for e in expr.elements):
            for e in expr.elements:
                for part in e.value.elements:
                    ctx.string_slots.add(part.value)
            return lambda: _tuples(ctx, expr)
        if isinstance(expr, cst.Name):
            try:
                value, _statement, _a, uses = single_local(ctx, expr, cst.List)
            except Unconvertible:
                value = None
            if value is not None and all(_is_pair(e) for e in value.elements):
                entry = self.label_vars.setdefault(value, (uses, []))
                entry[1].append(expr)
                for e in value.elements:
                    for part in e.value.elements:
                        ctx.string_slots.add(part.value)
                return lambda: ctx.new(expr)
        return lambda: _wrap_labels(ctx.new(expr))

    def finish(self) -> None:
        """Label lists bound to a local: rewrite the literal when every use is a converted label slot."""
        ctx = self.ctx
        for value, (reached, uses) in self.label_vars.items():
            if reached == set(uses):
                ctx.replace(value, "RB105", lambda _u, value=value: _tuples(ctx, value))
            else:
                for use in uses:
                    ctx.replace(use, "RB105", lambda u: _wrap_labels(u))

    # --- dlq ----------------------------------------------------------------------------

    def dlq(self, call: cst.Call, bound: dict[str, cst.Arg], params: tuple[str, ...]) -> object:
        ctx = self.ctx
        fields = ctx.names.record_fields("dlq-record")
        if len(fields) != len(params) or set(bound) != set(params):
            raise Unconvertible(call, "`emit_dlq_record` needs its four arguments to be converted")
        category = bound[params[-1]].value
        text = string_value(category)
        if text is None:
            raise Unconvertible(category, "the DLQ error category is not a string literal")
        try:
            member = ctx.names.member(tables.DLQ_CATEGORY_ENUM, kebab(text))
        except KeyError:
            raise Unconvertible(category, f"{text!r} is not an error category") from None
        for p in params[:-1]:
            ctx.string_slots.add(bound[p].value)
        module, name = ctx.names.type_ref("dlq-record")
        func = self.planner.item_ref(module, name)
        member_expr = self.planner.member(member)
        order = [a for a in call.args]
        statement = next(a for a in ctx.ancestors(call) if isinstance(a, cst.BaseStatement))
        base = ctx.line_indent(statement)

        def values() -> list[tuple[str, cst.BaseExpression, cst.Arg]]:
            out = []
            for arg in order:
                param = arg.keyword.value if arg.keyword is not None else params[call.args.index(arg)]
                index = params.index(param)
                out.append((fields[index], member_expr if index == len(params) - 1 else ctx.new(arg.value), arg))
            return out

        def build() -> cst.Call:
            flat = cst.Call(func=func, args=[kwarg(f, v, a.comma) for f, v, a in values()])
            if "\n" not in ctx.code(call) and not _too_long(ctx, call, flat, extra=len("telemetry_dlq(") + 1):
                return flat
            inner = base + ctx.indent
            args = [kwarg(f, v, cst.Comma(whitespace_after=_break(inner))) for f, v, _a in values()]
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_break(base)))
            return cst.Call(func=func, args=args, whitespace_before_args=_break(inner))

        return build


def _is_pair(el) -> bool:
    return isinstance(el, cst.Element) and isinstance(el.value, (cst.List, cst.Tuple)) and len(el.value.elements) == 2 \
        and all(isinstance(p, cst.Element) for p in el.value.elements)


def _tuples(ctx: MigrationContext, lst: cst.List) -> cst.List:
    new = ctx.new(lst)
    elements = []
    for el in new.elements:
        pair = el.value
        if isinstance(pair, cst.List):
            pair = cst.Tuple(elements=pair.elements, lpar=[cst.LeftParen(whitespace_after=pair.lbracket.whitespace_after)],
                             rpar=[cst.RightParen(whitespace_before=pair.rbracket.whitespace_before)])
        elements.append(el.with_changes(value=pair))
    return new.with_changes(elements=elements)


def _wrap_labels(expr: cst.BaseExpression) -> cst.BaseExpression:
    return cst.ListComp(
        elt=cst.Call(func=cst.Name("tuple"), args=[cst.Arg(cst.Name("label"))]),
        for_in=cst.CompFor(target=cst.Name("label"), iter=expr),
    )


def _break(indent: str) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets, continuing at ``indent``."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), empty_lines=[], indent=False, last_line=cst.SimpleWhitespace(indent)
    )


MAX_LINE = 99


def _too_long(ctx: MigrationContext, node: cst.CSTNode, new: cst.CSTNode, extra: int = 0) -> bool:
    """Would the line holding ``node`` grow past MAX_LINE once ``node`` is replaced by ``new``?"""
    start, end = ctx.span(node)
    line_start = ctx.data.rfind(b"\n", 0, start) + 1
    line_end = ctx.data.find(b"\n", end)
    line_end = len(ctx.data) if line_end < 0 else line_end
    length = len(ctx.data[line_start:line_end].decode("utf-8", "replace").rstrip("\r"))
    return length + len(ctx.code(new)) - (end - start) + extra > MAX_LINE

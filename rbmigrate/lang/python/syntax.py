"""Small libcst helpers shared by the transforms."""

from __future__ import annotations

import libcst as cst


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain string literal (no f-string, no bytes), else None."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def int_value(node: cst.CSTNode) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    return None


def is_none(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_simple(node: cst.CSTNode) -> bool:
    """Free of side effects when evaluated: names, attribute chains, literals, literal subscripts."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_simple(node.left) and is_simple(node.right)
    if isinstance(node, cst.Attribute):
        return is_simple(node.value)
    if isinstance(node, cst.Subscript):
        return is_simple(node.value) and all(
            isinstance(e.slice, cst.Index) and is_simple(e.slice.value) for e in node.slice
        )
    if isinstance(node, (cst.List, cst.Tuple)):
        return all(is_simple(e.value) for e in node.elements if isinstance(e, cst.Element))
    if isinstance(node, cst.UnaryOperation):
        return is_simple(node.expression)
    return False


def call_args(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.Arg] | None:
    """Bind a call's arguments to parameter names; None with `*args`, `**kwargs` or unknown keywords."""
    out: dict[str, cst.Arg] = {}
    index = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if index >= len(params):
                return None
            out[params[index]] = arg
            index += 1
        else:
            out[arg.keyword.value] = arg
    return out


def kwarg(name: str, value: cst.BaseExpression, comma=cst.MaybeSentinel.DEFAULT) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        comma=comma,
    )


def call(func: cst.BaseExpression, args: list[cst.Arg]) -> cst.Call:
    return cst.Call(func=func, args=args)


def attr(base: cst.BaseExpression, *names: str) -> cst.BaseExpression:
    for name in names:
        base = cst.Attribute(base, cst.Name(name))
    return base


def returns_of(fdef: cst.FunctionDef) -> tuple[list[cst.Return], bool]:
    """The ``return`` statements of a function (not of nested ones), and whether it yields."""
    out: list[cst.Return] = []
    yields: list[bool] = []

    class Visitor(cst.CSTVisitor):
        def visit_FunctionDef(self, node) -> bool:
            return node is fdef

        def visit_Lambda(self, node) -> bool:
            return False

        def visit_ClassDef(self, node) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            out.append(node)

        def visit_Yield(self, node) -> None:
            yields.append(True)

    fdef.visit(Visitor())
    return out, bool(yields)

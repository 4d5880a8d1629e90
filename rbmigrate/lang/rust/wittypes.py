"""WIT types as Rust spells them: the one renderer behind every Rust type the adapter writes from the
canonical WIT (an added record field, a v4 export's signature in a finding, a wasmtime host call)."""

from __future__ import annotations

from collections.abc import Callable

from ...ruletable import pascal, split_params

PRIMITIVES = {
    "string": "String", "bool": "bool", "char": "char", "u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64",
    "s8": "i8", "s16": "i16", "s32": "i32", "s64": "i64", "f32": "f32", "f64": "f64", "float32": "f32",
    "float64": "f64",
}


def rust_type(wit: str, name: Callable[[str], str] = pascal, borrowed: Callable[[str], bool] | None = None) -> str:
    """``list<string>`` → ``Vec<String>``. ``name`` spells a named type (bare by default, or through its
    interface module). ``borrowed`` makes it a parameter of wasmtime's host calls: a string, a list and a
    named type it says yes to are taken by reference (at the top level only)."""
    wit = wit.strip()
    if wit == "_":
        return "()"
    if "<" in wit and wit.endswith(">"):
        head, inner = wit[: wit.index("<")], wit[wit.index("<") + 1 : -1]
        args = [rust_type(a.strip(), name) for a in split_params(inner)]
        if head == "list":
            return f"&[{args[0]}]" if borrowed else f"Vec<{args[0]}>"
        if head == "option":
            return f"Option<{args[0]}>"
        if head == "result":
            return f"Result<{', '.join(args)}>"
        if head == "tuple":
            return "(" + ", ".join(args) + ")"
        return wit
    if wit in PRIMITIVES:
        return "&str" if borrowed and wit == "string" else PRIMITIVES[wit]
    spelled = name(wit.lstrip("%"))
    return f"&{spelled}" if borrowed and borrowed(wit.lstrip("%")) else spelled


def first_arg(wit: str) -> str:
    """The first type argument of ``result<ok, err>`` (the ``ok``), else the type itself."""
    wit = wit.strip()
    if wit.startswith("result<") and wit.endswith(">"):
        return split_params(wit[len("result<") : -1])[0].strip()
    return wit

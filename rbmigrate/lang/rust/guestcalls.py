"""Host and engine calls into a guest: wasmtime ``bindgen!`` accessors and ``call_*`` methods.

In v4 ``call_open`` returns ``(session, open-info)``, ``call_validate`` and
``call_close`` take the session, and ``call_run_read``/``write``/``transform``
and ``call_discover`` are one ``call_run(session, &RunRequest)`` returning a
``RunSummary``. Which v3 export becomes which v4 one, its phase and every v4
signature come from the rule table and the canonical packages
(:func:`.guestvocab.guest_vocab`); nothing here names a protocol function.

The split (``rules/rust.toml``, ``rules/findings.toml``):

- **safe** — the accessors (``rapidbyte_connector_source_connector()`` →
  ``rapidbyte_connector_source()``, the interface rename's rule), and the
  session threaded through one function (RB420): a ``call_open`` on a proven
  guest whose value is discarded becomes ``let (session, info) = …;`` and the
  session-less ``call_validate``/``call_close`` on the same guest after it, in
  its scope, get ``session``. Proven means: the receiver is a guest (bound
  from an accessor, or typed as the bindings' export ``Guest``), the value
  reaches the statement through ``?``, ``unwrap``/``expect``, ``map_err`` and
  functions of this file whose signature passes it through (a generic ``T``
  without bounds that only that parameter carries: by parametricity the
  result is the value passed in), with exactly the two ``Result`` layers of
  a bindgen call unwrapped, and the names are free in the function.
- **unsafe** (RB421) — the same edits when the only gap is a wrapper whose
  signature cannot be seen (defined in another file, a method, ``.context``):
  almost always right, and a compile error (never a silent change) if not.
- **findings** — ``call_run_*``/``call_discover`` (RB410: a ``RunRequest``
  for the phase and the summary field are code the codemod cannot invent; a
  rename alone would not compile and would erase the phase), and every
  session-less call the session cannot be threaded to (RB911), each with the
  v4 signature in the manual step.

Receivers not proven to be a guest are left alone when the crate defines a
method of that name itself (another type's ``call_close``); otherwise a call
with the v3 arguments is reported, never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .guestvocab import GONE, GuestFn, GuestVocab, guest_vocab
from .receivers import find_decl
from .syntax import enclosing, field, named, path_segments, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

SAFE, UNSAFE = "RB420", "RB421"
REVIEW = "RB911"
SESSION, INFO = "session", "info"
_BINDGEN_LAYERS = 2  # a bindgen call returns wasmtime::Result<Result<T, ConnectorError>>
_UNWRAP = {"unwrap", "expect"}  # std: one Result layer off, the value kept
_KEEP = {"map_err"}  # std: the Ok value kept
_UNPROVEN_KEEP = {"context", "with_context"}  # anyhow's, or a crate's own extension trait


# ------------------------------------------------------------------ planning


@dataclass
class _Call:
    node: "Node"  # the call_expression
    method: "Node"  # the field_identifier
    name: str
    guest: GuestFn
    recv: "Node"
    key: str | None  # identity of a proven guest, None when not proven
    args: list  # argument nodes (the store first)


def plan_guest_calls(plan: "FilePlan") -> None:
    g = guest_vocab(plan.ctx.rules)
    accessors = plan.vocab.accessors  # v3 accessor → (v4 accessor, the interface rename's rule)
    names = set(g.calls) | set(accessors)
    by_fn: dict[tuple[int, int], list[_Call]] = {}
    fns: dict[tuple[int, int], "Node"] = {}
    for call in plan.captures.get("call", ()):
        fn = field(call, "function")
        if fn is None or fn.type != "field_expression":
            continue
        method = field(fn, "field")
        if method is None or method.type != "field_identifier":
            continue
        name = text(method)
        if name not in names:
            continue
        if name in accessors:
            plan.edit(method, *accessors[name])
            continue
        recv = field(fn, "value")
        key = _guest_key(plan, g, recv)
        if key is None and _lookalike(plan, recv, name):
            continue
        args = field(call, "arguments")
        item = _Call(call, method, name, g.calls[name], recv, key, named(args) if args is not None else [])
        owner = enclosing(call, "function_item")
        span = (owner.start_byte, owner.end_byte) if owner is not None else (0, 0)
        fns.setdefault(span, owner)
        by_fn.setdefault(span, []).append(item)
    for span, calls in by_fn.items():
        _plan_function(plan, g, fns[span], calls)


def _plan_function(plan: "FilePlan", g: GuestVocab, fn: "Node | None", calls: list[_Call]) -> None:
    threaded: set[int] = set()
    opens = [c for c in calls if c.guest.returns_session]
    if fn is not None and len(opens) == 1 and opens[0].key is not None:
        threaded = _thread(plan, fn, opens[0], calls)
    for c in calls:
        if c.node.start_byte in threaded:
            continue
        if c.guest.gone:
            _report_gone(plan, c.method, c.guest)
        elif c.guest.returns_session and _discarded(c.node):
            _report(plan, c.method, c.guest, f"`{c.name}` returns the session and the `OpenInfo` in v4; "
                    "its value is dropped here")
        elif len(c.args) - 1 < c.guest.v4_arity and not c.guest.returns_session:
            _report(plan, c.method, c.guest, f"`{c.name}` takes {_what_v4_adds(c.guest)} in v4; "
                    "this call still passes the v3 arguments")


def _thread(plan: "FilePlan", fn: "Node", open_: _Call, calls: list[_Call]) -> set[int]:
    """Bind the session of ``open_`` and pass it to the session-less calls on the same guest; the calls handled."""
    bound = _binding(plan, open_.node)
    if bound is None:
        return set()
    how, node, rule, session = bound
    if how == "new":
        discover = any(c.guest.phase and not c.guest.takes_stream and c.key == open_.key for c in calls)
        info = INFO if discover else "_" + INFO  # the discovery run needs `OpenInfo.default_limits`
        if _names_used(fn, {SESSION, info}):
            return set()
        statement, pattern = node
        if pattern is not None:
            plan.edit(pattern, f"({SESSION}, {info})", rule)
        else:
            plan.edit((statement.start_byte, statement.start_byte), _let_prefix(plan, statement, info), rule)
        done = {open_.node.start_byte}
    else:
        statement = node
        done = set()
    scope = statement.parent  # the block the binding lives in
    for c in calls:
        if c.guest.gone or not c.guest.takes_session or c.key != open_.key or len(c.args) - 1 != c.guest.v3_arity:
            continue
        if not (c.node.start_byte > statement.end_byte and scope is not None and c.node.end_byte <= scope.end_byte):
            continue
        inner = enclosing(c.node, "function_item")
        if inner is None or (inner.start_byte, inner.end_byte) != (fn.start_byte, fn.end_byte):
            continue  # a nested fn item cannot see the binding
        last = c.args[-1] if c.args else None
        if last is None:
            continue
        plan.edit((last.end_byte, last.end_byte), f", {session}", rule)
        done.add(c.node.start_byte)
    return done


def _binding(plan: "FilePlan", call: "Node"):
    """How the value of ``call_open`` reaches its statement.

    ``("new", (statement, pattern), rule, "session")`` when it is dropped and a binding can be made (``pattern``
    is the ``_`` of a ``let _ =``), ``("bound", let, rule, name)`` when it is already bound to a tuple whose first
    element is the session, None otherwise.
    """
    layers: int | None = _BINDGEN_LAYERS
    proven = True
    unwrapped_after_unknown = False
    node = call
    while True:
        parent = node.parent
        if parent is None:
            return None
        t = parent.type
        if t == "parenthesized_expression":
            node = parent
            continue
        if t == "try_expression":
            if layers is not None:
                layers -= 1
            else:
                unwrapped_after_unknown = True
            node = parent
            continue
        if t == "field_expression" and field(parent, "value") == node:
            outer = parent.parent
            if outer is None or outer.type != "call_expression" or field(outer, "function") != parent:
                return None
            m = text(field(parent, "field"))
            if m in _UNWRAP:
                if layers is not None:
                    layers -= 1
                else:
                    unwrapped_after_unknown = True
            elif m in _UNPROVEN_KEEP:
                proven = False
            elif m not in _KEEP:
                return None
            node = outer
            continue
        if t == "arguments" and parent.parent is not None and parent.parent.type == "call_expression":
            outer = parent.parent
            depths = _pass_through(plan, field(outer, "function"), named(parent).index(node))
            if depths is None:
                proven, layers = False, None
            elif layers is not None:
                if layers < depths[0]:
                    return None  # the parameter wants more `Result`s than the value has
                layers = layers - depths[0] + depths[1]
            node = outer
            continue
        if t == "expression_statement":
            statement, pattern = parent, None
            break
        if t == "let_declaration" and field(parent, "value") == node:
            pattern = field(parent, "pattern")
            if pattern is not None and pattern.type == "tuple_pattern":
                first = named(pattern)[0] if named(pattern) else None
                if first is not None and first.type == "identifier" and proven and layers == 0:
                    return "bound", parent, SAFE, text(first)  # the first name is the session
                return None
            if pattern is None or pattern.type != "_" or field(parent, "type") is not None:
                return None
            statement = parent
            break
        return None
    if proven and layers == 0:
        return "new", (statement, pattern), SAFE, SESSION
    if not proven and (layers == 0 or (layers is None and unwrapped_after_unknown)):
        return "new", (statement, pattern), UNSAFE, SESSION
    return None


def _pass_through(plan: "FilePlan", fn: "Node | None", index: int) -> tuple[int, int] | None:
    """``(layers in, layers out)`` of a call's ``index``-th argument, when the callee's signature proves that the
    value it returns is that argument's: a function of this file generic over an unbounded ``T`` that only this
    parameter carries, under nested ``Result``s in the parameter and in the return type (by parametricity it
    cannot make a ``T`` of its own)."""
    if fn is not None and fn.type == "generic_function":
        return None  # explicit type arguments: not looked into
    if fn is None or fn.type != "identifier":
        return None
    item = _local_fn(plan, fn)
    if item is None:
        return None
    params = [p for p in named(field(item, "parameters")) if p.type == "parameter"]
    if any(p.type == "self_parameter" for p in named(field(item, "parameters"))) or index >= len(params):
        return None
    generics = field(item, "type_parameters")
    free = set()
    for p in named(generics) if generics is not None else ():
        if p.type == "type_parameter" and field(p, "bounds") is None and field(p, "default_type") is None:
            free.add(text(field(p, "name")))
    if any(c.type == "where_clause" for c in item.named_children):
        where = next(c for c in item.named_children if c.type == "where_clause")
        free -= {text(field(pred, "left")) for pred in named(where) if field(pred, "left") is not None}
    ret = field(item, "return_type")
    for name in free:
        depth_in = _depth(field(params[index], "type"), name)
        if depth_in is None or ret is None:
            continue
        if sum(_count(field(p, "type"), name) for p in params) != 1:
            continue
        depth_out = _depth(ret, name)
        if depth_out is None or _count(ret, name) != 1:
            continue
        return depth_in, depth_out
    return None


def _local_fn(plan: "FilePlan", ident: "Node") -> "Node | None":
    """The ``fn`` item of this file a plain name calls (None when it comes from elsewhere)."""
    name = text(ident)
    scope = plan.scopes.scope_of(ident)
    while scope is not None:
        item = scope.items.get(name)
        if item is not None:
            return item if item.type == "function_item" else None
        if name in scope.names:
            return None  # imported
        scope = scope.parent
    return None


def _depth(ty: "Node | None", name: str) -> int | None:
    """How many ``Result<…>`` wrap the type parameter ``name`` as their first argument (None: it is not so)."""
    depth = 0
    while ty is not None:
        if ty.type == "type_identifier":
            return depth if text(ty) == name else None
        if ty.type != "generic_type":
            return None
        base = field(ty, "type")
        segs = path_segments(base) if base is not None else None
        if not segs or text(segs[-1]) != "Result":
            return None
        args = named(field(ty, "type_arguments"))
        ty = args[0] if args else None
        depth += 1
    return None


def _count(ty: "Node | None", name: str) -> int:
    if ty is None:
        return 0
    stack, n = [ty], 0
    while stack:
        node = stack.pop()
        if node.type == "type_identifier" and text(node) == name:
            n += 1
        stack.extend(node.named_children)
    return n


def _names_used(fn: "Node", names: set[str]) -> bool:
    stack = [fn]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_field_identifier") and text(node) in names:
            return True
        stack.extend(node.named_children)
    return False


def _let_prefix(plan: "FilePlan", statement: "Node", info: str) -> str:
    """``let (session, info) = `` before a statement, broken after ``=`` as rustfmt does when the line is too long."""
    prefix = f"let ({SESSION}, {info}) = "
    start = plan.data.rfind(b"\n", 0, statement.start_byte) + 1
    end = plan.data.find(b"\n", statement.end_byte)
    line = plan.data[start : end if end >= 0 else len(plan.data)].decode("utf-8")
    if "\n" in text(statement) or len(line) + len(prefix) <= plan.facts.max_width:
        return prefix
    indent = plan.data[start : statement.start_byte].decode("utf-8")
    return prefix.rstrip() + plan.newline + indent + plan.facts.indent_unit


def _discarded(call: "Node") -> bool:
    """Is the value of a call dropped (a statement through ``?``/method calls, or ``let _ =``)?"""
    node = call
    while node.parent is not None:
        parent = node.parent
        if parent.type == "expression_statement":
            return True
        if parent.type == "let_declaration":
            pattern = field(parent, "pattern")
            return pattern is not None and pattern.type == "_"
        if parent.type in ("try_expression", "parenthesized_expression", "arguments", "call_expression"):
            node = parent
            continue
        if parent.type == "field_expression" and field(parent, "value") == node:
            node = parent
            continue
        return False
    return False


# ------------------------------------------------------------------ receivers


def _guest_key(plan: "FilePlan", g: GuestVocab, expr: "Node | None", depth: int = 0) -> str | None:
    """An identity of the guest ``expr`` is proven to be (an accessor's result, or a value typed as the
    bindings' export ``Guest``); None when it is not proven."""
    if expr is None or depth > 8:
        return None
    t = expr.type
    if t in ("reference_expression", "parenthesized_expression"):
        inner = field(expr, "value") or (named(expr)[0] if named(expr) else None)
        return _guest_key(plan, g, inner, depth + 1)
    if t == "unary_expression":
        return _guest_key(plan, g, named(expr)[-1] if named(expr) else None, depth + 1)
    if t == "call_expression":
        fn = field(expr, "function")
        method = field(fn, "field") if fn is not None and fn.type == "field_expression" else None
        accessors = plan.vocab.accessors
        name = text(method) if method is not None else ""
        if name in accessors or name in {new for new, _ in accessors.values()}:
            v4 = accessors[name][0] if name in accessors else name
            return " ".join(text(expr).replace(name, v4).split())  # the same guest under either spelling
        return None
    if t == "identifier":
        decl = find_decl(expr)
        if decl is None or decl[0] not in ("let", "param"):
            return None
        how, node = decl
        ty = field(node, "type")
        if ty is not None:
            return f"{how}@{node.start_byte}" if _guest_type(plan, g, ty) else None
        if how == "let":
            pattern = field(node, "pattern")
            if pattern is not None and pattern.type == "identifier":
                return _guest_key(plan, g, field(node, "value"), depth + 1) and f"let@{node.start_byte}"
        return None
    return None


def _guest_type(plan: "FilePlan", g: GuestVocab, ty: "Node") -> bool:
    while ty is not None and ty.type == "reference_type":
        ty = field(ty, "type")
    if ty is None or ty.type not in ("type_identifier", "scoped_type_identifier"):
        return False
    target = plan.scopes.resolve(ty)
    return (target is not None and target.kind == "binding" and target.exports and len(target.path) == 2
            and target.path[0] in g.guests and target.path[1] == "Guest")


def _lookalike(plan: "FilePlan", recv: "Node | None", name: str) -> bool:
    """Is an unproven receiver something else: a type of this crate that has a method of that name, or a value
    whose declared type is not the bindings' ``Guest``?"""
    if _defined_here(plan, name):
        return True
    if recv is not None and recv.type == "identifier":
        decl = find_decl(recv)
        if decl is not None and decl[0] in ("let", "param") and field(decl[1], "type") is not None:
            return True  # typed, and not as a guest (else it would be proven)
    return recv is not None and recv.type == "self"


# ------------------------------------------------------------------ findings


def _what_v4_adds(guest: GuestFn) -> str:
    return "the session `call_open` returned" if guest.takes_session else "a session and a `RunRequest`"


def _report(plan: "FilePlan", node: "Node", guest: GuestFn, message: str) -> None:
    plan.finding(node, REVIEW, message, f"v4: `{guest.signature}` (WIT `{guest.declaration}`). " + _step(guest))


def _step(guest: GuestFn) -> str:
    if guest.returns_session:
        return ("Bind it (`let (session, info) = …`) and pass `session` to `call_validate`, `call_run` and "
                "`call_close` of the same instance.")
    if guest.takes_session:
        return "Pass the session `call_open` returned for this instance."
    return "Pass the session `call_open` returned and a `RunRequest` for the phase; read the phase's `RunSummary` field."


def _report_gone(plan: "FilePlan", node: "Node", guest: GuestFn) -> None:
    phase = guest.phase_case
    stream = ("the stream context this call passed as JSON" if guest.takes_stream else
              "a placeholder stream whose `limits` are the `default_limits` of the `OpenInfo` `call_open` returned")
    result = f"; the result is {guest.summary}" if guest.summary else ""
    plan.finding(
        node,
        GONE,
        f"`{guest.call}` is gone in v4: it is `{guest.v4_call}` with `{phase}`" if phase else
        f"`{guest.call}` is gone in v4: it is `{guest.v4_call}`",
        f"Call `{guest.signature}` (WIT `{guest.declaration}`) with the session `call_open` returned and "
        f"`&{guest.request}`, built from {stream}{result}.",
    )


# ------------------------------------------------------------------ macros


def plan_token_call(plan: "FilePlan", ident: "Node", dot: "Node", name: str) -> bool:
    """A guest call inside a macro's token tree (``assert!(guest.call_close(&mut store).is_ok())``): reported
    (token trees are not expressions: no session can be threaded there). True when ``name`` is a guest call."""
    g = guest_vocab(plan.ctx.rules)
    guest = g.calls.get(name)
    if guest is None:
        return False
    recv = dot.prev_sibling
    proven = False
    if recv is not None and recv.type == "identifier" and (dot.prev_sibling.prev_sibling is None or
                                                             dot.prev_sibling.prev_sibling.type not in (".", "::")):
        proven = _guest_key(plan, g, recv) is not None
    if not proven and _lookalike_token(plan, recv, name):
        return True
    if guest.gone:
        _report_gone(plan, ident, guest)
        return True
    args = _token_args(ident.next_sibling)
    if not proven or args is None:
        return True
    if guest.takes_session and args - 1 == guest.v3_arity:
        _report(plan, ident, guest, f"`{name}` takes {_what_v4_adds(guest)} in v4; "
                "this call still passes the v3 arguments")
    elif not guest.takes_session and not guest.returns_session and args - 1 < guest.v4_arity:
        _report(plan, ident, guest, f"`{name}` takes {_what_v4_adds(guest)} in v4; "
                "this call still passes the v3 arguments")
    return True


def _defined_here(plan: "FilePlan", name: str) -> bool:
    """Does a type of this crate define a method ``name`` (other than the bindings' own ``Guest``)?"""
    return any(name in methods for ty, methods in plan.facts.type_methods.items() if ty != "Guest")


def _lookalike_token(plan: "FilePlan", recv: "Node | None", name: str) -> bool:
    if _defined_here(plan, name):
        return True
    return recv is not None and recv.type == "self"


def _token_args(tree: "Node | None") -> int | None:
    """Top-level arguments of a ``( … )`` token tree."""
    if tree is None or tree.type != "token_tree":
        return None
    inner = tree.children[1:-1]
    if not inner:
        return 0
    commas = sum(1 for c in inner if c.type == ",")
    return commas + (0 if inner[-1].type == "," else 1)

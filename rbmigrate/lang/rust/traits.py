"""Trait-impl reshaping: ``impl Source|Destination|Transform for X`` to ``open / validate / run / close``.

``init`` becomes ``open``; the role methods (``discover``, ``read``, ``write``,
``transform``) are replaced, at the position of the first of them, by one
``run`` that dispatches on ``request.phase``; their bodies move unchanged
(other edits inside them included) into a new inherent ``impl X`` right after
the trait impl, as ``discover_catalog`` / ``read_stream`` / ``write_stream`` /
``transform_stream``. A helper name already taken on the type is reported
(RB906) and that impl is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .syntax import field, line_indent, named, text
from .vocab import ROLE_TRAITS, RoleMethod

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

_ATTACHED = ("attribute_item", "line_comment", "block_comment")


class Reshape:
    """One trait impl to reshape; built in :func:`analyze`, emitted in :func:`emit` (after the other edits)."""

    def __init__(self, impl: "Node", role: str, present: list[tuple[RoleMethod, "Node"]]):
        self.impl = impl
        self.role = role
        self.present = present


def _role_of(plan: "FilePlan", impl: "Node") -> str | None:
    trait = field(impl, "trait")
    if trait is None or trait.type not in ("type_identifier", "scoped_type_identifier"):
        return None
    target = plan.scopes.resolve(trait)
    if target is None or target.kind != "sdk" or target.name not in ROLE_TRAITS:
        return None
    return target.name


def type_base(ty: "Node | None") -> str:
    if ty is None:
        return ""
    if ty.type == "generic_type":
        ty = field(ty, "type")
    return text(ty).split("::")[-1] if ty is not None else ""


def _sdk_trait_definitions(plan: "FilePlan") -> None:
    """Inside the SDK: the role traits themselves. A renamed method (`init` → `open`) moves with its impls; each
    v3 role method (`read`, `discover`, …) becomes the one `run` by hand: it is reported with the v4 signature."""
    if not plan.facts.is_sdk:
        return
    v = plan.vocab
    for trait in plan.captures.get("trait", ()):
        name = field(trait, "name")
        if name is None or text(name) not in ROLE_TRAITS or not plan.scopes.is_sdk(name, text(name)):
            continue
        body = field(trait, "body")
        methods = [f for f in named(body) if f.type in ("function_item", "function_signature_item")] if body else []
        names = {text(field(f, "name")) for f in methods if field(f, "name") is not None}
        for item in methods:
            fname = field(item, "name")
            if fname is None:
                continue
            method = text(fname)
            if method in v.trait_method_renames and v.trait_method_renames[method][0] not in names:
                plan.edit(fname, *v.trait_method_renames[method])
            rm = next((r for r in v.role_methods if r.role == text(name) and r.method == method), None)
            if rm is not None and "run" not in names:
                plan.finding(
                    fname,
                    rm.rule_id,
                    f"`{text(name)}::{method}` is a v3 role method; the v4 trait has one `run` for every phase",
                    "Replace the v3 role methods with `async fn run(&mut self, ctx: &Context, request: RunRequest) -> "
                    "Result<RunSummary, ConnectorError>;` (protocol-v4 \"Rust SDK v4\"); connector impls are "
                    "migrated by rbmigrate.",
                )


def _trait_method_calls(plan: "FilePlan") -> None:
    """Calls of a renamed role-trait method through the trait: `S::init(c)` with `S: Source`,
    `<T as Source>::init(c)`, `Source::init(c)` — they follow the trait's definition (`open`)."""
    v = plan.vocab
    if not v.trait_method_renames:
        return
    for path in plan.captures.get("path", ()):
        name = field(path, "name")
        owner = field(path, "path")
        if name is None or owner is None or text(name) not in v.trait_method_renames:
            continue
        if _names_role_trait(plan, path, owner):
            plan.edit(name, *v.trait_method_renames[text(name)])


def _names_role_trait(plan: "FilePlan", at: "Node", owner: "Node") -> bool:
    if owner.type == "bracketed_type":  # <T as Source>
        inner = named(owner)[0] if named(owner) else None
        trait = named(inner)[-1] if inner is not None and inner.type == "qualified_type" and named(inner) else None
        target = plan.scopes.resolve(trait) if trait is not None else None
        return target is not None and target.kind == "sdk" and target.name in ROLE_TRAITS
    if owner.type not in ("identifier", "type_identifier", "scoped_identifier"):
        return False
    target = plan.scopes.resolve(owner)
    if target is not None and target.kind == "sdk" and target.name in ROLE_TRAITS:
        return True
    if owner.type == "scoped_identifier":
        return False
    # a type parameter of an enclosing function or impl bounded by a role trait
    param = text(owner)
    node = at.parent
    while node is not None:
        if node.type in ("function_item", "impl_item"):
            for tp in named(field(node, "type_parameters")) if field(node, "type_parameters") is not None else ():
                if tp.type in ("type_parameter", "constrained_type_parameter") and named(tp) and text(named(tp)[0]) == param:
                    if any(_bound_is_role(plan, b) for b in tp.named_children[1:]):
                        return True
            where = next((c for c in named(node) if c.type == "where_clause"), None)
            for pred in named(where) if where is not None else ():
                if pred.named_children and text(pred.named_children[0]) == param:
                    if any(_bound_is_role(plan, b) for b in pred.named_children[1:]):
                        return True
        node = node.parent
    return False


def _bound_is_role(plan: "FilePlan", bounds: "Node") -> bool:
    for b in [bounds, *bounds.named_children]:
        if b.type in ("type_identifier", "scoped_type_identifier"):
            target = plan.scopes.resolve(b)
            if target is not None and target.kind == "sdk" and target.name in ROLE_TRAITS:
                return True
    return False


def analyze(plan: "FilePlan") -> list[Reshape]:
    _sdk_trait_definitions(plan)
    _trait_method_calls(plan)
    out = []
    for impl in plan.captures.get("impl", ()):
        role = _role_of(plan, impl)
        body = field(impl, "body")
        if role is None or body is None or plan.is_frozen(impl.start_byte, impl.end_byte):
            continue
        methods = {text(field(f, "name")): f for f in named(body) if f.type == "function_item" and field(f, "name")}
        present = [(rm, methods[rm.method]) for rm in plan.vocab.role_methods if rm.role == role and rm.method in methods]
        if "run" in methods:
            for rm, fn in present:
                plan.finding(
                    field(fn, "name"),
                    "RB910",
                    f"`{rm.method}` is a v3 role method, but this impl already has the v4 `run`",
                    f"Move its body into `{rm.helper}` and dispatch to it from `run`.",
                )
            _left_with(plan, methods, present, [fn for _, fn in present], "RB910",
                       "this impl mixes the v4 `run` with v3 role methods",
                       "Finish the impl by hand: `open` for `init`, the v3 role methods' bodies behind `run`.")
            continue
        ty = type_base(field(impl, "type"))
        taken = plan.facts.type_methods.get(ty, set())
        clash = [(rm, fn) for rm, fn in present if rm.helper in taken]
        if clash:
            for rm, fn in clash:
                plan.finding(
                    field(fn, "name"),
                    "RB906",
                    f"`{ty}` already has an item named `{rm.helper}`; the body of `{rm.method}` cannot move there",
                    f"Rename the existing `{rm.helper}`, then run `rbmigrate apply` again.",
                )
            helpers = ", ".join(f"`{rm.helper}`" for rm, _ in clash)
            _left_with(plan, methods, present, [fn for _, fn in clash], "RB906",
                       f"the reshape of this impl into `run` waits for the clash on {helpers}",
                       f"Rename the existing {helpers}, then run `rbmigrate apply` again.")
            continue
        bad = [fn for rm, fn in present if not _signature_ok(fn, rm)]
        if bad:
            for fn in bad:
                plan.finding(
                    field(fn, "name"),
                    "RB409",
                    "this role method does not have the v3 signature `(&mut self, ctx, [stream])`",
                    "Reshape it into `run` by hand.",
                )
            _left_with(plan, methods, present, bad, "RB409",
                       "the reshape of this impl into `run` waits for the role method without the v3 signature",
                       "Reshape the impl into `open` and `run` by hand.")
            continue
        init = methods.get("init")
        if init is not None and "open" not in methods:
            entry = plan.vocab.trait_method_renames.get("init")
            if entry is not None:
                plan.edit(field(init, "name"), entry[0], entry[1])
        if present:
            out.append(Reshape(impl, role, sorted(present, key=lambda p: p[1].start_byte)))
            _require_names(plan, impl)
    return out


def _left_with(plan: "FilePlan", methods: dict, present: list, reported: list, rule: str, why: str,
               step: str) -> None:
    """An impl whose reshape is blocked stays as it is: its other v3 lifecycle methods (`init`, the role
    methods not reported yet) are reported too, each at its name, with what blocks them."""
    role_methods = {rm.method for rm, _ in present}
    for name, fn in methods.items():
        if fn in reported or (name != "init" and name not in role_methods):
            continue
        plan.finding(field(fn, "name"), rule, f"`{name}` is left as it is: {why}", step)


def _params(fn: "Node") -> list["Node"]:
    params = field(fn, "parameters")
    return [p for p in named(params) if p.type in ("parameter", "self_parameter")] if params is not None else []


def _signature_ok(fn: "Node", rm: RoleMethod) -> bool:
    params = _params(fn)
    want = 3 if rm.takes_stream else 2
    return len(params) == want and params[0].type == "self_parameter"


def _require_names(plan: "FilePlan", impl: "Node") -> None:
    for name in ("RunRequest", "RunSummary", "RunPhase", "ConnectorError"):
        plan.sdk_name(impl, name)


def _extent_start(plan: "FilePlan", fn: "Node") -> int:
    """Start of a method including its attributes and doc comments (no blank line between)."""
    start = fn.start_byte
    prev = fn.prev_named_sibling
    while prev is not None and prev.type in _ATTACHED:
        gap = plan.data[prev.end_byte : start]
        if gap.count(b"\n") > 1 or gap.strip():
            break
        start = prev.start_byte
        prev = prev.prev_named_sibling
    return start


def emit(plan: "FilePlan", reshape: Reshape) -> None:
    impl = reshape.impl
    data = plan.data
    nl = plan.newline
    unit = plan.facts.indent_unit
    _, first_fn = reshape.present[0]
    indent = line_indent(data, first_fn.start_byte)
    is_async = any(c.type == "function_modifiers" and b"async" in c.text for c in first_fn.children)
    helpers = []
    spans = []
    for rm, fn in reshape.present:
        name = field(fn, "name")
        plan.edit(name, rm.helper, rm.rule_id)
        start = _extent_start(plan, fn)
        helper = indent + plan.render(start, fn.end_byte)
        helpers.append(_wrap_signature(helper, rm.helper, indent, unit, plan.facts.max_width, nl))
        spans.append((start, fn))
    # the dispatcher, at the position of the first role method
    params = _params(first_fn)
    ctx_type = text(field(params[1], "type")) if len(params) > 1 and field(params[1], "type") is not None else "&Context"
    error = _error_type(first_fn) or plan.sdk_name(impl, "ConnectorError")
    req, summ, phase = (plan.sdk_name(impl, n) for n in ("RunRequest", "RunSummary", "RunPhase"))
    err_name = plan.sdk_name(impl, "ConnectorError")
    await_ = ".await" if is_async else ""
    width = plan.facts.max_width
    arm_indent = indent + unit + unit
    arms = []
    for rm, _ in reshape.present:
        args = "ctx, request.stream" if rm.takes_stream else "ctx"
        chain = ["self", f".{rm.helper}({args})", *([await_] if await_ else []), f".map({summ}::{rm.summary})"]
        arms.append(_arm(f"{phase}::{rm.phase}", chain, arm_indent, unit, width, plan.facts.chain_width, nl))
    arms.append(_arm("phase", [f"Err({err_name}::unsupported_phase(phase))"], arm_indent, unit, width, 10**6, nl))
    head = f"{'async ' if is_async else ''}fn run("
    params = ["&mut self", f"ctx: {ctx_type}", f"request: {req}"]
    tail = f") -> Result<{summ}, {error}> {{"
    signature = head + ", ".join(params) + tail
    if len(indent) + len(signature) > width:  # rustfmt: one parameter per line
        signature = head + nl + "".join(f"{indent}{unit}{p},{nl}" for p in params) + indent + tail
    run = (
        signature
        + nl
        + f"{indent}{unit}match request.phase {{{nl}"
        + nl.join(arms)
        + f"{nl}{indent}{unit}}}{nl}{indent}}}"
    )
    first_start, _ = spans[0]
    plan.edit((first_start, first_fn.end_byte), run, "RB409")
    for start, fn in spans[1:]:
        prev = _prev_end(plan, start, fn)
        plan.edit((prev, fn.end_byte), "", "RB409")
    # the moved bodies, in a new inherent impl right after the trait impl
    outer = line_indent(data, impl.start_byte)
    generics = field(impl, "type_parameters")
    header = f"impl{text(generics) if generics is not None else ''} {text(field(impl, 'type'))}"
    where = next((c for c in impl.named_children if c.type == "where_clause"), None)
    if where is not None:
        header += " " + text(where)
    block = f"{nl}{nl}{outer}{header} {{{nl}" + f"{nl}{nl}".join(helpers) + f"{nl}{outer}}}"
    plan.edit((impl.end_byte, impl.end_byte), block, "RB409")


def _arm(pattern: str, chain: list[str], indent: str, unit: str, width: int, chain_width: int, nl: str) -> str:
    """A match arm as rustfmt lays it out: one line; the body in a block; or the method chain broken."""
    expr = "".join(chain)
    if len(expr) <= chain_width:
        line = f"{indent}{pattern} => {expr},"
        if len(line) <= width:
            return line
        return f"{indent}{pattern} => {{{nl}{indent}{unit}{expr}{nl}{indent}}}"
    inner = indent + unit
    return f"{indent}{pattern} => {chain[0]}" + "".join(f"{nl}{inner}{link}" for link in chain[1:]) + ","


def _prev_end(plan: "FilePlan", start: int, fn: "Node") -> int:
    """Where the whitespace before a removed method begins (end of the previous item or the `{`)."""
    pos = start
    while pos > 0 and plan.data[pos - 1 : pos] in (b" ", b"\t", b"\n", b"\r"):
        pos -= 1
    return pos


def _error_type(fn: "Node") -> str | None:
    ret = field(fn, "return_type")
    if ret is None or ret.type != "generic_type":
        return None
    args = field(ret, "type_arguments")
    items = named(args) if args is not None else []
    return text(items[1]) if len(items) == 2 else None


def _wrap_signature(helper: str, name: str, indent: str, unit: str, width: int, nl: str) -> str:
    """A moved method whose signature line the longer helper name pushed past ``max_width``: one parameter per
    line, as rustfmt lays it out."""
    lines = helper.split(nl)
    for i, line in enumerate(lines):
        at = line.find(f"fn {name}(")
        if at < 0:
            continue
        if len(line) <= width:
            return helper
        open_ = at + len(f"fn {name}(")
        depth, close = 1, -1
        for j in range(open_, len(line)):
            ch = line[j]
            depth += ch in "([<"
            depth -= ch in ")]>" and not (ch == ">" and line[j - 1] == "-")
            if depth == 0:
                close = j
                break
        if close < 0:
            return helper  # parameters over several lines already
        params, depth, cur = [], 0, ""
        for ch in line[open_:close]:
            if ch == "," and depth == 0:
                params.append(cur.strip())
                cur = ""
                continue
            depth += ch in "([<"
            depth -= ch in ")]>"
            cur += ch
        if cur.strip():
            params.append(cur.strip())
        wrapped = [line[:open_]] + [f"{indent}{unit}{p}," for p in params] + [indent + line[close:]]
        return nl.join(lines[:i] + wrapped + lines[i + 1:])
    return helper

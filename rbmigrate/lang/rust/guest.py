"""Guest export glue: ``impl Guest`` of a generated role export, and role-trait calls through a qualified path.

- ``impl …::exports::rapidbyte::connector::source_connector::Guest for X``: each v3 role
  function that changes shape in v4 (``open`` returns a session and ``open-info``,
  ``validate``/``close`` take the session, ``run-read``/``run-write``/``run-transform`` and
  ``discover`` become ``run``) is reported with its v4 Rust signature, derived from the canonical
  WIT (the export path itself is renamed by :mod:`.paths` / :mod:`.uses`);
- ``<T as ::rapidbyte_sdk::Source>::init(config)`` → ``::open(config)`` (RB406); a call of a role
  method that moves into ``run`` (``<T as Source>::read(…)``) is reported with its rule.

- the guest's state store: the functions (and the state type) that export glue hands its static
  state slot to, in any crate of the workspace (``rt::with_state(&#slot, …)`` in the macro crate reaches
  ``rapidbyte_sdk::__private::with_state``; :func:`.workspace.state_uses`). v3 keeps one opened connector
  per instance; v4 ``open`` returns a session that later calls name, so the store must be keyed by it:
  each such item is reported (review) with the exports that use it.

Both occur in hand-written glue and, mostly, in the glue a proc-macro emits with ``quote!``
(:mod:`.macrobody` runs this concern on macro bodies too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...ruletable import pascal, snake
from .syntax import field, named, text
from .vocab import ROLE_TRAITS
from .wittypes import first_arg, rust_type

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

def plan_guest(plan: "FilePlan") -> None:
    if b"Guest" in plan.data:
        for impl in plan.captures.get("impl", ()):
            _guest_impl(plan, impl)
    if b"as" in plan.data:
        for path in plan.captures.get("path", ()):
            prefix = field(path, "path")
            if prefix is not None and prefix.type == "bracketed_type":
                _qualified_call(plan, path, prefix)


# ------------------------------------------------------------------ the state store


def plan_state_store(plan: "FilePlan") -> None:
    uses = plan.facts.state_uses.get(plan.scopes.module_path) if plan.facts.state_uses else None
    if not uses:
        return
    for item in named(plan.root):
        name = field(item, "name")
        if item.type in ("function_item", "struct_item", "enum_item", "type_item") and name is not None:
            if text(name) in uses:
                _report_state(plan, name, text(name), uses[text(name)])
        elif item.type == "impl_item" and field(item, "trait") is None and field(item, "body") is not None:
            owner = field(item, "type")
            base = text(field(owner, "type") if owner.type == "generic_type" else owner)
            for fn in named(field(item, "body")):
                fn_name = field(fn, "name") if fn.type == "function_item" else None
                if fn_name is not None and f"{base}::{text(fn_name)}" in uses:
                    _report_state(plan, fn_name, f"{base}::{text(fn_name)}", uses[f"{base}::{text(fn_name)}"])


def _report_state(plan: "FilePlan", name: "Node", shown: str, uses) -> None:
    rules = {fn: rule for (_iface, fn), (rule, *_rest) in _exports(plan).items()}
    exports = list(dict.fromkeys(u.export for u in uses))
    rule = min((rules[e] for e in exports if e in rules), default=None)
    if rule is None:
        return
    sites = ", ".join(u.where for u in uses[:3]) + (", …" if len(uses) > 3 else "")
    what = "is the opened connector's state" if shown[:1].isupper() and "::" not in shown else "keeps the opened connector"
    plural = "s" if len(exports) > 1 else ""
    plan.finding(name, rule, f"`{shown}` {what} for the v3 guest export{plural} {', '.join(f'`{e}`' for e in exports)} "
                 f"({sites}): in v4 `open` returns a session that every later call names",
                 "Key this state by the session: `open` stores the opened connector under a new session and "
                 "returns it; `validate`, `run` and `close` look it up by the session they are given (and fail "
                 "on an unknown one).", severity="warning")


# ------------------------------------------------------------------ impl Guest


def _exports(plan: "FilePlan") -> dict[tuple[str, str], tuple[str, str, str]]:
    """(v3 role interface module, v3 function) → (rule, v4 function (WIT), v4 interface (WIT)).

    A rule names one v3 interface (``open`` under ``source-connector``); it covers the function of
    that name in every role interface (``open`` of ``dest-connector`` too)."""
    cached = getattr(plan.vocab, "_guest_exports", None)
    if cached is not None:
        return cached
    table = plan.ctx.rules
    host = table.wit("v3").interfaces.get(plan.vocab.host.replace("_", "-"))
    roles = {name: iface for name, iface in table.wit("v3").interfaces.items() if iface.functions and iface is not host}
    by_name = {}
    for rename in table.renames:
        if rename.item == "function" and rename.interface in roles:
            by_name.setdefault(rename.old.wit, (rename.rule_id, rename.new.wit))
    out = {}
    for name, iface in roles.items():
        new_iface = plan.vocab.wit_interfaces.get(name, (name,))[0]
        for fn in iface.functions:
            if fn in by_name:
                out[(snake(name), snake(fn))] = (*by_name[fn], new_iface)
                out[(snake(new_iface), snake(fn))] = (*by_name[fn], new_iface)  # v3 glue under a v4 path: still reported
    plan.vocab._guest_exports = out  # type: ignore[attr-defined]
    return out


def _guest_impl(plan: "FilePlan", impl: "Node") -> None:
    trait = field(impl, "trait")
    body = field(impl, "body")
    if trait is None or body is None or trait.type not in ("type_identifier", "scoped_type_identifier"):
        return
    target = plan.scopes.resolve(trait)
    if target is None or target.kind != "binding" or not target.exports or target.path[1:] != ("Guest",):
        return
    iface = target.path[0]
    exports = _exports(plan)
    for item in named(body):
        name = field(item, "name") if item.type == "function_item" else None
        entry = exports.get((iface, text(name))) if name is not None else None
        if entry is None:
            continue
        rule, new, new_iface = entry
        fn = plan.ctx.rules.wit("v4").function(new_iface, new)
        if fn is None or _already_v4(item, text(name), fn):
            continue
        signature = rust_signature(plan, fn)
        old = text(name)
        if new != old.replace("_", "-"):
            what = f"`{old}` is not a v4 export: the v4 `{new_iface}` has `{signature}`"
            step = ("Replace it by `run`, dispatching on `request.phase` (the stream context is the typed "
                    "`request.stream`); write it by hand, the glue's shape is its own.")
        else:
            what = f"`{old}` of `{new_iface}` is `{signature}` in v4"
            step = "Give it the v4 signature by hand (the session comes from `open`), then adapt its body."
        plan.finding(name, rule, what, step + f" WIT: `{fn.declaration}`")
        if "tuple<" in fn.result:
            for unit in _unit_returns(item):
                plan.finding(unit, rule, f"the v4 `{new}` returns `{rust_type(first_arg(fn.result), _qualified(plan))}`; "
                             "this returns `()`", "Return the session and the open-info.")


def _already_v4(item: "Node", name: str, fn) -> bool:
    params = field(item, "parameters")
    count = len([p for p in named(params) if p.type == "parameter"]) if params is not None else 0
    if name.replace("_", "-") != fn.name:
        return False
    if count != len(fn.params):
        return False
    ret = field(item, "return_type")
    return "tuple<" not in fn.result or (ret is not None and text(ret).replace(" ", "").count("(") >= 1
                                         and "Session" in text(ret))


def _unit_returns(item: "Node") -> list["Node"]:
    """``Ok(())`` returned by a function: its body's tail expression and its ``return`` expressions (closures aside)."""
    body = field(item, "body")
    out = []
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type in ("closure_expression", "function_item", "async_block"):
            continue
        if node.type == "return_expression" and named(node):
            node = named(node)[0]
            if text(node).replace(" ", "") == "Ok(())":
                out.append(node)
            continue
        stack.extend(node.named_children)
    tail = named(body)[-1] if body is not None and named(body) else None
    if tail is not None and tail.type == "expression_statement":
        tail = None
    if tail is not None and text(tail).replace(" ", "") == "Ok(())":
        out.append(tail)
    return out


def _qualified(plan: "FilePlan"):
    """Named WIT types as the v4 bindings spell them: through their interface module (`core_types::OpenInfo`)."""
    owners = plan.ctx.rules.wit("v4").type_owner
    return lambda wit: f"{snake(owners[wit])}::{pascal(wit)}" if wit in owners else pascal(wit)


def rust_signature(plan: "FilePlan", fn) -> str:
    """``fn open(config_json: String) -> Result<(core_types::Session, core_types::OpenInfo), …>`` from a WIT function."""
    name = _qualified(plan)
    params = ", ".join(f"{snake(p.name)}: {rust_type(p.type, name)}" for p in fn.params)
    result = f" -> {rust_type(fn.result, name)}" if fn.result else ""
    return f"fn {snake(fn.name)}({params}){result}"


# ------------------------------------------------------------------ <T as Role>::method


def _qualified_call(plan: "FilePlan", path: "Node", bracketed: "Node") -> None:
    qualified = next((c for c in bracketed.children if c.type == "qualified_type"), None)
    name = field(path, "name")
    alias = field(qualified, "alias") if qualified is not None else None
    if alias is None or name is None:
        return
    trait = field(alias, "type") if alias.type == "generic_type" else alias
    if trait is None or trait.type not in ("type_identifier", "scoped_type_identifier"):
        return
    target = plan.scopes.resolve(trait)
    if target is None or target.kind != "sdk" or target.name not in ROLE_TRAITS:
        return
    method = text(name)
    rename = plan.vocab.trait_method_renames.get(method)
    if rename is not None:
        plan.edit(name, rename[0], rename[1])
        return
    for rm in plan.vocab.role_methods:
        if rm.role == target.name and rm.method == method:
            plan.finding(
                name,
                rm.rule_id,
                f"`{target.name}::{method}` is not a v4 trait method: `run` serves phase `RunPhase::{rm.phase}`",
                f"Call `<_ as {target.name}>::run(&mut connector, ctx, request)` with a `RunRequest` of phase "
                f"`RunPhase::{rm.phase}` and read `RunSummary::{rm.summary}`.",
            )
            return

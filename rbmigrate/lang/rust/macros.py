"""Code inside macro invocations (``assert!(host.emit_batch(h).is_err())``, ``vec![…]``).

tree-sitter keeps macro arguments as token trees, not expressions, so the
expression-level concerns never see them. Three token shapes are recognised
here, with the same proofs as elsewhere: ``recv.method(`` where ``recv`` is a
plain local or ``self`` of a proven kind, ``Owner::Variant`` where ``Owner``
is the SDK enum, and a bare SDK type name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .guestcalls import plan_token_call
from .receivers import CONTEXT, HOST_IMPORTS, HOST_TRAIT
from .syntax import text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan


def _prev(node: "Node") -> "Node | None":
    return node.prev_sibling


def plan_macros(plan: "FilePlan") -> None:
    v = plan.vocab
    methods = {**v.method_renames}
    twins = {old + "_impl": (new + "_impl", v.impl_twins_rule) for old, (new, _) in v.method_renames.items()}
    owners = {owner for owner, _ in v.variant_renames}
    for ident in plan.captures.get("ident", ()):
        parent = ident.parent
        if parent is None or parent.type != "token_tree":
            continue
        name = text(ident)
        prev = _prev(ident)
        nxt = ident.next_sibling
        if prev is not None and prev.type == "." and nxt is not None and nxt.type == "token_tree" and nxt.text[:1] == b"(":
            if name in methods or name in twins or name in v.host_imports_renames or name in v.guest_methods:
                _method(plan, ident, prev, name, methods, twins)
            continue
        if prev is not None and prev.type == "::":
            owner = _prev(prev)
            if owner is not None and owner.type == "identifier" and text(owner) in owners:
                entry = v.variant_renames.get((text(owner), name))
                target = plan.scopes.lookup(text(owner), owner)
                if entry is not None and target is not None and target.is_sdk(text(owner)):
                    plan.edit(ident, entry[0], entry[1])
            continue
        if name in v.type_renames:
            target = plan.scopes.lookup(name, ident)
            if target is not None and target.is_sdk(name):
                plan.edit(ident, *v.type_renames[name])


def _method(plan: "FilePlan", ident: "Node", dot: "Node", name: str, methods: dict, twins: dict) -> None:
    v = plan.vocab
    if plan_token_call(plan, ident, dot, name):
        return  # a guest call (reported by .guestcalls)
    recv = _prev(dot)
    if recv is None or recv.type not in ("identifier", "self"):
        return
    before = _prev(recv)
    if before is not None and before.type in (".", "::"):
        return  # `a.b.method(` or a path: not a plain local
    kind = plan.receivers.kind(recv)
    if kind == CONTEXT and name in methods:
        plan.edit(ident, *methods[name])
    elif kind == HOST_IMPORTS and name in v.host_imports_renames:
        plan.edit(ident, *v.host_imports_renames[name])
    elif kind == HOST_TRAIT:
        if name in methods:
            plan.edit(ident, *methods[name])
        elif name in twins:
            plan.edit(ident, *twins[name])

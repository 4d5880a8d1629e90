"""Receiver-aware method renames and the functions whose parameters changed type.

- calls on the SDK ``Context`` (``ctx.emit_batch`` → ``ctx.batch_emit``);
- ``HostImports`` methods (trait, impls, calls on ``host_imports()``);
- the runtime's generated ``Host`` trait: impl methods, their ``_impl`` twins, calls;
- (guest calls and bindgen accessors: :mod:`.guestcalls`);
- ``host_ffi::log(0, …)`` → ``host_ffi::log(LogLevel::Error, …)``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .paths import report_retyped, report_retyped_signature, retyped_origin
from .receivers import CONTEXT, HOST_IMPORTS, HOST_TRAIT
from .syntax import field, named, path_segments, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

_TWIN = "_impl"
_INT = re.compile(r"^([0-9][0-9_]*)(?:[iu](?:8|16|32|64|128|size))?$")


def plan_methods(plan: "FilePlan") -> None:
    v = plan.vocab
    interesting = set(v.method_renames) | set(v.host_imports_renames)
    interesting |= {old + _TWIN for old in v.method_renames}
    interesting |= set(v.retyped) | {new for new, _ in v.method_renames.values()}
    rec = plan.receivers
    for call in plan.captures.get("call", ()):
        fn = field(call, "function")
        if fn is None:
            continue
        if fn.type == "field_expression":
            method = field(fn, "field")
            if method is None or method.type != "field_identifier":
                continue
            name = text(method)
            if name not in interesting:
                continue
            _method_call(plan, rec, call, fn, method, name)
        elif fn.type in ("scoped_identifier", "identifier"):
            _ffi_log(plan, call, fn)
            _ffi_call(plan, call, fn)
    _definitions(plan)
    _ffi_definitions(plan)


# ------------------------------------------------------------- host_ffi free functions

FFI_MODULE = "host_ffi"


def _ffi_call(plan: "FilePlan", call: "Node", fn: "Node") -> None:
    """``host_ffi::emit_batch(h)``: the SDK's free host functions follow their WIT function."""
    segs = path_segments(fn)
    if not segs:
        return
    name = text(segs[-1])
    v = plan.vocab
    if name not in v.host_imports_renames and retyped_origin(plan, name) is None:
        return  # (a retyped function under its v4 name is still reported: findings are stable across runs)
    if fn.type == "identifier":
        if not (plan.facts.is_sdk and plan.scopes.module_path[-1:] == (FFI_MODULE,)):
            return  # a bare call resolves to the host_ffi function only inside that module
        if plan.scopes.lookup(name, fn) is None or plan.scopes.lookup(name, fn).kind not in ("sdk", "local"):
            return
    else:
        target = plan.scopes.resolve(fn)
        if target is None or target.kind != "sdk" or target.path[-2:-1] != (FFI_MODULE,):
            return
    if name in v.host_imports_renames:
        plan.edit(segs[-1], *v.host_imports_renames[name])
    if name != "log":  # `host_ffi::log(0, …)` is RB408's
        report_retyped(plan, call, name)


def _ffi_definitions(plan: "FilePlan") -> None:
    """The free functions of the SDK's ``host_ffi`` module (a file or an inline ``mod host_ffi``)."""
    if not plan.facts.is_sdk:
        return
    v = plan.vocab
    in_file = plan.scopes.module_path[-1:] == (FFI_MODULE,)
    for item in plan.captures.get("fn", ()):
        parent = item.parent
        if parent is None:
            continue
        if parent.type == "source_file":
            if not in_file:
                continue
        elif not (parent.type == "declaration_list" and parent.parent is not None and parent.parent.type == "mod_item"
                  and text(field(parent.parent, "name")) == FFI_MODULE):
            continue
        name_node = field(item, "name")
        if name_node is None:
            continue
        name = text(name_node)
        if name in v.host_imports_renames:
            plan.edit(name_node, *v.host_imports_renames[name])
        report_retyped_signature(plan, item, name)


def _method_call(plan: "FilePlan", rec, call: "Node", fn: "Node", method: "Node", name: str) -> None:
    v = plan.vocab
    kind = rec.kind(field(fn, "value"))
    if kind == CONTEXT and name in v.method_renames:
        new, rule = v.method_renames[name]
        plan.edit(method, new, rule)
    elif kind == HOST_IMPORTS:
        if name in v.host_imports_renames:
            new, rule = v.host_imports_renames[name]
            plan.edit(method, new, rule)
        report_retyped(plan, call, name)
    elif kind == HOST_TRAIT:
        if name in v.method_renames:
            new, rule = v.method_renames[name]
            plan.edit(method, new, rule)
        elif name.endswith(_TWIN) and name[: -len(_TWIN)] in v.method_renames:
            new, _ = v.method_renames[name[: -len(_TWIN)]]
            plan.edit(method, new + _TWIN, v.impl_twins_rule)
        report_retyped(plan, call, name)


def _ffi_log(plan: "FilePlan", call: "Node", fn: "Node") -> None:
    segs = path_segments(fn)
    if not segs or text(segs[-1]) != "log":
        return
    target = plan.scopes.resolve(fn)
    if target is None or target.kind != "sdk" or target.path[-2:] != ("host_ffi", "log"):
        return
    args = field(call, "arguments")
    first = named(args)[0] if args is not None and named(args) else None
    if first is None:
        return
    levels = plan.vocab.log_levels
    if first.type == "integer_literal":
        m = _INT.match(text(first))
        value = int(m.group(1).replace("_", "")) if m else -1
        if 0 <= value < len(levels):
            plan.edit(first, f"{plan.sdk_name(call, 'LogLevel')}::{levels[value]}", "RB408")
            return
    if first.type == "scoped_identifier":
        owner = field(first, "path")
        if owner is not None and plan.scopes.is_sdk(owner, "LogLevel"):
            return  # already v4
    plan.finding(
        first,
        "RB907",
        f"`host_ffi::log` takes a `LogLevel` in v4; `{text(first)}` is not an integer literal 0..3",
        "Pass `LogLevel::Error`, `Warn`, `Info` or `Debug` instead of the integer code.",
    )


# ------------------------------------------------------------ definitions


def _definitions(plan: "FilePlan") -> None:
    v = plan.vocab
    rec = plan.receivers
    for impl in plan.captures.get("impl", ()):
        body = field(impl, "body")
        if body is None:
            continue
        trait = field(impl, "trait")
        # a trait impl renames its methods only when the trait itself is the SDK's or the generated one
        kind = rec.trait_kind(trait) if trait is not None else rec.type_kind(field(impl, "type"))
        if kind is None:
            continue
        for item in named(body):
            if item.type not in ("function_item", "function_signature_item"):
                continue
            name_node = field(item, "name")
            if name_node is None:
                continue
            name = text(name_node)
            if kind == CONTEXT and trait is None and name in v.method_renames:
                plan.edit(name_node, *v.method_renames[name])
            elif kind == HOST_IMPORTS and trait is not None:
                if name in v.host_imports_renames:
                    plan.edit(name_node, *v.host_imports_renames[name])
                report_retyped_signature(plan, item, name)
            elif kind == HOST_TRAIT and trait is not None:
                if name in v.method_renames:
                    plan.edit(name_node, *v.method_renames[name])
                report_retyped_signature(plan, item, name)
            elif kind == HOST_TRAIT and trait is None:
                if name.endswith(_TWIN) and name[: -len(_TWIN)] in v.method_renames:
                    new, _ = v.method_renames[name[: -len(_TWIN)]]
                    plan.edit(name_node, new + _TWIN, v.impl_twins_rule)
    for trait in plan.captures.get("trait", ()):
        name = field(trait, "name")
        if name is None or not plan.scopes.is_sdk(name, "HostImports"):
            continue
        body = field(trait, "body")
        for item in named(body) if body is not None else ():
            fname = field(item, "name") if item.type in ("function_item", "function_signature_item") else None
            if fname is not None and text(fname) in v.host_imports_renames:
                plan.edit(fname, *v.host_imports_renames[text(fname)])
            if fname is not None:
                report_retyped_signature(plan, item, text(fname))

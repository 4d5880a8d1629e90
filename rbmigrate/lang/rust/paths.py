"""Names and paths: SDK type renames, enum variants, binding-module paths, record fields.

``use`` declarations are left to :mod:`.uses`; everything here works on code
outside them. Each rename is applied only where name resolution proves the
SDK (or generated binding) item.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ...ruletable import pascal
from . import serdenames
from .scope import Target, binding_split
from .syntax import enclosing, field, named, path_segments, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

_PATHS = ("scoped_identifier", "scoped_type_identifier")


def freeze_binding_trees(plan: "FilePlan") -> None:
    """Generated binding trees (``mod rapidbyte { mod connector {…} }``, ``mod exports``) are regenerated, not edited.

    A file that holds such a tree at its top level is a checked-in bindings
    file: it is left untouched as a whole and reported once.
    """
    for mod in plan.captures.get("mod", ()):
        if mod.parent is None or mod.parent.type != "source_file":
            continue
        name = field(mod, "name")
        body = field(mod, "body")
        if name is None or body is None:
            continue
        inner = {text(field(m, "name")) for m in named(body) if m.type == "mod_item" and field(m, "name") is not None}
        if (text(name) == "rapidbyte" and "connector" in inner) or (text(name) == "exports" and "rapidbyte" in inner):
            plan.frozen.append((0, len(plan.data)))
            if not _v3_interface_modules(plan, mod):
                return  # bindings of another version: not ours to report
            plan.finding(
                mod,
                "RB001",
                "generated bindings for `rapidbyte:connector@3.0.0` (a checked-in binding tree)",
                "Regenerate this file from the canonical v4 WIT (`wit/v4`) with wit-bindgen / wasmtime `bindgen!`; "
                "never edit it by hand.",
                severity="error",
                end=len(plan.data),  # the whole file is left as it is
            )
            return


def _v3_interface_modules(plan: "FilePlan", mod: "Node") -> bool:
    """Does a binding tree hold a module named after a v3 interface (``types``, ``host``, ``source_connector``)?"""
    stack = [mod]
    while stack:
        node = stack.pop()
        body = field(node, "body")
        for child in named(body) if body is not None else ():
            if child.type != "mod_item":
                continue
            name = field(child, "name")
            if name is not None and text(name) in plan.vocab.interfaces and text(node.child_by_field_name("name")) == "connector":
                return True
            stack.append(child)
    return False


def _in_use(node: "Node") -> bool:
    parent = node.parent
    while parent is not None:
        t = parent.type
        if t == "use_declaration":
            return True
        if t in ("block", "declaration_list", "source_file", "call_expression", "function_item"):
            return False
        parent = parent.parent
    return False




def plan_paths(plan: "FilePlan") -> None:
    v = plan.vocab
    type_names = set(v.type_renames)

    # binding-module paths: every outermost scoped path that passes through rapidbyte::connector::<iface>
    # or starts with a name bound to a binding module
    heads = _binding_heads(plan)
    all_paths = (*plan.captures.get("path", ()), *plan.captures.get("tpath", ()))
    scan = heads or b"connector::" in plan.data
    for node in all_paths if scan else ():
        parent = node.parent
        if parent is not None and parent.type in _PATHS:
            continue  # only the outermost path of a chain `a::b::c`
        raw = node.text
        if b"connector::" not in raw and raw.split(b"::", 1)[0] not in heads:
            continue
        if not _in_use(node):
            _binding_path(plan, node)

    # SDK type renames on bare names and SDK-qualified paths
    type_bytes = {n.encode() for n in type_names}
    for node in (*plan.captures.get("type", ()), *plan.captures.get("ident", ())):
        if node.text in type_bytes:
            _type_name(plan, node, text(node))
    # enum variants: Owner::Variant where Owner is the SDK enum
    variants = {old.encode() for _, old in v.variant_renames}
    for node in all_paths:
        name = field(node, "name")
        if name is not None and name.text in variants:
            _variant(plan, node)
    if plan.facts.is_sdk:
        _variant_definitions(plan)
    _record_fields(plan)


# ------------------------------------------------------------------ types


def _type_name(plan: "FilePlan", node: "Node", name: str) -> None:
    if _in_use(node) or plan.has_edit(node):
        return
    parent = node.parent
    if parent is not None and parent.type in _PATHS and field(parent, "name") == node:
        target = plan.scopes.resolve(parent)
    elif parent is not None and parent.type == "field_expression":
        return
    else:
        target = plan.scopes.lookup(name, node)
    if target is None:
        return
    if target.kind == "sdk" and target.name == name:
        new, rule = plan.vocab.type_renames[name]
        plan.edit(node, new, rule)
    elif target.kind == "binding" and target.name == name and len(target.path) == 2:
        move = plan.vocab.item_moves.get(target.path[0], {}).get(name)
        if move is not None:
            plan.edit(node, move[1], move[0])


# ---------------------------------------------------------------- variants


def _variant(plan: "FilePlan", node: "Node") -> None:
    name = field(node, "name")
    prefix = field(node, "path")
    if name is None or prefix is None or _in_use(node):
        return
    variant = text(name)
    owner_node = path_segments(prefix)
    if not owner_node:
        return
    owner = text(owner_node[-1])
    if owner == "Self":
        impl = enclosing(node, "impl_item")
        ty = field(impl, "type") if impl is not None else None
        if ty is None or ty.type != "type_identifier":
            return
        owner = text(ty)
        target = plan.scopes.lookup(owner, ty)
    else:
        target = plan.scopes.resolve(prefix)
    entry = plan.vocab.variant_renames.get((owner, variant))
    if entry is None or target is None or not target.is_sdk(owner):
        return
    plan.edit(name, entry[0], entry[1])


def _variant_definitions(plan: "FilePlan") -> None:
    for node in plan.captures.get("type", ()):
        parent = node.parent
        if parent is None or parent.type != "enum_item" or field(parent, "name") != node:
            continue
        owner = text(node)
        body = field(parent, "body")
        for variant in named(body) if body is not None else ():
            vname = field(variant, "name") if variant.type == "enum_variant" else None
            if vname is None:
                continue
            entry = plan.vocab.variant_renames.get((owner, text(vname)))
            if entry is not None:
                plan.edit(vname, entry[0], entry[1])
                serdenames.plan_variant(plan, parent, variant, text(vname), entry[0])


# --------------------------------------------------------- binding paths


def _binding_heads(plan: "FilePlan") -> set[bytes]:
    """Local names that ``use`` declarations of this file bind to a binding module (``host``, ``wit``)."""
    from .scope import use_leaves

    heads: set[bytes] = set()
    outer = getattr(plan, "parent", None)  # a macro body: names bound where the macro is written count too
    if outer is not None:
        heads |= _binding_heads(outer)
    for decl in plan.captures.get("use", ()):
        if b"connector::" not in decl.text:
            continue
        for leaf in use_leaves(decl):
            split = binding_split(leaf.path)
            if split is not None and split[0] == len(leaf.path) - 1 and not leaf.glob:
                heads.add(leaf.local.encode())
    return heads


def _binding_path(plan: "FilePlan", outer: "Node") -> None:
    segs = path_segments(outer)
    if not segs or len(segs) < 2:
        return
    texts = [text(s) for s in segs]
    split = binding_split(texts)
    if split is not None:
        i, _exports = split
        iface_node = segs[i]
        item = segs[i + 1] if i + 1 < len(segs) else None
        _rename_binding(plan, iface_node, texts[i], item, head_local=True)
        return
    head = segs[0]
    if head.type not in ("identifier", "type_identifier"):
        return
    target = plan.scopes.lookup(texts[0], head)
    if target is None or target.kind != "binding" or len(target.path) != 1:
        return
    iface = target.path[0]
    item = segs[1]
    # the head names the module through a `use`: rename it only when it is the module's own name
    aliased = texts[0] != iface
    _rename_binding(plan, head, iface, item, head_local=not aliased, via_import=True)


def _rename_binding(
    plan: "FilePlan", iface_node: "Node", iface: str, item: "Node | None", head_local: bool, via_import: bool = False
) -> None:
    v = plan.vocab
    if iface in v.split:  # a v3 module whose items go to several v4 modules: each reference names its owner
        if item is None:
            return
        name = text(item)
        move = v.item_moves[iface].get(name)
        if move is None:
            _no_single_owner(plan, iface_node, iface, name)
            return
        rule, new, owner = move
        if via_import:
            plan.module_refs.setdefault(text(iface_node), Counter())[owner] += 1
            plan.module_heads.append((iface_node, owner, iface))
        else:
            plan.edit(iface_node, owner, v.interfaces[iface][1])
        if new != name:
            plan.edit(item, new, rule)
        if iface == v.host:
            _retyped_call(plan, item)
        return
    v4_host_modules = {owner for *_, owner in v.item_moves.get(v.host, {}).values()}
    if iface in v4_host_modules and iface not in v.interfaces and item is not None:
        _retyped_call(plan, item)  # already v4-named: still report v3-shaped arguments
        return
    entry = v.interfaces.get(iface)
    if entry is None:
        return
    new_iface, rule = entry
    if head_local:
        plan.edit(iface_node, new_iface, rule)
    if item is not None and iface == v.host:
        fn = v.method_renames.get(text(item))
        if fn is not None:
            plan.edit(item, fn[0], fn[1])
        else:
            moved = v.type_renames.get(text(item))
            if moved is not None:
                plan.edit(item, moved[0], moved[1])
        _retyped_call(plan, item)


def _no_single_owner(plan: "FilePlan", iface_node: "Node", iface: str, name: str) -> None:
    """``types::Host`` (the trait of a type-only interface) and the like: a split module's item no v4 module owns."""
    v = plan.vocab
    owners = sorted({o for *_, o in v.item_moves[iface].values()})
    if name == "Host":
        wit = plan.ctx.rules.wit("v4")
        type_only = [f"`{name.replace('-', '_')}::Host`" for name, i in wit.interfaces.items() if not i.functions]
        what = f"`{iface}::Host` is the trait of a type-only interface that v4 splits"
        step = ("Implement " + ", ".join(type_only[:-1]) + f" and {type_only[-1]} instead (a world has the `Host` "
                "trait of each of these interfaces it imports).")
    else:
        what = f"`{iface}::{name}` has no v4 owner: `{iface}` is split into " + ", ".join(f"`{o}`" for o in owners)
        step = "Name the v4 module that owns the item."
    plan.finding(iface_node, v.interfaces[iface][1], what, step)


def _retyped_call(plan: "FilePlan", item: "Node") -> None:
    """A call of a binding host function whose parameters changed type: report it."""
    call = item.parent
    while call is not None and call.type in _PATHS:
        call = call.parent
    if call is None or call.type != "call_expression":
        return
    report_retyped(plan, call, text(item))


_INTEGERS = {"u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"}


def retyped_origin(plan: "FilePlan", name: str) -> str | None:
    """The v3 name of a host function whose parameters changed type, from its v3 or v4 spelling."""
    v = plan.vocab
    if name in v.retyped:
        return name
    renamed = v.host_imports_renames.get(name, (None,))[0]
    if renamed in v.retyped:
        return renamed
    for old, (new, _) in v.method_renames.items():
        if new == name and old in v.retyped:
            return old
    return None


def _stringy(node: "Node") -> bool:
    t = node.type
    if t in ("string_literal", "raw_string_literal", "macro_invocation"):
        return True
    if t == "reference_expression":
        inner = field(node, "value")
        return inner is not None and _stringy(inner)
    if t == "call_expression":
        fn = field(node, "function")
        if fn is not None and fn.type == "field_expression":
            m = field(fn, "field")
            if m is not None and text(m) in ("to_string", "into", "as_str", "to_owned"):
                return True
    if t == "identifier" and "json" not in text(node):
        from .receivers import find_decl

        decl = find_decl(node)  # a local bound to text: `let payload = serde_json::to_string(&envelope)…`
        value = field(decl[1], "value") if decl is not None and decl[0] == "let" else None
        return value is not None and (b"to_string" in value.text or b"json" in value.text or _stringy(value))
    return t in ("identifier", "field_expression") and "json" in text(node)


def _integer_code(node: "Node") -> bool:
    """Is an argument provably a v3 integer code (a literal, a cast, ``x.code()``, an integer-typed local)?"""
    from .receivers import find_decl

    t = node.type
    if t == "integer_literal":
        return True
    if t == "type_cast_expression":
        ty = field(node, "type")
        return ty is not None and text(ty) in _INTEGERS
    if t in ("try_expression", "parenthesized_expression", "reference_expression"):
        inner = named(node)[-1] if named(node) else None
        return inner is not None and _integer_code(inner)
    if t == "call_expression":
        fn = field(node, "function")
        if fn is None:
            return False
        if fn.type == "field_expression":
            m = field(fn, "field")
            return m is not None and text(m) == "code"
        return text(fn).rsplit("::", 1)[-1].endswith(tuple(f"_{i}" for i in _INTEGERS))
    if t == "identifier":
        decl = find_decl(node)
        if decl is not None and decl[0] in ("param", "let"):
            ty = field(decl[1], "type")
            return ty is not None and text(ty) in _INTEGERS
    return False


def report_retyped(plan: "FilePlan", call: "Node", name: str) -> None:
    """Report a call of a retyped host function that still passes the v3 arguments (stable across runs)."""
    old = retyped_origin(plan, name)
    if old is None:
        return
    args = field(call, "arguments")
    items = named(args) if args is not None else []
    new = plan.vocab.method_renames.get(old, (old,))[0]
    payload = plan.vocab.payloads.get(old)
    if payload is not None:
        record, v3_arity, v4_arity = payload
        v3_shape = len(items) == v3_arity != v4_arity
        if v3_shape or any(_stringy(a) for a in items):
            plan.finding(
                call,
                "RB901",
                f"`{new}` takes a typed record in v4; this call passes the v3 JSON payload",
                f"Build the `{record}` record instead of the JSON string.",
            )
        return
    coded = plan.vocab.codes.get(old)
    if coded is None:
        return
    index, enum = coded
    first = items[index] if len(items) > index else None
    if first is None or not _integer_code(first):
        return
    plan.finding(
        first,
        "RB907",
        f"the {enum.replace('-', ' ')} of `{new}` is an enum in v4; `{text(first)}` is an integer code",
        f"Pass the `{pascal(enum)}` member instead of the integer code.",
    )


def report_retyped_signature(plan: "FilePlan", item: "Node", name: str) -> None:
    """A host function definition that still has the v3 parameters (stable across runs)."""
    old = retyped_origin(plan, name)
    if old is None:
        return
    params = field(item, "parameters")
    plist = [p for p in named(params) if p.type == "parameter"] if params is not None else []
    new = plan.vocab.method_renames.get(old, (old,))[0]
    payload = plan.vocab.payloads.get(old)
    if payload is not None:
        def v3_param(p: "Node") -> bool:
            pat, ty = field(p, "pattern"), field(p, "type")
            ty_text = text(ty).replace(" ", "") if ty is not None else ""
            return (pat is not None and "json" in text(pat)) or ty_text in ("String", "&str")
        first = next((p for p in plist if v3_param(p)), None)
        if first is not None:  # at the first v3 parameter (where rustc reports the mismatch with the trait)
            plan.finding(
                first,
                "RB901",
                f"`{new}` takes a typed record in v4; this definition still takes the v3 JSON payload",
                f"Change the parameters to the `{payload[0]}` record and drop the JSON parsing.",
            )
        return
    coded = plan.vocab.codes.get(old)
    ty = field(plist[coded[0]], "type") if coded is not None and len(plist) > coded[0] else None
    if ty is not None and text(ty) in _INTEGERS:
        plan.finding(
            ty,  # where rustc reports the type that no longer matches the trait
            "RB907",
            f"`{new}` takes a `{coded[1]}` enum in v4 where v3 took an integer code",
            "Change the integer parameter to the enum and map its members where the code was used.",
        )


def finish_split_heads(plan: "FilePlan") -> dict[str, str]:
    """Decide where each module import of a split v3 module (``types``) goes.

    Returns {local name: owner the import is retargeted to, or "" when every
    reference names its owner module itself}. ``types::X`` (the module's own
    name) becomes ``<owner>::X``; through an alias (``types as wit``) the alias
    follows the owner most references need and the other references name
    their owner module.
    """
    decided: dict[str, str] = {}
    for local, counts in plan.module_refs.items():
        decided[local] = "" if local in plan.vocab.split else _alias_owner(plan, local, counts)
    for head, owner, iface in plan.module_heads:
        if owner != decided.get(text(head), ""):
            plan.edit(head, owner, plan.vocab.interfaces[iface][1])
    return decided


def _alias_owner(plan: "FilePlan", local: str, counts: Counter) -> str:
    """The owner an alias of a split module (``types as wit``) follows: the v4 module that takes most of the
    v3 module's items (``core_types``) when the alias reaches any of them, else the one most references need."""
    iface = next((i for _h, _o, i in plan.module_heads if text(_h) == local), None)
    moves = plan.vocab.item_moves.get(iface, {}) if iface is not None else {}
    sizes = Counter(owner for *_, owner in moves.values())
    main = sizes.most_common(1)[0][0] if sizes else None
    return main if main in counts else counts.most_common(1)[0][0]


# ----------------------------------------------------------------- fields


def _record_fields(plan: "FilePlan") -> None:
    renames = plan.vocab.field_renames
    if not renames:
        return
    fields_by_name = {old: (owner, new, rule) for (owner, old), (new, rule) in renames.items()}
    for lit in plan.captures.get("lit", ()):
        name = field(lit, "name")
        body = field(lit, "body")
        if name is None or body is None:
            continue
        target = plan.scopes.resolve(name)
        for init in named(body):
            if init.type == "field_initializer":
                fname = field(init, "field")
                entry = fields_by_name.get(text(fname)) if fname is not None else None
                if entry and _is_binding_type(plan, target, entry[0]):
                    plan.edit(fname, entry[1], entry[2])
            elif init.type == "shorthand_field_initializer":
                ident = named(init)[0] if named(init) else None
                entry = fields_by_name.get(text(ident)) if ident is not None else None
                if entry and _is_binding_type(plan, target, entry[0]):
                    plan.edit(init, f"{entry[1]}: {text(ident)}", entry[2])
    for node in plan.captures.get("field", ()):
        fname = field(node, "field")
        entry = fields_by_name.get(text(fname)) if fname is not None else None
        if not entry:
            continue
        value = field(node, "value")
        if value is not None and _is_binding_type(plan, _expr_type(plan, value), entry[0]):
            plan.edit(fname, entry[1], entry[2])


def _is_binding_type(plan: "FilePlan", target: Target | None, owner: str) -> bool:
    return (target is not None and target.kind == "binding" and target.name == owner
            and target.path[0] == plan.vocab.type_ifaces.get(owner))


def _expr_type(plan: "FilePlan", expr: "Node") -> Target | None:
    """The declared type of a local or parameter, when it is written as a path."""
    from .receivers import find_decl

    if expr.type != "identifier":
        return None
    decl = find_decl(expr)
    if decl is None or decl[0] not in ("param", "let"):
        return None
    ty = field(decl[1], "type")
    while ty is not None and ty.type == "reference_type":
        ty = field(ty, "type")
    if ty is None or ty.type not in ("type_identifier", "scoped_type_identifier"):
        return None
    return plan.scopes.resolve(ty)

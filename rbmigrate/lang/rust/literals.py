"""Struct literals that change shape (``ConnectorInfo`` → ``OpenInfo``, ``ValidationResult`` → ``ValidationReport``).

What changes is data: fields a type's rule renames or folds into a nested
record (``[rule.rust]`` ``fields`` / ``fold`` in rules/rust.toml) and fields a
v4 record adds (derived from wit/v3 and wit/v4), through ``Vocab.literals``.
Layout follows rustfmt (the inputs are rustfmt-formatted): a new field goes on
its own line in a multi-line literal and inline in a one-line literal that
still fits; a nested literal breaks over lines when its line would be too wide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .syntax import field, line_indent, line_start, named, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan
    from .vocab import LiteralChange


def plan_literals(plan: "FilePlan") -> None:
    changes = plan.vocab.literals
    for lit in plan.captures.get("lit", ()):
        name = field(lit, "name")
        body = field(lit, "body")
        if name is None or body is None or plan.is_frozen(lit.start_byte, lit.end_byte):
            continue
        target = plan.scopes.resolve(name)
        change = changes.get(target.name) if target is not None else None
        if change is None:
            continue
        sdk = target.kind == "sdk"
        binding = target.kind == "binding" and target.path[:1] == (plan.vocab.type_ifaces.get(target.name),)
        if change.added and (sdk or binding):  # a WIT record: the SDK type and the generated binding
            _added(plan, body, change, from_sdk=binding)
        elif sdk and (change.renamed or change.fold):
            _reshape(plan, lit, body, change)


def plan_field_reads(plan: "FilePlan") -> None:
    """Field reads of a v3 record whose fields changed: renamed or folded where the receiver is provably the
    record (``self`` in its impl, a parameter or local typed or built as it); a folded field is reported
    elsewhere (``info.default_max_batch_bytes`` → ``info.default_limits.max_batch_bytes``)."""
    changes = [c for c in plan.vocab.literals.values() if c.renamed or c.fold]
    wanted = {f.encode() for c in changes for f in [*c.renamed, *([c.fold.old] if c.fold else [])]}
    if not wanted or not any(w in plan.data for w in wanted):
        return
    for node in plan.captures.get("field", ()):
        name = field(node, "field")
        if name is None or name.text not in wanted or plan.is_frozen(node.start_byte, node.end_byte):
            continue
        fname = text(name)
        change = next(c for c in changes if fname in c.renamed or (c.fold and c.fold.old == fname))
        if _receiver_is(plan, field(node, "value"), change):
            if fname in change.renamed:
                plan.edit(name, change.renamed[fname], change.rule_id)
            else:
                plan.edit(name, f"{change.fold.into}.{change.fold.field}", change.rule_id)
        elif change.fold and change.fold.old == fname:
            fold = change.fold
            plan.finding(
                name,
                change.rule_id,
                f"`{fold.old}` of the v3 `{change.v3}` is `{fold.into}.{fold.field}` of `{change.v4}`",
                f"Read `.{fold.into}.{fold.field}` instead.",
                severity="error",
            )


def _names_record(plan: "FilePlan", ty: "Node | None", change: "LiteralChange") -> bool:
    """Is a type node the record of ``change`` (its v3 or v4 name, or ``Self`` inside its impl)?"""
    while ty is not None and ty.type in ("reference_type", "pointer_type"):
        ty = field(ty, "type")
    if ty is None:
        return False
    name = text(ty).rsplit("::", 1)[-1]
    if name == "Self":
        impl = _enclosing_impl(ty)
        return impl is not None and _names_record(plan, field(impl, "type"), change)
    return name in (change.v3, change.v4) and ty.type in ("type_identifier", "scoped_type_identifier")


def _enclosing_impl(node: "Node") -> "Node | None":
    while node is not None and node.type != "impl_item":
        node = node.parent
    return node


def _receiver_is(plan: "FilePlan", value: "Node | None", change: "LiteralChange") -> bool:
    from .receivers import find_decl, in_outer

    if value is None:
        return False
    if value.type == "self":
        impl = _enclosing_impl(value)
        return impl is not None and field(impl, "trait") is None and _names_record(plan, field(impl, "type"), change)
    if value.type in ("call_expression", "struct_expression", "parenthesized_expression"):
        return _built_as(plan, value, change)
    if value.type != "identifier":
        return False
    decl = find_decl(value)
    if decl is None:  # in a macro body (`assert_eq!(info.x, 1)`): where the macro is written
        outer = in_outer(plan, value)
        return outer is not None and _receiver_is(outer[0], outer[1], change)
    kind, node = decl
    if kind == "param":
        return _names_record(plan, field(node, "type"), change)
    if kind == "let":
        if field(node, "type") is not None:
            return _names_record(plan, field(node, "type"), change)
        init = field(node, "value")
        return init is not None and _built_as(plan, init, change)
    return False


def _built_as(plan: "FilePlan", expr: "Node", change: "LiteralChange") -> bool:
    """``X { .. }``, ``X::new(..)``, ``X::default()`` and method chains on them (builders returning Self)."""
    while expr is not None:
        t = expr.type
        if t == "struct_expression":
            return _names_record(plan, field(expr, "name"), change)
        if t == "call_expression":
            fn = field(expr, "function")
            if fn is not None and fn.type == "field_expression":
                expr = field(fn, "value")  # a builder method: follow its receiver
                continue
            if fn is not None and fn.type == "scoped_identifier":
                owner = field(fn, "path")
                return owner is not None and text(owner).rsplit("::", 1)[-1] in (change.v3, change.v4)
            return False
        if t in ("try_expression", "parenthesized_expression"):
            expr = named(expr)[0] if named(expr) else None
            continue
        return False
    return False


def plan_sdk_records(plan: "FilePlan") -> None:
    """Inside a protocol crate (the SDK, or the types crate it builds on): the definitions of records whose
    fields change follow the change (renamed fields, a field folded into a nested record, fields v4 adds)."""
    if not plan.facts.is_sdk:
        return
    by_name = {}
    for change in plan.vocab.literals.values():
        by_name[change.v3] = by_name[change.v4] = change
    for item in plan.captures.get("struct", ()):
        name = field(item, "name")
        body = field(item, "body")
        if name is None or body is None or body.type != "field_declaration_list":
            continue
        change = by_name.get(text(name))
        if change is None or plan.is_frozen(item.start_byte, item.end_byte):
            continue
        decls = [f for f in named(body) if f.type == "field_declaration" and field(f, "name") is not None]
        fields = {text(field(f, "name")): f for f in decls}
        for old, new in change.renamed.items():
            if old in fields and new not in fields:
                plan.edit(field(fields[old], "name"), new, change.rule_id)
        fold = change.fold
        if fold is not None and fold.old in fields and fold.into not in fields:
            decl = fields[fold.old]
            record = plan.sdk_name(decl, fold.type)
            plan.edit((field(decl, "name").start_byte, decl.end_byte), f"{fold.into}: {record}", change.rule_id)
        missing = [(f, ty) for f, _empty, ty in change.added if f not in fields]
        if missing and decls:
            last = decls[-1]
            vis = field(last, "visibility") if hasattr(last, "child_by_field_name") else None
            vis = next((c for c in named(last) if c.type == "visibility_modifier"), None)
            prefix = (text(vis) + " ") if vis is not None else ""
            indent = line_indent(plan.data, last.start_byte)
            serde = "#[serde(default)]" if _derives_deserialize(item) else ""
            lines = "".join(
                (f"{plan.newline}{indent}{serde}" if serde else "") + f"{plan.newline}{indent}{prefix}{f}: {ty},"
                for f, ty in missing)
            end = last.end_byte
            comma = plan.data[end:end + 1] == b","
            at = end + 1 if comma else end
            plan.edit((at, at), ("" if comma else ",") + lines, change.rule_id)


def _derives_deserialize(item: "Node") -> bool:
    prev = item.prev_named_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "attribute_item" and "derive" in text(prev) and "Deserialize" in text(prev):
            return True
        prev = prev.prev_named_sibling
    return False


def _fields(body: "Node") -> list["Node"]:
    return [c for c in named(body) if c.type in ("field_initializer", "shorthand_field_initializer", "base_field_initializer")]


def _field_name(init: "Node") -> str:
    if init.type == "field_initializer":
        f = field(init, "field")
        return text(f) if f is not None else ""
    if init.type == "shorthand_field_initializer":
        return text(named(init)[0]) if named(init) else ""
    return ""


def _added(plan: "FilePlan", body: "Node", change: "LiteralChange", from_sdk: bool = False) -> None:
    inits = _fields(body)
    if not inits or any(i.type == "base_field_initializer" for i in inits):
        return
    have = {_field_name(i) for i in inits}
    source = _sdk_source(plan, inits, change) if from_sdk else None
    for name, empty, _ty in change.added:
        if name not in have:
            value = f"{source}.{name}" if source else empty
            _append_field(plan, body, inits, f"{name}: {value}", change.rule_id)


def _sdk_source(plan: "FilePlan", inits: list["Node"], change: "LiteralChange") -> str | None:
    """A binding record built field by field from the SDK's record (`wit::ValidationReport { status, message:
    result.message }` in a conversion from the SDK's `ValidationReport`): the name of that SDK value, whose v4
    type has the fields v4 adds too (carried over, not dropped for an empty default)."""
    bases = set()
    for init in inits:
        value = field(init, "value") if init.type == "field_initializer" else None
        if value is None or value.type != "field_expression":
            continue
        base, fname = field(value, "value"), field(value, "field")
        if base is not None and fname is not None and base.type == "identifier" and text(fname) == _field_name(init):
            bases.add((text(base), base))
    if len({name for name, _ in bases}) != 1:
        return None
    name, base = next(iter(bases))
    if _borrowed(base):
        return None  # `result.warnings` would move out of a borrow
    return name if _receiver_is(plan, base, change) else None


def _borrowed(ident: "Node") -> bool:
    """Is a local or parameter declared with a reference type (or with `ref`)?"""
    from .receivers import find_decl

    decl = find_decl(ident)
    if decl is None:
        return False
    _kind, node = decl
    ty = field(node, "type")
    pattern = field(node, "pattern")
    return (ty is not None and ty.type in ("reference_type", "pointer_type")) or (
        pattern is not None and pattern.type in ("ref_pattern", "reference_pattern"))


def _append_field(plan: "FilePlan", body: "Node", inits: list["Node"], new_field: str, rule: str) -> None:
    data = plan.data
    last = inits[-1]
    close = body.end_byte - 1  # the `}`
    between = data[last.end_byte : close]
    multiline = b"\n" in between
    if multiline:
        indent = line_indent(data, last.start_byte)
        if between.lstrip().startswith(b","):
            comma = last.end_byte + between.index(b",") + 1
            plan.edit((comma, comma), f"{plan.newline}{indent}{new_field},", rule)
        else:
            plan.edit((last.end_byte, last.end_byte), f",{plan.newline}{indent}{new_field}", rule)
        return
    start = line_start(data, body.start_byte)
    end = data.find(b"\n", body.end_byte)
    end = len(data) if end < 0 else end
    line_len = len(data[start:end].rstrip(b"\r").decode("utf-8"))
    body_len = len(data[body.start_byte : body.end_byte].decode("utf-8")) - 4  # without `{ ` and ` }`
    grow = len(new_field) + 2
    width, lit_width = plan.facts.max_width, plan.facts.struct_lit_width
    fits_before = line_len <= width and body_len <= lit_width
    fits_after = line_len + grow <= width and body_len + grow <= lit_width
    if fits_after or not fits_before:  # a literal rustfmt did not lay out is extended as it is
        plan.edit((last.end_byte, last.end_byte), f", {new_field}", rule)
        return
    # rustfmt would break the literal: one field per line
    indent = line_indent(data, body.start_byte)
    inner = indent + plan.facts.indent_unit
    parts = [plan.render(i.start_byte, i.end_byte) for i in inits] + [new_field]
    nl = plan.newline
    text_ = "{" + nl + "".join(f"{inner}{p},{nl}" for p in parts) + indent + "}"
    plan.edit((body.start_byte, body.end_byte), text_, rule)


def _reshape(plan: "FilePlan", lit: "Node", body: "Node", change: "LiteralChange") -> None:
    inits = _fields(body)
    names = {_field_name(i) for i in inits}
    renamed, fold = change.renamed, change.fold
    if set(renamed.values()) & names or (fold is not None and fold.into in names):
        return  # already v4
    data = plan.data
    rule = change.rule_id
    record = plan.sdk_name(lit, fold.type) if fold is not None else ""
    if b"\n" in data[body.start_byte : body.end_byte]:
        for init in inits:  # a multi-line literal: each field in place
            fname = _field_name(init)
            if fname in renamed:
                _rename_field(plan, init, fname, renamed[fname], rule)
            elif fold is not None and fname == fold.old:
                indent = line_indent(data, init.start_byte)
                value = _value_text(plan, init)
                start = line_start(data, init.start_byte)
                end = data.find(b"\n", init.end_byte)
                end = len(data) if end < 0 else end
                prefix = len(data[start : init.start_byte].decode("utf-8"))
                suffix = len(data[init.end_byte : end].rstrip(b"\r").decode("utf-8"))
                plan.edit(init, _fold_text(plan, fold, record, value, indent, prefix, suffix), rule)
        return
    if fold is None or fold.old not in names:
        for init in inits:
            if _field_name(init) in renamed:
                _rename_field(plan, init, _field_name(init), renamed[_field_name(init)], rule)
        return
    # a one-line literal: print it again, on one line when it still fits, else one field per line
    texts = []
    for init in inits:
        fname = _field_name(init)
        if fname in renamed:
            value = fname if init.type == "shorthand_field_initializer" else _value_text(plan, init)
            texts.append((f"{renamed[fname]}: {value}", None))
        elif fname == fold.old:
            texts.append((None, _value_text(plan, init)))
        else:
            texts.append((plan.render(init.start_byte, init.end_byte), None))
    start = line_start(data, body.start_byte)
    end = data.find(b"\n", body.end_byte)
    end = len(data) if end < 0 else end
    before = len(data[start : body.start_byte].decode("utf-8"))
    after = len(data[body.end_byte : end].rstrip(b"\r").decode("utf-8"))
    single = lambda v: _fold_single(fold, record, v)  # noqa: E731
    flat = [t if t is not None else single(v) for t, v in texts]
    inner = ", ".join(flat)
    if (
        "\n" not in inner
        and before + len(inner) + 4 + after <= plan.facts.max_width
        and len(inner) <= plan.facts.struct_lit_width
        and len(single("").replace(f"{fold.into}: ", "")) <= plan.facts.struct_lit_width
    ):
        plan.edit(body, "{ " + inner + " }", rule)
        return
    indent = line_indent(data, body.start_byte)
    field_indent = indent + plan.facts.indent_unit
    nl = plan.newline
    lines = []
    for t, v in texts:
        if t is None:
            t = _fold_text(plan, fold, record, v, field_indent, len(field_indent), 1)
        lines.append(f"{field_indent}{t},")
    plan.edit(body, "{" + nl + nl.join(lines) + nl + indent + "}", rule)


def _rename_field(plan: "FilePlan", init: "Node", fname: str, new: str, rule: str) -> None:
    if init.type == "shorthand_field_initializer":
        plan.edit(init, f"{new}: {fname}", rule)
    else:
        plan.edit(field(init, "field"), new, rule)


def _value_text(plan: "FilePlan", init: "Node") -> str:
    value = field(init, "value") if init.type == "field_initializer" else None
    if value is None:
        return _field_name(init)
    return plan.render(value.start_byte, value.end_byte)


def _fold_single(fold, record: str, value: str) -> str:
    return f"{fold.into}: {record} {{ {fold.field}: {value}, ..{record}::default() }}"


def _fold_text(plan: "FilePlan", fold, record: str, value: str, indent: str, prefix: int, suffix: int) -> str:
    """``default_limits: StreamLimits { max_batch_bytes: X, ..StreamLimits::default() }``, as rustfmt lays it out."""
    single = _fold_single(fold, record, value)
    body_len = len(single) - len(f"{fold.into}: {record} {{  }}")
    if "\n" not in value and prefix + len(single) + suffix <= plan.facts.max_width and body_len <= plan.facts.struct_lit_width:
        return single
    inner = indent + plan.facts.indent_unit
    nl = plan.newline
    return (
        f"{fold.into}: {record} {{{nl}{inner}{fold.field}: {value},{nl}"
        f"{inner}..{record}::default(){nl}{indent}}}"
    )

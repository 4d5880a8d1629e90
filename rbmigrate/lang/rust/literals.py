"""Struct literals that change shape: ``ConnectorInfo`` → ``OpenInfo`` and ``ValidationResult`` → ``ValidationReport``.

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

RENAMED_FIELDS = {"features": "capabilities"}  # ConnectorInfo → OpenInfo (rules/rust.toml RB407)
BATCH_FIELD = "default_max_batch_bytes"
WARNINGS = "warnings: Vec::new()"


def plan_literals(plan: "FilePlan") -> None:
    for lit in plan.captures.get("lit", ()):
        name = field(lit, "name")
        body = field(lit, "body")
        if name is None or body is None or plan.is_frozen(lit.start_byte, lit.end_byte):
            continue
        target = plan.scopes.resolve(name)
        if target is None:
            continue
        sdk = target.kind == "sdk"
        binding = target.kind == "binding" and target.path[:1] == ("types",)
        if (sdk or binding) and target.name == "ValidationResult":
            _validation(plan, lit, body)
        elif sdk and target.name == "ConnectorInfo":
            _open_info(plan, lit, body)


def plan_field_reads(plan: "FilePlan") -> None:
    """``info.default_max_batch_bytes`` on a v3 ``ConnectorInfo``: the value moved into ``default_limits``."""
    if BATCH_FIELD.encode() not in plan.data:
        return
    for node in plan.captures.get("field", ()):
        name = field(node, "field")
        if name is not None and name.text == BATCH_FIELD.encode() and not plan.is_frozen(node.start_byte, node.end_byte):
            plan.finding(
                name,
                "RB407",
                "`default_max_batch_bytes` of the v3 `ConnectorInfo` is `default_limits.max_batch_bytes` of `OpenInfo`",
                "Read `.default_limits.max_batch_bytes` instead.",
                severity="error",
            )


def plan_sdk_records(plan: "FilePlan") -> None:
    """Inside the SDK: record definitions whose fields change are the SDK team's upgrade; report them."""
    if not plan.facts.is_sdk:
        return
    for item in plan.captures.get("struct", ()):
        name = field(item, "name")
        body = field(item, "body")
        if name is None or body is None or body.type != "field_declaration_list":
            continue
        fields = {text(field(f, "name")) for f in named(body) if f.type == "field_declaration" and field(f, "name")}
        n = text(name)
        if n in ("ConnectorInfo", "OpenInfo") and (BATCH_FIELD in fields or set(RENAMED_FIELDS) & fields):
            plan.finding(
                name,
                "RB407",
                "`OpenInfo` (v3 `ConnectorInfo`) still has the v3 fields `features` / `default_max_batch_bytes`",
                "Give the SDK type the v4 fields `capabilities: Vec<Feature>` and `default_limits: StreamLimits`.",
                severity="error",
            )
        elif n in ("ValidationResult", "ValidationReport") and "warnings" not in fields:
            plan.finding(
                name,
                "RB201",
                "`ValidationReport` (v3 `ValidationResult`) has no `warnings: Vec<String>` field",
                "Add the field to the SDK type and carry it through the WIT conversion.",
                severity="error",
            )


def _fields(body: "Node") -> list["Node"]:
    return [c for c in named(body) if c.type in ("field_initializer", "shorthand_field_initializer", "base_field_initializer")]


def _field_name(init: "Node") -> str:
    if init.type == "field_initializer":
        f = field(init, "field")
        return text(f) if f is not None else ""
    if init.type == "shorthand_field_initializer":
        return text(named(init)[0]) if named(init) else ""
    return ""


def _validation(plan: "FilePlan", lit: "Node", body: "Node") -> None:
    inits = _fields(body)
    if not inits or any(i.type == "base_field_initializer" for i in inits):
        return
    if any(_field_name(i) == "warnings" for i in inits):
        return
    _append_field(plan, body, inits, WARNINGS, "RB201")


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


def _open_info(plan: "FilePlan", lit: "Node", body: "Node") -> None:
    inits = _fields(body)
    names = {_field_name(i) for i in inits}
    if "capabilities" in names or "default_limits" in names:
        return
    data = plan.data
    limits = plan.sdk_name(lit, "StreamLimits")
    if b"\n" in data[body.start_byte : body.end_byte]:
        for init in inits:  # a multi-line literal: each field in place
            fname = _field_name(init)
            if fname in RENAMED_FIELDS:
                _rename_field(plan, init, fname)
            elif fname == BATCH_FIELD:
                indent = line_indent(data, init.start_byte)
                value = _value_text(plan, init)
                start = line_start(data, init.start_byte)
                end = data.find(b"\n", init.end_byte)
                end = len(data) if end < 0 else end
                prefix = len(data[start : init.start_byte].decode("utf-8"))
                suffix = len(data[init.end_byte : end].rstrip(b"\r").decode("utf-8"))
                plan.edit(init, _limits_text(plan, limits, value, indent, prefix, suffix), "RB407")
        return
    if BATCH_FIELD not in names:
        for init in inits:
            if _field_name(init) in RENAMED_FIELDS:
                _rename_field(plan, init, _field_name(init))
        return
    # a one-line literal: print it again, on one line when it still fits, else one field per line
    texts = []
    for init in inits:
        fname = _field_name(init)
        if fname in RENAMED_FIELDS:
            new = RENAMED_FIELDS[fname]
            value = fname if init.type == "shorthand_field_initializer" else _value_text(plan, init)
            texts.append((f"{new}: {value}", None))
        elif fname == BATCH_FIELD:
            texts.append((None, _value_text(plan, init)))
        else:
            texts.append((plan.render(init.start_byte, init.end_byte), None))
    start = line_start(data, body.start_byte)
    end = data.find(b"\n", body.end_byte)
    end = len(data) if end < 0 else end
    before = len(data[start : body.start_byte].decode("utf-8"))
    after = len(data[body.end_byte : end].rstrip(b"\r").decode("utf-8"))
    single_limits = lambda v: f"default_limits: {limits} {{ max_batch_bytes: {v}, ..{limits}::default() }}"
    flat = [t if t is not None else single_limits(v) for t, v in texts]
    inner = ", ".join(flat)
    if (
        "\n" not in inner
        and before + len(inner) + 4 + after <= plan.facts.max_width
        and len(inner) <= plan.facts.struct_lit_width
        and len(single_limits("").replace("default_limits: ", "")) <= plan.facts.struct_lit_width
    ):
        plan.edit(body, "{ " + inner + " }", "RB407")
        return
    indent = line_indent(data, body.start_byte)
    field_indent = indent + plan.facts.indent_unit
    nl = plan.newline
    lines = []
    for t, v in texts:
        if t is None:
            t = _limits_text(plan, limits, v, field_indent, len(field_indent), 1)
        lines.append(f"{field_indent}{t},")
    plan.edit(body, "{" + nl + nl.join(lines) + nl + indent + "}", "RB407")


def _rename_field(plan: "FilePlan", init: "Node", fname: str) -> None:
    new = RENAMED_FIELDS[fname]
    if init.type == "shorthand_field_initializer":
        plan.edit(init, f"{new}: {fname}", "RB407")
    else:
        plan.edit(field(init, "field"), new, "RB407")


def _value_text(plan: "FilePlan", init: "Node") -> str:
    value = field(init, "value") if init.type == "field_initializer" else None
    if value is None:
        return _field_name(init)
    return plan.render(value.start_byte, value.end_byte)


def _limits_text(plan: "FilePlan", limits: str, value: str, indent: str, prefix: int, suffix: int) -> str:
    """``default_limits: StreamLimits { max_batch_bytes: X, ..StreamLimits::default() }``, as rustfmt lays it out."""
    single = f"default_limits: {limits} {{ max_batch_bytes: {value}, ..{limits}::default() }}"
    body_len = len(single) - len(f"default_limits: {limits} {{  }}")
    if "\n" not in value and prefix + len(single) + suffix <= plan.facts.max_width and body_len <= plan.facts.struct_lit_width:
        return single
    inner = indent + plan.facts.indent_unit
    nl = plan.newline
    return (
        f"default_limits: {limits} {{{nl}{inner}max_batch_bytes: {value},{nl}"
        f"{inner}..{limits}::default(){nl}{indent}}}"
    )

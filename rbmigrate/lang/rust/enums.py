"""SDK enums take the WIT case names, and the cases v4 adds (``LogLevel::Trace``).

In a protocol crate (the SDK, or a types crate it builds on), an enum named
after a canonical v4 WIT enum (``LogLevel`` for ``log-level``) gains the cases
the WIT enum has and it lacks (renamed variants are the variant rules' work).
The new variants go after the last one, in the enum's own layout. A ``match``
that names the enum's variants one by one (no wildcard) is no longer
exhaustive: it gets a finding on its scrutinee (where rustc reports it), since what a new case should do
there is the author's call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...ruletable import pascal
from .syntax import field, line_indent, named, path_segments, text

if TYPE_CHECKING:  # pragma: no cover
    from .plan import FilePlan

RULE = "RB103"  # `log` takes the `log-level` enum; its new `trace` case comes with it


def _wit_enums(plan: "FilePlan") -> dict[str, tuple[tuple[str, ...], str]]:
    """Pascal name → (its v4 cases in Pascal, the rule that retyped the parameter carrying it)."""
    cached = getattr(plan.vocab, "_wit_enums", None)
    if cached is not None:
        return cached
    table = plan.ctx.rules
    rules = {codes.enum: codes.rule_id for codes in table.integer_codes.values()}
    # what v3 named already: the cases of the same enum in wit/v3, or the integer codes v3 gave names to
    v3_named: dict[str, set[str]] = {}
    for codes in table.integer_codes.values():
        v3_named.setdefault(codes.enum, set()).update(codes.values.values())
    v3 = table.wit("v3")
    out = {}
    for iface in table.wit("v4").interfaces.values():
        for t in iface.types.values():
            if t.kind != "enum":
                continue
            old = v3.type(t.name)
            known = set(old.members) if old is not None and old.kind == "enum" else v3_named.get(t.name)
            if known is None:
                continue  # an enum new in v4: nothing in v3 to extend
            new = tuple(pascal(c) for c in t.members if c not in known)
            if new:
                out[pascal(t.name)] = (new, rules.get(t.name, RULE))
    plan.vocab._wit_enums = out  # type: ignore[attr-defined]
    return out


def plan_enums(plan: "FilePlan") -> None:
    if not plan.facts.is_sdk:
        return
    wit = _wit_enums(plan)
    renamed = {(o, new) for (o, _old), (new, _rule) in plan.vocab.variant_renames.items()}
    renamed_from = {(o, old) for (o, old) in plan.vocab.variant_renames}
    grown: dict[str, list[str]] = {}
    for item in plan.captures.get("type", ()):
        enum = item.parent
        if enum is None or enum.type != "enum_item" or field(enum, "name") != item or plan.is_frozen(enum.start_byte, enum.end_byte):
            continue
        name = text(item)
        if name not in wit:
            continue
        cases, rule = wit[name]
        body = field(enum, "body")
        variants = [v for v in named(body) if v.type == "enum_variant"] if body is not None else []
        have = {text(field(v, "name")) for v in variants if field(v, "name") is not None}
        have |= {new for (o, old) in renamed_from if o == name and old in have for (o2, new) in renamed if o2 == o}
        missing = [c for c in cases if c not in have]  # `cases`: the ones v4 adds
        if not missing or not variants or any(field(v, "value") is not None for v in variants):
            continue  # an enum with explicit discriminants is not ours to extend
        last = variants[-1]
        end = last.end_byte
        comma = plan.data[end:end + 1] == b","
        at = end + 1 if comma else end
        if b"\n" in plan.data[body.start_byte:body.end_byte]:
            indent = line_indent(plan.data, last.start_byte)
            text_ = ("" if comma else ",") + "".join(f"{plan.newline}{indent}{c}," for c in missing)
        else:  # a one-line enum stays on one line
            text_ = ("" if comma else ",") + "".join(f" {c}," for c in missing)
            text_ = text_[:-1] if not comma else text_
        plan.edit((at, at), text_, rule)
        grown[name] = missing
    _report_matches(plan, {name: list(cases) for name, (cases, _rule) in wit.items()})


def _report_matches(plan: "FilePlan", grown: dict[str, list[str]]) -> None:
    """A match naming the variants of an SDK enum one by one, without the cases v4 adds (before or after the
    enum itself gained them: the same finding on every run)."""
    for match in plan.captures.get("match", ()):
        body = field(match, "body")
        arms = [a for a in named(body) if a.type == "match_arm"] if body is not None else []
        owners = set()
        wildcard = False
        for arm in arms:
            pat = field(arm, "pattern")
            inner = named(pat)[0] if pat is not None and named(pat) else pat
            segs = path_segments(inner) if inner is not None else None
            if inner is None or (inner.type in ("identifier", "_") or text(inner) == "_"):
                wildcard = True
                continue
            if segs and len(segs) >= 2:
                owners.add(text(segs[-2]))
        hit = [o for o in owners if o in grown]
        if hit and not wildcard and arms:
            owner = hit[0]
            named_cases = {text(seg) for arm in arms if field(arm, "pattern") is not None
                           for seg in (path_segments(named(field(arm, "pattern"))[0]) or [])[-1:]
                           if named(field(arm, "pattern"))}
            lacking = [c for c in grown[owner] if c not in named_cases]
            if not lacking:
                continue
            rule = _wit_enums(plan)[owner][1]
            cases = ", ".join(f"`{owner}::{c}`" for c in lacking)
            at = field(match, "value") or arms[-1]  # where rustc reports a non-exhaustive match
            plan.finding(at, rule, f"`{owner}` gains {cases} in v4; this match names every v3 case",
                         f"Add an arm for {cases}.")

"""Code spans in comments: `ctx.emit_batch()` → `ctx.batch_emit()`; the prose around them stays.

Only text between backticks is looked at, and inside it only spellings that
can only mean the protocol item: a renamed method called with ``.`` or ``::``,
a renamed SDK type, an ``Enum::Variant``, a binding module path, a kebab-case
WIT name, a package string, an integer level of the raw logger (``host_ffi::log(0, ..)``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..jsonprose import json_payload
from .strings import rewrite_package_strings
from .vocab import ROLE_TRAITS

if TYPE_CHECKING:  # pragma: no cover
    from .plan import FilePlan

_SPAN = re.compile(r"`([^`\n]+)`")


def _patterns(plan: "FilePlan") -> list[tuple[re.Pattern, dict[str, tuple[str, str]], int]]:
    """(pattern, {old: (new, rule)}, group) triples, built once per vocabulary."""
    cached = getattr(plan.vocab, "_doc_patterns", None)
    if cached is not None:
        return cached
    v = plan.vocab
    pats: list[tuple[re.Pattern, dict[str, tuple[str, str]], int]] = []

    def alt(names):
        return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))

    methods = dict(v.method_renames)
    methods.update(v.guest_calls)
    methods.update(v.accessors)
    methods.update({k: val for k, val in v.host_imports_renames.items() if "_" in k})
    # names with an underscore only exist in the protocol; `checkpoint` and `metric` are ordinary
    # words, renamed only on a receiver that reads as the context or the host (`ctx.`, `Context::`)
    distinct = {k: val for k, val in methods.items() if "_" in k}
    plain = {k: val for k, val in methods.items() if "_" not in k}
    pats.append((re.compile(r"(?:\.|::)(" + alt(distinct) + r")\b(?![\w-])"), distinct, 1))
    # a bindgen accessor is distinctive on its own: `rapidbyte_connector_source_connector()`
    pats.append((re.compile(r"(?<![\w-])(" + alt(v.accessors) + r")(?![\w-])"), dict(v.accessors), 1))
    receiver = r"(?i:\w*(?:ctx|context|host)\w*(?:\(\))?)"
    pats.append((re.compile(r"\b" + receiver + r"(?:\.|::)(" + alt(plain) + r")\b(?![\w-])"), plain, 1))
    types = dict(v.type_renames)
    pats.append((re.compile(r"(?<![\w:])(" + alt(types) + r")\b"), types, 1))
    for old, owner in sorted(v.type_owners.items()):  # through its SDK module: `crate::host_tcp::HostTcpStream`
        pats.append((re.compile(r"\b" + re.escape(owner) + r"::(" + re.escape(old) + r")\b"), {old: types[old]}, 1))
    variants = {f"{o}::{old}": (f"{o}::{new}", rule) for (o, old), (new, rule) in v.variant_renames.items()}
    pats.append((re.compile(r"\b(" + alt(variants) + r")\b"), variants, 1))
    ifaces = {f"connector::{old}": (f"connector::{new}", rule) for old, (new, rule) in v.interfaces.items() if old not in v.split}
    pats.append((re.compile(r"\b(" + alt(ifaces) + r")\b"), ifaces, 1))
    # host functions only: a role function (`run-read`) has no one-word v4 spelling in prose
    kebab = {old: val for old, val in v.wit_functions.items() if "-" in old and old.replace("-", "_") in v.method_renames}
    kebab.update({old: val for old, val in v.wit_interfaces.items() if "-" in old})
    pats.append((re.compile(r"(?<![\w-])(" + alt(kebab) + r")(?![\w-])"), kebab, 1))
    # a whole span naming a distinctive protocol item on its own: `emit_batch`, its twin `emit_batch_impl`,
    # a role module `dest_connector`
    whole = dict(distinct)
    whole.update({f"{k}_impl": (f"{n}_impl", v.impl_twins_rule) for k, (n, _) in v.method_renames.items()})
    whole.update({k: val for k, val in v.interfaces.items() if "_" in k and k not in v.split})
    pats.append((re.compile(r"^(" + alt(whole) + r")(?:\(\))?$"), whole, 1))
    # a renamed method of an SDK role trait: `Source::init` → `Source::open`
    trait_methods = {f"{t}::{old}": (f"{t}::{new}", rule)
                     for t in ROLE_TRAITS for old, (new, rule) in v.trait_method_renames.items()}
    pats.append((re.compile(r"\b(" + alt(trait_methods) + r")\b"), trait_methods, 1))
    # the raw logger with a v3 integer level (RB408): `host_ffi::log(0, ..)` → `host_ffi::log(LogLevel::Error, ..)`
    levels = {str(i): (f"LogLevel::{name}", "RB408") for i, name in enumerate(v.log_levels)}
    if levels:
        pats.append((re.compile(r"\bhost_ffi::log\(\s*(" + alt(levels) + r")\b(?!\.)"), levels, 1))
    v._doc_patterns = pats  # type: ignore[attr-defined]
    return pats


def rewrite_span(plan: "FilePlan", span: str) -> list[tuple[int, int, str, str]]:
    """Replacements (start, end, new, rule) inside one code span."""
    out: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for start, end, new, rule in rewrite_package_strings(plan.vocab, span):
        out.append((start, end, new, rule))
        taken.append((start, end))
    for pattern, table, group in _patterns(plan):
        for m in pattern.finditer(span):
            s, e = m.span(group)
            if any(a < e and s < b for a, b in taken):
                continue
            new, rule = table[m.group(group)]
            out.append((s, e, new, rule))
            taken.append((s, e))
    return out


def plan_docs(plan: "FilePlan") -> None:
    comments = plan.captures.get("comment", ())
    _payload_prose(plan, comments)
    for comment in comments:
        raw = comment.text
        if b"`" not in raw:
            continue
        base = comment.start_byte
        body = raw.decode("utf-8", "replace")
        for m in _SPAN.finditer(body):
            span_start = base + len(body[: m.start(1)].encode("utf-8"))
            span = m.group(1)
            gone = _removed_role_method(plan, span)
            if gone is not None:
                plan.finding(span_start, gone.rule_id, f"`{span}` names a v3 role method; v4 has `{gone.role}::run`",
                             f"Say `{gone.role}::run` (phase `{gone.summary}`) in this comment.")
                continue
            split = _split_interface(plan, span, body[: m.start()], body[m.end():])
            if split is not None:
                plan.finding(span_start, split[1], f"`{span}` names the v3 interface that v4 splits into {split[0]}",
                             f"Name the v4 interface this comment means ({split[0]}).", severity="warning",
                             end=span_start + len(span.encode("utf-8")))
                continue
            contextual = _in_context(plan, span, body[: m.start()], body[m.end():])
            if contextual is not None:
                plan.edit((span_start, span_start + len(span.encode("utf-8"))), *contextual, code=False)
                continue
            for s, e, new, rule in rewrite_span(plan, span):
                bs = span_start + len(span[:s].encode("utf-8"))
                be = span_start + len(span[:e].encode("utf-8"))
                plan.edit((bs, be), new, rule, code=False)


def _paragraphs(comments) -> list[list]:
    """Doc comments grouped the way Markdown reads them: consecutive lines of one kind (`///`, `//!`), split
    at a blank line."""
    out: list[list] = []
    prev = None
    for c in comments:
        head = c.text[:3]
        if head not in (b"///", b"//!") or not c.text[3:].strip():
            prev = None
            continue
        if prev is not None and prev.text[:3] == head and c.start_point[0] == prev.start_point[0] + 1:
            out[-1].append(c)
        else:
            out.append([c])
        prev = c
    return out


def _payload_prose(plan: "FilePlan", comments) -> None:
    """A doc paragraph on the JSON payload of a host call v4 types (RB901, review; :mod:`..jsonprose`, as
    the Markdown adapter reports it), at the paragraph."""
    payloads = plan.vocab.json_payloads
    if not payloads:
        return
    for para in _paragraphs(comments):
        found = json_payload(payloads, "\n".join(c.text.decode("utf-8", "replace") for c in para), "this comment")
        if found is not None:
            plan.finding(para[0].start_byte, "RB901", *found, severity="warning", end=para[-1].end_byte)


_INTERFACE_AFTER = re.compile(r"^\s+(?:interface|imports?|functions?)\b")
_WIT_BEFORE = re.compile(r"\b(?:WIT|world['’]s)\s+$")


def _in_context(plan: "FilePlan", span: str, before: str, after: str) -> tuple[str, str] | None:
    """Spans whose meaning the prose around them settles: "the WIT `host` interface" (an interface name that
    is also a word; "one world's `types`"), a lone `init` in the SDK's own docs, and an intra-doc link to a renamed function of the SDK's host_ffi module (`[`metric`]` in
    its own docs links the function defined there)."""
    v = plan.vocab
    if span in v.wit_interfaces and "-" not in span and span.replace("-", "_") not in v.split:
        if _INTERFACE_AFTER.match(after) or _WIT_BEFORE.search(before):
            return v.wit_interfaces[span]
    # the SDK's own docs: a lone `init` is its role traits' lifecycle method (elsewhere it is only a word)
    bare = span[:-2] if span.endswith("()") else span
    if plan.facts.is_sdk and bare in v.trait_method_renames and not before.endswith("["):
        new, rule = v.trait_method_renames[bare]
        return new + span[len(bare):], rule
    if (before.endswith("[") and after.startswith("]") and plan.facts.is_sdk
            and plan.scopes.module_path[-1:] == ("host_ffi",) and span in v.host_imports_renames):
        return v.host_imports_renames[span]
    return None


def _split_interface(plan: "FilePlan", span: str, before: str, after: str) -> tuple[str, str] | None:
    """"the WIT `types` interface", "one world's `types`": an interface v4 splits has no one new name
    (its v4 interfaces, worded, and the rule)."""
    v = plan.vocab
    if span not in v.wit_interfaces or "-" in span or span not in v.split:
        return None
    if not (_INTERFACE_AFTER.match(after) or _WIT_BEFORE.search(before)):
        return None
    owners = sorted({owner for *_, owner in v.item_moves[span].values()})
    kebab = [o.replace("_", "-") for o in owners]
    return ", ".join(f"`{o}`" for o in kebab[:-1]) + f" and `{kebab[-1]}`", v.wit_interfaces[span][1]


def _removed_role_method(plan: "FilePlan", span: str):
    """A span naming a v3 role trait method that v4 replaced by `run` (`Source::read`)."""
    role, sep, method = span.partition("::")
    if not sep:
        return None
    return next((rm for rm in plan.vocab.role_methods if rm.role == role and rm.method == method.rstrip("()")), None)

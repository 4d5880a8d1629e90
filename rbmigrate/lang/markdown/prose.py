"""Prose whose meaning changed in v4: reported with the v4 wording, never rewritten.

A group (a paragraph, a heading, a whole table, a whole top-level list) is read with its
code spans already migrated, so a run on the migrated file reports exactly the same:

- RB913, the v3 lifecycle: a ``discover()`` step; a v3 role function (``run-read``) named in
  prose; a lifecycle order (an arrow chain, or a list of steps) with a ``discover`` step or a
  v3 role function in it; "one stream at a time";
- RB914, the v3 integer codes that v4 replaced with enums: two or more ``code → case`` pairs
  of one parameter (``0`` source, ``1`` destination; ``| 2 | info |``), from ``[rule.codes]``;
- RB901 (review), the JSON payload of a host call v4 types: "JSON" and a code span naming the call
  (``checkpoint``, ``metric``, in a v3 or v4 spelling) in one group, as the Rust adapter reports it in
  doc comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..jsonprose import json_payload
from .vocab import DocVocab

LIFECYCLE_RULE = "RB913"
CODES_RULE = "RB914"
_ARROW = re.compile(r"→|->|⟶|=>|⇒|»|&rarr;")
_DISCOVER_CALL = re.compile(r"\bdiscover\s*\(\s*\)")
_ONE_STREAM = re.compile(r"\b(?:one|a single) stream at a time\b", re.I)
_SEP = r"[\s|=:,()\-–—→>*`'\"]"


PAYLOAD_RULE = "RB901"


@dataclass(frozen=True)
class ProseNote:
    rule_id: str
    message: str
    manual_step: str
    severity: str = "error"


def lifecycle_step(v: DocVocab) -> str:
    """The v4 lifecycle, worded from the canonical package."""
    verbs = " → ".join(f"`{f}`" for f in v.lifecycle)
    phases = ", ".join(f"`{p}`" for p in v.phases)
    discover = v.role_functions.get("discover")
    return (f"v4 wording: every role has the same lifecycle, {verbs}. `open` returns a `session` that every "
            f"later call takes; the host calls `run(session, request)` once per stream, and `request.phase` "
            f"says what to do ({phases}). "
            + (f"A source discovers with `run` and phase `discover`: there is no `discover()` function. "
               if discover else "")
            + "Each call carries its stream in `request.stream` and names its session, so one component "
              "instance may serve several sessions.")


def check(v: DocVocab, kind: str, text: str, outside: str, items: list[str]) -> list[ProseNote]:
    """Notes for one group: ``text`` with code spans migrated (backticks kept), ``outside`` its prose
    only (code spans blanked), ``items`` the text of each list item (empty for other groups)."""
    notes = []
    reasons = []
    v3_roles = [f for f in v.role_functions if "-" in f]
    spellings = {f: {f, f.replace("-", "_")} for f in v3_roles}
    if _DISCOVER_CALL.search(text):
        reasons.append("a `discover()` step")
    named = [f for f, forms in spellings.items() if any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", outside) for s in forms)]
    if named:
        reasons.append("the v3 role function " + ", ".join(f"`{f}`" for f in named))
    if _v3_order(v, text, items, spellings):
        reasons.append("the v3 lifecycle order")
    if _ONE_STREAM.search(outside):
        reasons.append("“one stream at a time”")
    if reasons:
        notes.append(ProseNote(LIFECYCLE_RULE, f"describes the v3 lifecycle ({'; '.join(dict.fromkeys(reasons))})",
                               lifecycle_step(v)))
    payload = json_payload(v.table.json_payloads, text)
    if payload is not None:
        notes.append(ProseNote(PAYLOAD_RULE, *payload, "warning"))
    plain = text.replace("`", "")
    for codes in v.codes:
        found = _pairs(codes, plain)
        if len(found) >= 2:
            notes.append(ProseNote(
                CODES_RULE,
                f"lists the v3 integer codes of `{codes.param}` ({', '.join(f'`{c}`' for c in sorted(found))}); "
                f"v4 passes the `{codes.enum}` enum",
                f"v4 wording: `{codes.param}` is a `{codes.enum}` (in "
                + ", ".join(f"`{f}`" for f in codes.functions)
                + f"), not an integer: {codes.mapping()}."))
    return notes


def _v3_order(v: DocVocab, text: str, items: list[str], spellings: dict) -> bool:
    """A lifecycle written as a chain (``open → discover → validate``) or as a list of steps, with a step
    only v3 has: ``discover`` as a step of its own, ``init``, or a v3 role function. ``discover`` as a
    phase of ``run`` (v4 wording) is not a step."""
    v3_steps = {"discover", "init"} | {s for forms in spellings.values() for s in forms}
    alternation = "|".join(sorted(map(re.escape, v3_steps), key=len, reverse=True))
    step = rf"`?(?:optional\s+)?`?(?:{alternation})(?:\s*\(\s*[^)]*\))?`?"
    if len(set(_lifecycle_words(v, text))) >= 2 and re.search(
            rf"(?:{_ARROW.pattern})\s*{step}(?![\w-])|(?<![\w-]){step}\s*(?:{_ARROW.pattern})", text, re.I):
        return True
    if not items or not _steps(v, items):
        return False
    return any(re.match(step + r"(?![\w-])", item.strip().lstrip("*_ "), re.I) for item in items)


def _lifecycle_words(v: DocVocab, text: str) -> list[str]:
    names = set(v.lifecycle) | set(v.role_functions) | {f.replace("-", "_") for f in v.role_functions} | {"init"}
    alternation = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.findall(rf"(?<![\w-])(?:{alternation})(?![\w-])", text)


def _steps(v: DocVocab, items: list[str]) -> bool:
    """A list whose items are lifecycle steps (each starts with a lifecycle word)."""
    starts = []
    for item in items:
        words = _lifecycle_words(v, item.strip().lstrip("`*_ ")[:40])
        if words and item.strip().lstrip("`*_ ").startswith(words[0]) or (words and item.lower().startswith("optional")):
            starts.append(words[0])
    return len(starts) >= 2


def _pairs(codes, text: str) -> set[int]:
    found = set()
    alternation = "|".join(sorted(map(re.escape, codes.aliases), key=len, reverse=True))
    forward = re.compile(rf"(?<![\w.])([0-9])(?![\w.]){_SEP}{{1,12}}?({alternation})(?![\w-])", re.I)
    backward = re.compile(rf"(?<![\w-])({alternation}){_SEP}{{1,6}}?([0-9])(?![\w.])", re.I)
    for m in forward.finditer(text):
        if codes.aliases.get(m.group(2).lower()) == int(m.group(1)):
            found.add(int(m.group(1)))
    for m in backward.finditer(text):
        if codes.aliases.get(m.group(1).lower()) == int(m.group(2)):
            found.add(int(m.group(2)))
    return found

"""Prose on the JSON payload of a host call v4 types ("JSON envelopes for `checkpoint` and `metric`"), RB901.

Shared by the Markdown adapter (a paragraph, list or table) and the Rust adapter (a doc-comment paragraph,
doc comments being Markdown): reported for review, never rewritten.
"""

from __future__ import annotations

import re

_JSON = re.compile(r"\bJSON\b", re.I)
_SPAN = re.compile(r"`([^`\n]+)`")
# a span naming a call: `checkpoint`, `metric(payload-json)`, `host_ffi::checkpoint(..)`, `host.metric()`
_CALL = re.compile(r"(?:\w+(?:::|\.))*([A-Za-z_][\w-]*)\s*(?:\(.*\))?")


def span_gate(payloads: dict[str, str]) -> str:
    """What a prefilter looks for before this check can fire: a code span naming one of ``payloads`` (as
    :data:`_CALL` reads spans), "JSON" being the caller's own gate."""
    names = "|".join(sorted(map(re.escape, payloads)))
    return r"`(?:\w+(?:::|\.))*(?:" + names + r")\s*(?:\([^`\n]*\))?`"


def json_payload(payloads: dict[str, str], text: str, subject: str = "this") -> tuple[str, str] | None:
    """(message, manual step) when ``text`` (prose with its code spans) says "JSON" and names, in a code span,
    a host call whose JSON payload v4 types (``payloads``: `RuleTable.json_payloads`, v3 and v4 spellings,
    so the note stays on the migrated text)."""
    if not payloads or not _JSON.search(text):
        return None
    named = [m.group(1) for m in map(_CALL.fullmatch, (s.group(1) for s in _SPAN.finditer(text)))
             if m and m.group(1) in payloads]
    named = list(dict.fromkeys(named))
    if not named:
        return None
    records = ", ".join(dict.fromkeys(f"`{payloads[n]}`" for n in named))
    return (f"{subject} describes the v3 JSON payload of {', '.join(f'`{n}`' for n in named)}; v4 passes a typed {records}",
            f"Reword it for v4: the host call takes {records}, not a JSON string.")

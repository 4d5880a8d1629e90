"""Code spans that name a protocol item, rewritten to the v4 item (recipes §0.6, applied to docs).

Only the content of a span is looked at; the prose around it is never changed (it is
read only to tell the interface ``host`` from the word). In order, each later step
skipping what an earlier one claimed:

1. package ids: ``rapidbyte:connector@3.0.0`` → ``@4.0.0``, ``…/host@3.0.0`` → ``…/host-io@4.0.0``;
2. a whole WIT signature of a v3 function → the v4 function with its v4 signature
   (:mod:`.signatures`), or a finding when v4 has no such function (``discover()``);
3. ``interface host`` / ``import host`` (and a span that is just ``host`` next to the word
   "interface") → ``host-io``; ``types`` is split in v4, so it is reported;
4. distinctive v3 spellings (``emit-batch``, ``host.emit_batch``, ``SourceConnector``,
   ``wit_world.imports.host``, ``"rapidbyte:connector/host@3.0.0"``…); a spelling with no
   single v4 name (``run-read``) and a Python call whose arguments changed type
   (``host.log(2, …)``) are reported instead;
5. the Rust rules for doc-comment code spans (``ctx.emit_batch(…)`` → ``ctx.batch_emit(…)``,
   ``CheckpointKind::Dest``, ``connector::host`` paths): the Rust adapter's own code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

from . import signatures
from .vocab import DocVocab


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    new: str
    rule_id: str


@dataclass(frozen=True)
class Note:
    """A finding inside a span (``start`` is a character index of the span content)."""

    start: int
    rule_id: str
    severity: str
    message: str
    manual_step: str


_PACKAGE_TYPES = re.compile(r"rapidbyte:connector/types@3\.0\.0")
_STATEMENT = re.compile(r"\b(?:interface|import|export|use)\s+(host|types)(?![\w-])")
_CALL_ARGS = re.compile(r"\s*\(\s*[^)\s]")
_INTERFACE_CONTEXT = re.compile(r"\b(?:interfaces?|imports?|exports?)\b")


def v4_step(v: DocVocab, fn) -> str:
    if fn.v4_decl:
        return f"In v4: `{fn.v4_decl.rstrip(';')}` ({v.rule_title(fn.rule_id)})."
    return f"In v4: {v.rule_title(fn.rule_id)}."


def rewrite(v: DocVocab, text: str, before: str = "", after: str = "", code: bool = False,
            called: frozenset[str] = frozenset()) -> tuple[list[Change], list[Note]]:
    """Changes and notes for one span. ``before``/``after`` is the prose around it (a table cell's column
    header too); ``called`` the v3 functions whose signature the same paragraph or table writes out, so a
    bare span naming one (`checkpoint` beside `checkpoint(kind: u32, …)`) is that function. ``code``: a code
    fragment, where a definition of a bare v3 name (``fn emit_batch``) is a local item and a string literal
    is prose: both are reported, not changed."""
    changes: list[Change] = []
    notes: list[Note] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    def change(a: int, b: int, new: str, rule: str) -> None:
        if free(a, b):
            taken.append((a, b))
            if text[a:b] != new:
                changes.append(Change(a, b, new, rule))

    def note(a: int, b: int, rule: str, severity: str, message: str, step: str, force: bool = False) -> None:
        if force or free(a, b):
            taken.append((a, b))
            notes.append(Note(a, rule, severity, message, step))

    from ..rust.strings import rewrite_package_strings

    for a, b, new, rule in rewrite_package_strings(v.rust, text):
        change(a, b, new, rule)
    for m in _PACKAGE_TYPES.finditer(text):
        note(m.start(), m.end(), "RB011", "error", f"`{m.group(0)}`: v4 splits `types` into `core-types`, "
             "`stream-types` and `telemetry`", "Name the v4 interface that owns the item (see `rbmigrate rules explain RB011`).")

    if not code:
        _signature(v, text, change, note)
        if taken:
            return _minimal(text, changes), notes

    for m in _STATEMENT.finditer(text) if not code else ():
        _interface_word(v, m.group(1), m.start(1), m.end(1), change, note)
    stripped = text.strip()
    if stripped in ("host", "types") and _INTERFACE_CONTEXT.search((before[-25:] + " " + after[:25]).lower()):
        a = text.index(stripped)
        _interface_word(v, stripped, a, a + len(stripped), change, note)
    fn = v.functions.get(stripped)
    if fn is not None and stripped in called and fn.v4_decl and fn.v4_name != fn.name:
        a = text.index(stripped)
        change(a, a + len(stripped), fn.v4_name, fn.rule_id)

    if v.word_re is not None:
        for m in v.word_re.finditer(text):
            word = m.group(0)
            new, rule = v.words[word]
            a, b = m.span()
            fn = _python_function(v, word)
            if code and _in_string(text, a):
                note(a, b, "RB904", "info", f"a string mentions the v3 name `{word}`",
                     "Prose is left as it is; update it if it should name the v4 item.")
            elif code and "." not in word and ":" not in word and re.search(r"\b(?:fn|def|struct|class|enum|mod)\s+$", text[max(0, a - 10):a]):
                note(a, b, "RB916", "warning", f"`{word}` is defined here with a v3 name; a local item is not renamed",
                     "Rename it by hand if it is the protocol item.")
            elif new is None:
                note(a, b, rule, "error", f"`{word}` has no one-to-one v4 name", f"In v4: {v.rule_title(rule)}.")
            elif fn is not None and fn.kind != "rename" and _CALL_ARGS.match(text, b):
                note(a, b, rule, "error", f"`{word}(…)` takes other arguments in v4",
                     v4_step(v, fn) + " Rewrite the call by hand.")
            else:
                change(a, b, new, rule)

    from ..rust.docs import rewrite_span

    for a, b, new, rule in rewrite_span(SimpleNamespace(vocab=v.rust), text):
        change(a, b, new, rule)
    return _minimal(text, changes), notes


def _in_string(text: str, pos: int) -> bool:
    """Is ``pos`` inside a double-quoted string on its line (a cheap test for code fragments)?"""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    return len(re.findall(r'(?<!\\)"', line)) % 2 == 1


def _interface_word(v: DocVocab, word: str, a: int, b: int, change, note) -> None:
    if word == "types":
        note(a, b, "RB011", "error", "interface `types` is split in v4",
             "Name the v4 owner: `core-types` (lifecycle records, errors, enums), `stream-types` "
             "(summaries, stream context) or `telemetry`.")
    else:
        new, rule = v.interfaces[word]
        change(a, b, new, rule)


def _python_function(v: DocVocab, word: str):
    """The v3 function a Python spelling (``host.log``) names, if any."""
    module, dot, name = word.rpartition(".")
    if not dot:
        return None
    return v.functions.get(name.replace("_", "-"))


def _signature(v: DocVocab, text: str, change, note) -> None:
    sig = signatures.parse(text)
    if sig is None:
        return
    fn = v.functions.get(sig.name)
    if fn is None:
        return
    lead = len(text) - len(text.lstrip())
    a, b = lead, len(text.rstrip())
    if not fn.v4_decl:  # discover(): no v4 function
        note(a, b, fn.rule_id, "error", f"`{text.strip()}` is not a function in v4", v4_step(v, fn))
        return
    v3 = signatures.parse(fn.v3_decl)
    v4 = signatures.parse(fn.v4_decl)
    if fn.shared or "-" not in fn.name:
        # a name v4 also has (`validate`, `log`) or a plain word (`checkpoint`): only what says v3
        if not signatures.matches(sig, v3) or signatures.matches(sig, v4):
            return
        change(a, b, signatures.render(sig, fn.v4_decl), fn.rule_id)
        return
    change(a, b, signatures.render(sig, fn.v4_decl), fn.rule_id)
    if not signatures.matches(sig, v3):
        note(a, b, fn.rule_id, "info",
             f"`{text.strip()}` does not match the v3 declaration `{fn.v3_decl.rstrip(';')}`; "
             f"replaced by the v4 declaration", "Check the surrounding prose still describes the v4 parameters.",
             force=True)


def _minimal(text: str, changes: list[Change]) -> list[Change]:
    """Trim the common prefix and suffix of each change, so untouched characters are not rewritten."""
    out = []
    for c in changes:
        old, new = text[c.start : c.end], c.new
        p = 0
        while p < len(old) and p < len(new) and old[p] == new[p]:
            p += 1
        s = 0
        while s < len(old) - p and s < len(new) - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
            s += 1
        # keep whole words: do not split inside an identifier
        while p > 0 and (old[p - 1].isalnum() or old[p - 1] in "-_"):
            p -= 1
        while s > 0 and (old[len(old) - s].isalnum() or old[len(old) - s] in "-_"):
            s -= 1
        out.append(Change(c.start + p, c.end - s, new[p : len(new) - s], c.rule_id))
    return out

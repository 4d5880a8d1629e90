"""Fenced blocks that do not parse on their own, migrated token by token (or reported).

A docs fence is often a fragment: one WIT interface without its package, a Rust or
Python excerpt with ``...`` in it. The language adapters cannot take it, so only
exact v3 spellings that are unambiguous are rewritten:

- WIT: a function declaration of a v3 function becomes the canonical v4 declaration
  (a ``discover`` declaration is removed, as the package migration does); package ids,
  interface names in ``interface``/``import``/``export`` lines, ``use types.{…}`` (one
  line per v4 owner), and renamed types and fields;
- Rust and Python: the code-span rules (:mod:`.codespan`) in code mode: qualified
  spellings (``ctx.emit_batch``, ``host.emit_batch``, ``rapidbyte::connector::host``),
  SDK types and variants, module paths; a v3 name in a string, a local definition
  named like a v3 item, and calls whose arguments changed are reported.

Whatever v3 spelling is left (a comment, a reshaped item) is reported; nothing is guessed.
"""

from __future__ import annotations

import re

from . import codespan, signatures
from .codespan import Change, Note
from .vocab import DocVocab

_DECL = re.compile(
    r"(?P<name>%?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\s*:\s*func\s*\([^()]*\)(?:\s*->\s*[^;{}]+?)?\s*;", re.S
)
_IFACE = re.compile(r"\binterface\s+(%?[a-z][a-z0-9-]*)\s*\{")
_USE_TYPES = re.compile(r"\buse\s+types\s*\.\s*\{([^}]*)\}\s*;")
_RECORD = re.compile(r"\brecord\s+(%?[a-z][a-z0-9-]*)\s*\{")


def _comments(text: str) -> list[tuple[int, int]]:
    return comment_spans(text, "wit")


def comment_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Line comments (``//``, or ``#`` in Python) outside double-quoted strings, line by line."""
    marker = "#" if language == "python" else "//"
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        quoted = False
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == "\\" and quoted:
                i += 2
                continue
            if ch == '"':
                quoted = not quoted
            elif not quoted and line.startswith(marker, i):
                out.append((pos + i, pos + len(line.rstrip("\r\n"))))
                break
            i += 1
        pos += len(line)
    return out


def _inside(spans, pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def wit_fragment(v: DocVocab, text: str) -> tuple[list[Change], list[Note]]:
    changes: list[Change] = []
    notes: list[Note] = []
    taken: list[tuple[int, int]] = []
    comments = _comments(text)

    def free(a, b):
        return not any(x < b and a < y for x, y in taken) and not _inside(comments, a)

    def change(a, b, new, rule):
        if free(a, b):
            taken.append((a, b))
            if text[a:b] != new:
                changes.append(Change(a, b, new, rule))

    def note(a, b, rule, severity, message, step):
        if free(a, b):
            taken.append((a, b))
            notes.append(Note(a, rule, severity, message, step))

    interfaces = [(m.start(), m.group(1).lstrip("%")) for m in _IFACE.finditer(text)]

    def owner(pos: int) -> str:
        name = ""
        for start, iface in interfaces:
            if start < pos:
                name = iface
        return name

    v4_interfaces = {new for new, _ in v.interfaces.values()} - set(v.interfaces)
    for m in _DECL.finditer(text):
        if _inside(comments, m.start()):
            continue
        name = m.group("name").lstrip("%")
        fn = v.functions.get(name)
        if fn is None or owner(m.start()) in v4_interfaces:
            continue
        decl = re.sub(r"\s+", " ", m.group(0))
        written = signatures.parse(decl)
        canonical = signatures.parse(fn.v3_decl)
        if not fn.v4_decl:  # discover: not a function in v4
            a = _doc_start(text, text.rfind("\n", 0, m.start()) + 1)
            end = text.find("\n", m.end())
            b = len(text) if end < 0 else end + 1
            change(a, b, "", fn.rule_id)
            continue
        if written is None or canonical is None:
            continue
        same = signatures.matches(written, canonical)
        if fn.shared and not same:
            continue  # a v4 declaration, or one that says something else
        change(m.start(), m.end(), fn.v4_decl, fn.rule_id)
        if not same:
            notes.append(Note(m.start(), fn.rule_id, "info",
                              f"`{decl}` does not match the v3 declaration `{fn.v3_decl}`; replaced by the v4 declaration",
                              "Check the surrounding prose still describes the v4 parameters."))

    for m in _USE_TYPES.finditer(text):
        _use_types(v, text, m, owner(m.start()), change, note)

    for m in _RECORD.finditer(text):
        name = m.group(1).lstrip("%")
        moved = v.table.type_move(name)
        if moved is None or _inside(comments, m.start()):
            continue
        rule, new, _owner = moved
        old_fields, new_fields = record_fields(v.table, "v3", name), record_fields(v.table, "v4", new)
        renamed = {r.old.wit: r.new.wit for r in v.table.renames if r.item == "field" and r.owner == name}
        if [renamed.get(f, f) for f in old_fields] != new_fields:
            notes.append(Note(m.start(), rule, "error", f"the record `{name}` has other fields in v4",
                              f"In v4: `record {new} {{ {', '.join(new_fields)} }}` ({v.rule_title(rule)})."))

    # package ids, interface statements, kebab names: the code-span rules, outside comments and claimed text
    span_changes, span_notes = codespan.rewrite(v, text)
    for c in span_changes:
        change(c.start, c.end, c.new, c.rule_id)
    for n in span_notes:
        if free(n.start, n.start + 1):
            notes.append(n)
    return changes, notes


def record_fields(table, version: str, name: str) -> list[str]:
    """Fields of a record of a canonical package (``RuleTable.wit``)."""
    t = table.wit(version).type(name)
    return list(t.members) if t is not None and t.kind == "record" else []


def _doc_start(text: str, line_start: int) -> int:
    """Start of the doc-comment lines directly above the line at ``line_start``."""
    start = line_start
    while start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        if text[prev:start].strip().startswith("///"):
            start = prev
        else:
            break
    return start


def _use_types(v: DocVocab, text: str, m: re.Match, iface: str, change, note) -> None:
    """``use types.{a, b};`` → one ``use`` line per v4 owner (names renamed; an interface's own types dropped)."""
    names = [n.strip() for n in m.group(1).split(",") if n.strip()]
    own = v.interfaces.get(iface, (iface, ""))[0]
    by_owner: dict[str, list[str]] = {}
    rules = set()
    for name in names:
        moved = v.table.type_move(name.lstrip("%"))
        if moved is None:
            note(m.start(), m.end(), "RB011", "error", f"`{name}` has no owner in v4", "Use the v4 type by hand.")
            return
        rule, new, new_owner = moved
        rules.add(rule)
        if new_owner != own:
            by_owner.setdefault(new_owner, []).append(new)
    line_start = text.rfind("\n", 0, m.start()) + 1
    indent = text[line_start : m.start()]
    newline = "\r\n" if "\r\n" in text else "\n"
    order = list(dict.fromkeys(new for new, _ in v.interfaces.values()))
    lines = [f"use {o}.{{{', '.join(by_owner[o])}}};" for o in sorted(by_owner, key=lambda o: order.index(o) if o in order else 99)]
    new = (newline + indent).join(lines)
    change(m.start(), m.end(), new, "RB011")


def code_fragment(v: DocVocab, text: str, language: str) -> tuple[list[Change], list[Note]]:
    """Rust or Python that does not parse: the code-span rules in code mode (comments are prose)."""
    changes, notes = codespan.rewrite(v, text, code=True)
    comments = comment_spans(text, language)
    kept = []
    for c in changes:
        if _inside(comments, c.start):
            notes.append(Note(c.start, "RB904", "info", f"a comment mentions the v3 name `{text[c.start:c.end]}`",
                              "Prose is left as it is; update it if it should name the v4 item."))
        else:
            kept.append(c)
    changes = kept
    for m in re.finditer(r"\bfn\s+init\b", text):
        notes.append(Note(m.start(), "RB406", "error", "`fn init` is `open` in v4 (with `OpenInfo`)",
                          f"In v4: {v.rule_title('RB406')}; see `rbmigrate rules explain RB407`."))
    role_impl = re.search(r"\bimpl\s+(?:\w+::)*(?:Source|Destination|Transform)\s+for\b", text) is not None
    pattern = r"\bdef\s+(run_read|run_write|run_transform)\b" + (r"|\bfn\s+(read|write|transform|discover)\b" if role_impl else "")
    for m in re.finditer(pattern, text):
        word = next(g for g in m.groups() if g)
        by_method = {m.rust_method: m.rule_id for m in v.table.run_phases}
        by_method.update({m.function.replace("-", "_"): m.rule_id for m in v.table.run_phases})
        rule = by_method.get(word, v.table.run_phases[0].rule_id)
        notes.append(Note(m.start(), rule, "error", f"`{word}` is a v3 role method; v4 has one `run` per role",
                          f"In v4: {v.rule_title(rule)}."))
    return changes, notes


def leftovers(v: DocVocab, text: str, claimed: list[tuple[int, int]]) -> list[Note]:
    """v3 spellings no change or note covers."""
    out = []
    if v.word_re is None:
        return out
    for m in v.word_re.finditer(text):
        if any(a <= m.start() < b or a == m.start() for a, b in claimed):
            continue
        out.append(Note(m.start(), "RB916", "error", f"v3 name `{m.group(0)}` left in a code block",
                        "Rewrite it by hand to its v4 name (see `rbmigrate rules explain " + v.words[m.group(0)][1] + "`)."))
    return out


"""What the Markdown adapter recognises, derived once from the rule table and the canonical WIT.

Nothing here is a hand-typed rename table. Spellings come from the same places the
language adapters take theirs: :func:`rbmigrate.ruletable.spellings` (through the
Python adapter's ``table_words``: kebab WIT names, snake and Pascal names, module
paths, host strings), the Rust adapter's vocabulary (receiver-aware method renames,
SDK types, enum variants, binding paths), ``[rule.codes]`` (the v3 integer codes)
and the declarations of ``wit/v3`` and ``wit/v4`` (signatures, lifecycle, phases).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ...ruletable import RuleTable, pascal, per_table, screaming, snake
from ..jsonprose import span_gate


@dataclass(frozen=True)
class Function:
    """A v3 protocol function and its v4 counterpart."""

    name: str  # v3 WIT name
    interface: str  # v3 interface
    rule_id: str
    kind: str  # rename | retype | reshape
    v4_name: str
    v4_interface: str
    v3_decl: str  # canonical declaration line
    v4_decl: str  # "" when v4 has no such function (discover)
    shared: bool  # the v3 name is also a v4 function name (open, validate, log, …)


@dataclass(frozen=True)
class Codes:
    """The v3 integer codes of one parameter, with every spelling of each case."""

    rule_id: str
    param: str
    enum: str
    functions: tuple[str, ...]
    values: dict  # code -> v4 case (WIT spelling)
    aliases: dict = field(default_factory=dict)  # lowercase spelling -> code

    def mapping(self) -> str:
        return ", ".join(f"`{code}` → `{case}`" for code, case in sorted(self.values.items()))


@dataclass
class DocVocab:
    table: RuleTable
    words: dict  # v3 spelling -> (v4 spelling | None, rule id)
    word_re: re.Pattern | None
    functions: dict[str, Function]
    v4_functions: dict[str, str]  # v4 name -> declaration (first interface that has it)
    interfaces: dict[str, tuple[str, str]]  # v3 interface -> (v4 interface, rule id)
    codes: list[Codes]
    lifecycle: tuple[str, ...]  # the v4 role functions, in order
    phases: tuple[str, ...]  # the v4 run-phase cases
    role_functions: dict[str, Function]  # v3 role function name -> Function (run-read, discover, …)
    prefilter: re.Pattern = None  # type: ignore[assignment]

    @functools.cached_property
    def rust(self):
        """The Rust adapter's vocabulary (imported on first use: it brings tree-sitter)."""
        from ..rust.vocab import vocab

        return vocab(self.table)

    def rule_title(self, rule_id: str) -> str:
        return self.table.get(rule_id).title if rule_id in self.table else rule_id


@per_table
def doc_vocab(table: RuleTable) -> DocVocab:
    return _build(table)


def _build(table: RuleTable) -> DocVocab:
    from ..python.words import table_words

    words, word_re = table_words(table)
    v4 = table.wit("v4")
    v4_funcs = {name: list(iface.functions) for name, iface in v4.interfaces.items()}
    v4_functions: dict[str, str] = {}
    for iface, names in v4_funcs.items():
        for name in names:
            v4_functions.setdefault(name, table.declaration("v4", iface, name))
    # a v3 function that became a phase of `run` (`discover`): no v4 function to rename it to
    phases = {m.function for m in table.run_phases if m.function == m.phase}
    functions: dict[str, Function] = {}
    for r in table.renames:
        if r.item != "function":
            continue
        new_iface = r.new_interface or r.interface
        v4_decl = table.declaration("v4", new_iface, r.new.wit)
        if r.old.wit in phases:  # discover is a phase of `run`, not a function, in v4
            v4_decl = ""
        functions[r.old.wit] = Function(
            name=r.old.wit, interface=r.interface, rule_id=r.rule_id, kind=table.get(r.rule_id).kind,
            v4_name=r.new.wit, v4_interface=new_iface, v3_decl=table.declaration("v3", r.interface, r.old.wit),
            v4_decl=v4_decl, shared=r.old.wit in v4_functions and r.old.wit not in phases,
        )
    interfaces = {old: (r.new.wit, r.rule_id) for old, r in table.interface_renames.items()}
    codes: list[Codes] = []
    seen: dict[str, Codes] = {}
    for fn, ic in table.integer_codes.items():
        if ic.rule_id in seen:
            seen[ic.rule_id] = Codes(ic.rule_id, ic.param, ic.enum, (*seen[ic.rule_id].functions, fn),
                                     seen[ic.rule_id].values, seen[ic.rule_id].aliases)
            continue
        aliases: dict[str, int] = {}
        for code, case in ic.values.items():
            for spelling in (case, snake(case), pascal(case), screaming(case)):
                aliases[spelling.lower()] = code
        # Rust SDK variants v3 spelled differently (`CheckpointKind::Dest`, `StateScope::Stream`)
        owner = pascal(ic.enum)
        for rule in table:
            spec = rule.rust
            if spec.get("item") == "variant" and spec.get("owner") == owner:
                target = spec["to"].lower()
                for code, case in ic.values.items():
                    if pascal(case).lower() == target:
                        aliases[spec["from"].lower()] = code
        seen[ic.rule_id] = Codes(ic.rule_id, ic.param, ic.enum, (fn,), dict(ic.values), aliases)
    codes = list(seen.values())
    lifecycle = tuple(v4_funcs.get("source", ()))
    role_functions = {f.name: f for f in functions.values() if f.interface.endswith("-connector")}
    v = DocVocab(table, words, word_re, functions, v4_functions, interfaces, codes, lifecycle,
                 v4.enum_cases("run-phase"), role_functions)
    v.prefilter = _prefilter(v)
    return v


def _prefilter(v: DocVocab) -> "_Prefilter":
    """Bytes worth a parse: a v3 spelling, a v3 package id, a v3 lifecycle phrase, integer codes, or a
    payload call named where JSON is."""
    literals = [*sorted(v.words, key=len, reverse=True), "one stream at a time"]
    variants = []
    for rule in v.table:  # Rust-only renames: SDK types, methods, enum variants (`CheckpointKind::Dest`)
        spec = rule.rust
        for old in (spec.get("from"), *spec.get("also", [])) if spec.get("from") else ():
            if spec.get("item") == "variant":
                variants.append(f"{spec['owner']}::{old}")  # followed by a word boundary
            elif "_" in old or any(c.isupper() for c in old[1:]):
                literals.append(old)
    # a v3 function called or declared: `(?<![\w-])NAME\s*(?::\s*func\s*)?\(`, the look-behind checked by hand
    calls = r"(?:" + "|".join(re.escape(f.name) for f in v.functions.values()) + r")\s*(?::\s*func\s*)?\("
    cases = sorted({a for c in v.codes for a in c.aliases}, key=len, reverse=True)
    arrows = (b"->", "\u2192".encode())
    gated = [  # (is it worth a search?, the pattern)
        (lambda d: b"rapidbyte:connector" in d, r"rapidbyte:connector(?:/[a-z0-9-]+)?@3\."),
        (lambda d: b"discover" in d, r"discover\s*\(\s*\)"),
        # a lifecycle chain with a step only v3 has (prose.RB913)
        (lambda d: (b"discover" in d or b"init" in d) and any(a in d for a in arrows),
         r"(?:\xe2\x86\x92|->)\s*`?(?i:optional\s+)?`?(?:discover|init)\b"
         r"|\b(?:discover|init)`?\s*(?:\(\s*\))?`?\s*(?:\xe2\x86\x92|->)"),
    ]
    if v.table.json_payloads:  # prose on the JSON payload of a host call v4 types (prose.RB901)
        gated.append((lambda d: b"JSON" in d or b"json" in d or b"Json" in d,
                      span_gate(v.table.json_payloads)))
    codes = r"\b[0-9]\b[^\n0-9]{0,12}?(?i:" + "|".join(map(re.escape, cases)) + r")\b"
    return _Prefilter(
        literals=[w.encode() for w in dict.fromkeys(literals)],
        variants=[(w.encode(), re.compile(re.escape(w).encode() + rb"\b")) for w in dict.fromkeys(variants)],
        calls=re.compile(calls.encode()) if v.functions else None,
        gated=[(gate, re.compile(pattern.encode())) for gate, pattern in gated],
        host=re.compile(rb"(?i:interface|import|export)[^\n]{0,25}\bhost\b|\bhost\b[^\n]{0,25}(?i:interface)"),
        case_words=[c.lower().encode() for c in cases],
        codes=re.compile(codes.encode()),
    )


_HOST = re.compile(rb"\bhost\b")
_WORD_OR_DASH = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


class _Prefilter:
    """``search(data)``: as one regex of every alternative (the same question: does any of them match
    anywhere?), several times faster. CPython's ``re`` tries every alternative at every position once one
    of them can start anywhere (a look-behind, ``[^\n]``, ``(?i:``); here plain words are substring
    searches, the look-behind of the function calls is checked by hand, the ``host`` phrases are searched on the lines holding the word ``host`` only
    (they cannot cross a line), and every other pattern runs only when the words it needs are there."""

    def __init__(self, literals, variants, calls, gated, host, case_words, codes):
        self.literals, self.variants, self.calls, self.gated, self.host = literals, variants, calls, gated, host
        self.case_words, self.codes = case_words, codes

    def search(self, data: bytes):
        """Something true (a match, or True for a plain word) when any alternative matches, else None."""
        if any(w in data for w in self.literals):  # (`in` is a C substring search: faster than `re` here)
            return True
        for word, pattern in self.variants:
            if word in data:
                found = pattern.search(data)
                if found is not None:
                    return found
        if self.calls is not None:
            pos = 0
            while True:
                found = self.calls.search(data, pos)
                if found is None:
                    break
                start = found.start()
                if start == 0 or data[start - 1] not in _WORD_OR_DASH:
                    return found
                pos = start + 1
        for worth, pattern in self.gated:
            if worth(data):
                found = pattern.search(data)
                if found is not None:
                    return found
        for word in _HOST.finditer(data):
            line_start = data.rfind(b"\n", 0, word.start()) + 1
            line_end = data.find(b"\n", word.end())
            found = self.host.search(data, line_start, len(data) if line_end < 0 else line_end)
            if found is not None:
                return found
        if self.case_words:
            lower = data.lower()
            if any(w in lower for w in self.case_words):
                return self.codes.search(data)
        return None

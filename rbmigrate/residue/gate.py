"""Which files can hold a v3 spelling at all: a precompiled gate per kind of file.

The gate is a superset of what the scanners report (every scanner rule needs
one of these byte sequences), so a file it rejects is never decoded or scanned.
It runs on every file of a run, so it is built for speed: a gate is a list of
*needles* (literal byte strings, found with ``in``, which runs at memory speed)
each guarding a small precompiled regex that confirms the construct. One big
alternation regex is an order of magnitude slower in CPython's ``re`` (it tries
every branch at every byte); a needle costs one pass of ``memchr``-class search.
Everything is derived from :mod:`.spellings`.
"""

from __future__ import annotations

import functools
import re
from ..scankinds import KINDS, scan_kind
from .spellings import V3Spellings

__all__ = ["KINDS", "Gate", "Gates", "gates_for", "scan_kind"]


def _alt(words) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


_HUMP = re.compile(r"[_\-:@]|[a-z][A-Z]")


def _hump(text: str) -> bool:
    """Does a needle hold a word boundary of its own (``_``, ``-``, ``:``, a camel hump)? Such needles
    are rare in ordinary text; plain words (``Result``, ``Source``) are everywhere."""
    return _HUMP.search(text) is not None


def cover(words: set[str], size: int = 4, longest: int = 8) -> list[tuple[str, list[str]]]:
    """Group words under shared needles: each needle is a substring (at least ``size`` characters,
    with a boundary of its own) of every word of its group; a word no such substring shares is its own
    needle. Fewer needles, fewer passes over the bytes."""
    left = set(words)
    groups: list[tuple[str, list[str]]] = []
    while left:
        counts: dict[str, set[str]] = {}
        for word in left:
            for i in range(len(word)):
                for j in range(i + size, min(len(word), i + longest) + 1):
                    part = word[i:j]
                    if _hump(part):
                        counts.setdefault(part, set()).add(word)
        best = max(counts.items(), key=lambda kv: (len(kv[1]), len(kv[0])), default=None)
        if best is None or len(best[1]) < 2:
            break
        groups.append((best[0], sorted(best[1])))
        left -= best[1]
    groups += [(word, [word]) for word in sorted(left)]
    return groups


class Gate:
    """Passes when, for any entry, all its needles are in the bytes and its regex (if any) matches."""

    def __init__(self, entries: list[tuple[tuple[str, ...], str | None]]):
        merged: dict[tuple[bytes, ...], list[str | None]] = {}
        for needles, pattern in entries:
            merged.setdefault(tuple(n.encode() for n in needles), []).append(pattern)
        self.entries = []
        for needles, patterns in merged.items():
            rx = None if None in patterns else re.compile("|".join(f"(?:{p})" for p in patterns).encode())
            self.entries.append((needles, rx))
        self.single = [(needles[0], rx) for needles, rx in self.entries if len(needles) == 1]
        self.several = [(needles, rx) for needles, rx in self.entries if len(needles) > 1]

    def __call__(self, data: bytes) -> bool:
        for needle, rx in self.single:  # a plain loop: this runs for every file of a run
            if needle in data and (rx is None or rx.search(data) is not None):
                return True
        for needles, rx in self.several:
            if all(n in data for n in needles) and (rx is None or rx.search(data) is not None):
                return True
        return False


class _CodeOnly:
    """Markdown: only code spans and fences are scanned, so only they are gated (prose is most of it)."""

    _FENCE = re.compile(rb"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1|\Z)", re.S | re.M)
    _SPAN = re.compile(rb"`+[^`]*`+")

    def __init__(self, gate: Gate):
        self.gate = gate

    def __call__(self, data: bytes) -> bool:
        if b"`" not in data and b"~~~" not in data:
            return False
        code = [m.group() for m in self._FENCE.finditer(data)] + self._SPAN.findall(data)
        return self.gate(b"\n".join(code))


class Gates:
    def __init__(self, s: V3Spellings):
        def words(names, boundary: bool = False) -> list[tuple[tuple[str, ...], str]]:
            """One entry per needle group: the needle, then the group's words as whole tokens."""
            before, after = (r"(?<![\w-])", r"(?![\w-])") if boundary else ("", "")
            return [((needle,), f"{before}(?:{_alt(group)}){after}") for needle, group in cover(set(names))]

        code_words = set(s.methods) | set(s.always) | set(s.types) | set(s.fields)
        kebab = {w for w in s.wit_names if "-" in w}
        plain = _alt(s.plain_methods)
        variants = _alt({v for _, v in s.variants})
        roles = set(s.role_traits) | {"Guest", "Host", "HostImports"}
        package = [(("rapidbyte:connector",), None)]
        connector = [(("connector",), r"connector\s*::|mod\s+connector\b")]
        variant_uses = [((owner,), rf"{re.escape(owner)}\s*::\s*(?:{variants})\b|(?:enum|impl)\s+{re.escape(owner)}\b")
                        for owner in sorted({o for o, _ in s.variants})]
        plain_uses = [((name,), rf"[.:]\s*{re.escape(name)}\b|fn\s+{re.escape(name)}\b|\"{re.escape(name)}\"")
                      for name in s.plain_methods]  # on the context, a Host method, a linker's "checkpoint"
        # what code spans of comments and docstrings hold (scanned as code of no known language)
        spans = words(kebab, boundary=True) + connector + variant_uses + [(("Context",), rf"Context\s*::\s*(?:{plain})\b")]
        rust = [
            *words(code_words), *package, *spans, *plain_uses,
            (("rotocol_version",), r'protocol_version\s*[(:=][^;\n"]{0,40}?"[23]"'),
            (("ROTOCOL_VERSION",), r'PROTOCOL_VERSION\s*[(:=][^;\n"]{0,40}?"[23]"'),
            *[((f"{role} for",), rf"impl\b[^{{;]*\b{re.escape(role)}\s+for\b") for role in sorted(roles)],
            (("trait",), rf"trait\s+(?:{_alt(roles)})\b"),
            # a role method called through its trait (`S::init(…)` with `S: Source`, `<T as Source>::init(…)`)
            *[((trait, f"::{method}"), None) for trait in sorted(s.role_traits) for method in sorted(s.role_methods)],
            *[((f'"{name}"',), None) for name in s.wit_functions if "-" not in name and name not in s.plain_methods],
        ]
        v3_modules = _alt(s.interfaces)
        python = [
            *words(code_words | set(s.export_classes)), *package,
            (("wit_world",), rf"wit_world\.(?:imports|exports)\.(?:{v3_modules})(?!\w)"
                             rf"|wit_world[\w.]*\s+import\s+(?:\([^)]*|[^\n]*)\b(?:{v3_modules}|imports)(?![\w.])"),
            *[((module,), rf"{re.escape(module)}\s*\.\s*(?:{plain})\b") for module in sorted(s.v4_modules)],
            *[((fn, param), rf"\b{re.escape(param)}\s*=") for fn, param in sorted(s.params)],  # `val=` of a host call
            # a v3 module or host function the file binds nowhere any more (its import was rewritten)
            *[((f"{module}.",), rf"(?<![\w.]){re.escape(module)}\.\w") for module in sorted(s.interfaces)],
            *[(("wit_world", name), rf"(?<![\w.]){re.escape(name)}\s*\(") for name in s.plain_methods],
            # a v3 host function on a v4 module bound under an alias (`import wit_world.imports.host_io as rb`)
            (("wit_world", " as "), rf"\.\s*(?:{plain})\s*\("),
        ]
        wit_interfaces = _alt(s.wit_interfaces)
        wit = [
            (("@3.0.0",), r"rapidbyte:connector[/%\w-]*@3\.0\.0"),
            (("rapidbyte:connector/",), rf"rapidbyte:connector/%?(?:{wit_interfaces})(?![\w-])"),
            *words(set(s.wit_names), boundary=True),
            *[((name,), rf"(?:interface|import|export|use)\s+%?{re.escape(name)}(?![\w-])|(?<![\w-])%?{re.escape(name)}\s*\.\s*\{{")
              for name in sorted(s.wit_interfaces)],
            *[((name,), rf"(?<![\w-])%?{re.escape(name)}\s*:\s*func\b") for name in sorted(s.wit_functions)],
        ]
        quoted_kebab = [((needle,), rf"[\"'](?:{_alt(group)})[\"']") for needle, group in cover(kebab)]
        toml = [*package, (("rapidbyte-sdk",), None), (("protocol_version",), r"protocol_version\s*=\s*['\"]*[23]"),
                (("wit_world.",), r"wit_world\.(?:imports|exports)\."), *quoted_kebab]
        json = [*package, (("protocol_version",), r'"protocol_version"\s*:\s*"?[23]'),
                (("wit_world.",), r"wit_world\.(?:imports|exports)\."), *quoted_kebab]
        self.by_kind = {
            "rust": Gate(rust), "python": Gate(python), "wit": Gate(wit), "toml": Gate(toml), "json": Gate(json),
            "markdown": _CodeOnly(Gate(rust + python + wit + toml + json)),  # fences of every language
        }

    def __call__(self, kind: str | None, data: bytes) -> bool:
        gate = self.by_kind.get(kind) if kind else None
        return gate is not None and gate(data)


@functools.lru_cache(maxsize=4)
def gates_for(s: V3Spellings) -> Gates:
    return Gates(s)

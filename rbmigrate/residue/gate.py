"""Which files can hold a v3 spelling at all: one precompiled byte regex per kind of file.

The gate is a superset of what the scanners report (every scanner rule needs
one of these bytes sequences), so a file the gate rejects is never decoded or
tokenised. It runs on every file of a run, so it is plain alternations of
literals and short patterns, built once from :mod:`.spellings`.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePath

from .spellings import V3Spellings

KINDS = ("rust", "python", "wit", "toml", "json", "markdown")
_SUFFIXES = {".rs": "rust", ".py": "python", ".wit": "wit", ".toml": "toml", ".json": "json",
             ".md": "markdown", ".markdown": "markdown"}


def scan_kind(path: PurePath) -> str | None:
    """How a file is scanned, by its name (no I/O): one of :data:`KINDS`, or None (not scanned)."""
    return _SUFFIXES.get(path.suffix.lower())


def _alt(words) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


class Gates:
    def __init__(self, s: V3Spellings):
        code_words = set(s.methods) | set(s.always) | set(s.types) | set(s.fields)
        kebab = {w for w in s.wit_names if "-" in w}
        v3_modules = _alt(s.interfaces)
        plain = _alt(s.plain_methods)
        owners = _alt({o for o, _ in s.variants})
        variants = _alt({v for _, v in s.variants})
        roles = _alt(set(s.role_traits) | {"Guest"})
        package = r"rapidbyte:connector"
        bare_kebab = rf"(?<![\w-])(?:{_alt(kebab)})(?![\w-])"  # a WIT name in a code span of a comment
        generic = [bare_kebab, r"connector\s*::", rf"\b(?:{owners})\s*::\s*(?:{variants})\b",
                   rf"\bContext\s*::\s*(?:{plain})\b"]  # what code spans of comments and docstrings hold
        rust = [
            _alt(code_words), package, r"connector\s*::", r"\bmod\s+connector\b", bare_kebab,
            rf"[.:]\s*(?:{plain})\b", rf"\bfn\s+(?:{plain})\b",
            rf"\b(?:{owners})\s*::\s*(?:{variants})\b",
            r'(?i:protocol_version)\s*[(:=][^;\n"]{0,40}?"[23]"',
            rf"\bimpl\b[^{{;]*\b(?:{roles}|Host|HostImports)\s+for\b",
            rf"\btrait\s+(?:{roles}|Host|HostImports)\b",
            r'"(?:' + _alt(s.wit_functions) + r')"',
        ]
        python = [
            _alt(code_words | set(s.export_classes) | kebab),
            rf"wit_world\.(?:imports|exports)\.(?:{v3_modules})(?![\w])",
            rf"wit_world[\w.]*\s+import\s+(?:\([^)]*|[^\n]*)\b(?:{v3_modules}|imports)(?![\w.])",
            rf"\b(?:{_alt(s.v4_modules)})\s*\.\s*(?:{plain})\b",
            package, *generic,
        ]
        wit = [
            package + r"[/%\w-]*@3\.0\.0", package + rf"/%?(?:{_alt(s.wit_interfaces)})(?![\w-])",
            bare_kebab,
            rf"\b(?:interface|import|export|use)\s+%?(?:{_alt(s.wit_interfaces)})(?![\w-])",
            rf"(?<![\w-])%?(?:{_alt(s.wit_functions)})\s*:\s*func\b",
            rf"(?<![\w-])%?(?:{_alt(s.wit_interfaces)})\s*\.\s*\{{",
        ]
        whole_kebab = rf"[\"'](?:{_alt(kebab)})[\"']"
        toml = [package, r"rapidbyte-sdk", r"protocol_version\s*=\s*['\"]*[23]", r"wit_world\.(?:imports|exports)\.",
                whole_kebab]
        json = [package, r'"protocol_version"\s*:\s*"?[23]', r"wit_world\.(?:imports|exports)\.", whole_kebab]
        markdown = sorted(set(rust + python + wit + toml + json))
        self.by_kind = {
            kind: re.compile("|".join(parts).encode())
            for kind, parts in (("rust", rust), ("python", python), ("wit", wit), ("toml", toml), ("json", json),
                                ("markdown", markdown))
        }

    def __call__(self, kind: str | None, data: bytes) -> bool:
        rx = self.by_kind.get(kind) if kind else None
        return rx is not None and rx.search(data) is not None


@functools.lru_cache(maxsize=4)
def gates_for(s: V3Spellings) -> Gates:
    return Gates(s)

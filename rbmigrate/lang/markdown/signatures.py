"""WIT function signatures written in docs: parse one, and write its v4 counterpart in the same style.

Docs spell a function several ways: the WIT declaration (``emit-batch: func(handle: u64)
-> result<_, connector-error>;``), a typed call form (``emit-batch(handle: u64) -> …``) and a
names-only form (``connect-tcp(host, port)``). The v4 text is taken from the canonical
``wit/v4`` declaration and written in the style of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...ruletable import split_params

SIGNATURE = re.compile(
    r"^(?P<name>%?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)"
    r"(?P<func>\s*:\s*func\s*)?"
    r"\((?P<params>[^()]*)\)"
    r"(?:\s*->\s*(?P<result>[^;]+?))?"
    r"(?P<semi>\s*;)?$"
)


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[tuple[str, str], ...]  # (name, type or "")
    result: str | None  # None when absent
    func: bool  # written as a WIT declaration (`name: func(...)`)
    semi: bool

    @property
    def typed(self) -> bool:
        return any(t for _, t in self.params)

    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.params)


def _split(params: str) -> list[str]:
    parts = split_params(params)
    return parts if parts[-1].strip() else parts[:-1]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse(text: str) -> Signature | None:
    m = SIGNATURE.match(text.strip())
    if not m:
        return None
    params = []
    for part in _split(m.group("params")):
        name, colon, ty = part.partition(":")
        name = name.strip()
        if not re.fullmatch(r"%?[a-z][a-z0-9-]*", name):
            return None
        params.append((name.lstrip("%"), _norm(ty) if colon else ""))
    result = m.group("result")
    return Signature(m.group("name").lstrip("%"), tuple(params), _norm(result) if result else None,
                     bool(m.group("func")), bool(m.group("semi")))


def matches(doc: Signature, canonical: Signature) -> bool:
    """Does the written signature say what ``canonical`` says, in whatever it writes out?"""
    if doc.names() != canonical.names():
        return False
    if doc.typed and tuple(t for _, t in doc.params) != tuple(t for _, t in canonical.params):
        return False
    return doc.result is None or doc.result == canonical.result


def render(doc: Signature, decl: str) -> str:
    """``decl`` (a canonical declaration line) written in the style of ``doc``."""
    target = parse(decl)
    if target is None:  # pragma: no cover - canonical declarations always parse
        return decl
    if doc.func:
        text = decl.rstrip().rstrip(";")
        return text + (";" if doc.semi else "")
    m = SIGNATURE.match(decl.strip())
    typed = doc.typed or (not doc.params and doc.result is not None)
    if typed:
        params = ", ".join(p.strip() for p in _split(m.group("params")))
    else:
        params = ", ".join(target.names())
    out = f"{target.name}({params})"
    if doc.result is not None and m.group("result"):
        out += " -> " + m.group("result").strip()
    return out + (";" if doc.semi else "")

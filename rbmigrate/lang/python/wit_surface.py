"""The canonical WIT packages read as data: interfaces, functions, params, enums, records, variants.

The canonical packages under ``wit/`` are ours and formatted one item per line,
so a line scan is exact (``rbmigrate.ruletable`` reads them the same way).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ...resources import wit_dir

_IFACE = re.compile(r"^\s*interface\s+(%?[a-z][a-z0-9-]*)\s*\{", re.M)
_BLOCK = re.compile(r"^\s*(enum|record|variant)\s+(%?[a-z][a-z0-9-]*)\s*\{(.*?)\}", re.M | re.S)
_FUNC = re.compile(r"^\s*(%?[a-z][a-z0-9-]*)\s*:\s*func\s*\((.*?)\)", re.M)
_TYPE_ALIAS = re.compile(r"^\s*type\s+(%?[a-z][a-z0-9-]*)\s*=", re.M)


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


@dataclass
class Interface:
    name: str
    functions: dict[str, list[str]] = field(default_factory=dict)  # function -> param names
    enums: dict[str, list[str]] = field(default_factory=dict)  # enum -> cases
    records: dict[str, list[str]] = field(default_factory=dict)  # record -> fields
    variants: dict[str, list[str]] = field(default_factory=dict)  # variant -> cases
    aliases: list[str] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return [*self.enums, *self.records, *self.variants, *self.aliases]


def _split_top(body: str) -> list[str]:
    """Split at commas outside ``<...>`` and ``(...)``."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def _names(body: str) -> list[str]:
    out = []
    for part in _split_top(body):
        m = re.match(r"\s*(%?[a-z][a-z0-9-]*)", part)
        if m:
            out.append(m.group(1).lstrip("%"))
    return out


@functools.lru_cache(maxsize=None)
def surface(version: str) -> dict[str, Interface]:
    """Interfaces of the canonical package ``wit/<version>`` by WIT name."""
    text = _strip_comments("".join(p.read_text(encoding="utf-8") for p in sorted(wit_dir(version).glob("*.wit"))))
    starts = [(m.start(), m.group(1).lstrip("%")) for m in _IFACE.finditer(text)]
    out: dict[str, Interface] = {}
    for index, (start, name) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        world = text.find("\nworld ", start)
        if 0 <= world < end:
            end = world
        body = text[start:end]
        iface = Interface(name)
        for m in _BLOCK.finditer(body):
            kind, type_name, inner = m.group(1), m.group(2).lstrip("%"), m.group(3)
            getattr(iface, kind + "s")[type_name] = _names(inner)
        for m in _FUNC.finditer(body):
            iface.functions[m.group(1).lstrip("%")] = _names(m.group(2))
        iface.aliases = [m.group(1).lstrip("%") for m in _TYPE_ALIAS.finditer(body)]
        out[name] = iface
    return out


def type_owner(version: str, type_name: str) -> str | None:
    for iface in surface(version).values():
        if type_name in iface.types:
            return iface.name
    return None

"""Heading anchors that a migrated code span changes, and the links that point at them (RB915).

``### `emit-batch``` has the GitHub anchor ``#emit-batch``; once the span says
``batch-emit`` the anchor is ``#batch-emit`` and every link to the old one breaks. Links
are never rewritten: the heading and each link to it (in the same file or another
Markdown file of the unit) are reported. On a later run the heading no longer shows the
v3 name, so the broken links are found the other way round: a fragment that matches no
anchor but does once its v3 names are migrated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

RULE = "RB915"


def slug(text: str) -> str:
    """GitHub's anchor for a heading text (github-slugger: lower case, punctuation dropped, spaces → ``-``)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_" or unicodedata.category(ch).startswith("M"))
    return text.replace(" ", "-")


def heading_text(children) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(heading_text(child.children or []))
    return "".join(out).strip()


def anchors(headings) -> list[str]:
    """The anchor of each heading, with GitHub's ``-1``, ``-2`` suffixes for repeats."""
    seen: dict[str, int] = {}
    out = []
    for h in headings:
        base = slug(heading_text(h.inline.children))
        anchor = base
        if base in seen:
            seen[base] += 1
            anchor = f"{base}-{seen[base]}"
            while anchor in seen:
                seen[base] += 1
                anchor = f"{base}-{seen[base]}"
        seen.setdefault(anchor, 0)
        out.append(anchor)
    return out


@dataclass
class Target:
    """A Markdown file of the unit as links see it: anchors before and after migration."""

    display: str
    before: list[str]
    after: list[str]
    lines: list[int]  # 1-based line of each heading
    starts: list[int]  # byte offset of each heading


def split_href(href: str) -> tuple[str, str] | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
        return None  # another site
    path, _, frag = href.partition("#")
    path = path.split("?")[0]
    return unquote(path), unquote(frag)


def resolve(base: Path, path: str) -> Path:
    return base if not path else (base.parent / path).resolve()


def migrate_fragment(fragment: str, kebab: dict[str, str]) -> str:
    """A fragment with its v3 kebab names replaced (for links to a heading migrated on an earlier run)."""
    if not kebab:
        return fragment
    alternation = "|".join(sorted(map(re.escape, kebab), key=len, reverse=True))
    return re.sub(rf"(?<![a-z0-9])({alternation})(?![a-z0-9])", lambda m: kebab[m.group(1)], fragment)

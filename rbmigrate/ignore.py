"""Patterns in .gitignore syntax: ``.gitignore`` files outside git, and ``--include``/``--exclude``.

The rules follow gitignore(5): ``#`` comments, ``!`` negation, a trailing
``/`` matches directories only, a pattern with a ``/`` before its end is
anchored to the folder of its file (or the run's root), one without matches a
name at any depth, ``*``/``?``/``[...]`` never match ``/``, and ``**`` matches
across folders (``**/x``, ``x/**``, ``a/**/b``). Paths are POSIX paths relative
to the root the rules are anchored to. As in git, a file inside an ignored
folder cannot be re-included: walkers prune ignored folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    base: str  # folder of the .gitignore, relative to the root ("" for the root)
    text: str

    def matches(self, path: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not path.startswith(self.base + "/"):
                return False
            path = path[len(self.base) + 1 :]
        return self.regex.match(path) is not None


def _bracket(pat: str, i: int) -> tuple[str, int] | None:
    """Translate ``[...]`` starting at ``pat[i] == '['``; None when it is not closed."""
    j = i + 1
    out = "["
    if j < len(pat) and pat[j] in "!^":
        out += "^"
        j += 1
    if j < len(pat) and pat[j] == "]":  # a leading ] is literal
        out += "\\]"
        j += 1
    while j < len(pat) and pat[j] != "]":
        c = pat[j]
        if c == "\\" and j + 1 < len(pat):
            j += 1
            c = pat[j]
        out += "\\" + c if c in "\\[]^" else c
        j += 1
    if j >= len(pat):
        return None
    return out + "]", j + 1


def translate(pat: str) -> str:
    """The regular expression for a gitignore glob (without anchoring rules)."""
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            if pat.startswith("**", i) and (i == 0 or pat[i - 1] == "/") and (i + 2 == n or pat[i + 2] == "/"):
                if i + 2 == n:  # trailing /**: everything inside
                    out.append(".*")
                    i += 2
                else:  # **/: zero or more folders
                    out.append("(?:.*/)?")
                    i += 3
                continue
            while i < n and pat[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            got = _bracket(pat, i)
            if got is not None:
                out.append(got[0])
                i = got[1]
                continue
            out.append("\\[")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pat[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_pattern(line: str, base: str = "") -> Pattern | None:
    """One line of a .gitignore (or one --include/--exclude glob); None for blanks and comments."""
    text = line.rstrip("\n").rstrip("\r")
    # trailing spaces are dropped unless escaped
    while text.endswith(" ") and not text.endswith("\\ "):
        text = text[:-1]
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    elif text.startswith("\\!") or text.startswith("\\#"):
        text = text[1:]
    dir_only = text.endswith("/")
    body = text.rstrip("/")
    if not body:
        return None
    anchored = "/" in body
    body = body.lstrip("/")
    regex = translate(body)
    regex = ("^" if anchored else "^(?:.*/)?") + regex + "$"
    return Pattern(re.compile(regex, re.DOTALL), negated, dir_only, base.strip("/"), line.strip())


class Rules:
    """An ordered list of patterns; the last one that matches decides."""

    def __init__(self, patterns: list[Pattern] | None = None):
        self.patterns = list(patterns or [])

    @classmethod
    def from_lines(cls, lines, base: str = "") -> "Rules":
        return cls([p for p in (compile_pattern(line, base) for line in lines) if p is not None])

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def extended(self, other: "Rules") -> "Rules":
        return Rules(self.patterns + other.patterns) if other else self

    def decide(self, path: str, is_dir: bool) -> bool | None:
        """True: matched (ignored/excluded); False: re-included by ``!``; None: no pattern matched."""
        for pattern in reversed(self.patterns):
            if pattern.matches(path, is_dir):
                return not pattern.negated
        return None

    def matches(self, path: str, is_dir: bool = False) -> bool:
        return self.decide(path, is_dir) is True

    def matches_within(self, path: str) -> bool:
        """Does the file ``path`` or any folder above it match? (for --include/--exclude)"""
        parts = path.split("/")
        for depth in range(1, len(parts)):
            if self.matches("/".join(parts[:depth]), is_dir=True):
                return True
        return self.matches(path, is_dir=False)


def read_gitignore(path, base: str) -> Rules:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return Rules.from_lines(handle, base)
    except OSError:
        return Rules()

"""Dirty-tree check: never overwrite work that git cannot give back.

``apply`` writes a file only when git holds its current content: tracked, with
no unstaged or staged change. A modified, staged, untracked, ignored or
conflicted file counts as uncommitted (``--allow-dirty`` overrides, as with
``cargo fix``). Files outside any git work tree are not checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .discover import git_lines
from .model import NOT_WRITTEN


def _status_reason(xy: str) -> str:
    x, y = xy[0], xy[1]
    if xy == "??":
        return "untracked"
    if xy == "!!":
        return "ignored by git, never committed"
    if "U" in xy or xy in ("AA", "DD"):
        return "conflicted"
    if y in "MT":
        return "modified"
    if y == "D":
        return "deleted"
    if x != " ":
        return "staged, not committed"
    return "modified"


class GitSafety:
    """Answers "which of these files hold uncommitted work?", asking git once per repository."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}
        self._state: dict[Path, tuple[dict[str, str], set[str]]] = {}

    def repo_root(self, folder: Path) -> Path | None:
        folder = Path(folder)
        if folder not in self._roots:
            out = git_lines(["rev-parse", "--show-toplevel"], folder) if folder.is_dir() else None
            self._roots[folder] = Path(out[0].strip()).resolve() if out else None
        return self._roots[folder]

    def _repo_state(self, root: Path) -> tuple[dict[str, str], set[str]]:
        if root not in self._state:
            status: dict[str, str] = {}
            entries = git_lines(["status", "--porcelain=v1", "-z", "--untracked-files=all"], root) or []
            i = 0
            while i < len(entries):
                entry = entries[i]
                xy, path = entry[:2], entry[3:]
                status[path] = _status_reason(xy)
                if xy[0] in "RC":  # a rename or copy is followed by its source path
                    i += 1
                    if i < len(entries):
                        status.setdefault(entries[i], "renamed, not committed")
                i += 1
            tracked = set(git_lines(["ls-files", "-z"], root) or [])
            self._state[root] = (status, tracked)
        return self._state[root]

    def uncommitted(self, paths: Iterable[Path]) -> dict[Path, str]:
        """The files among ``paths`` whose current content git does not hold, with why."""
        out: dict[Path, str] = {}
        for path in paths:
            path = Path(path).resolve()
            root = self.repo_root(path.parent)
            if root is None:
                continue
            status, tracked = self._repo_state(root)
            rel = Path(os.path.relpath(path, root)).as_posix()
            if rel in status:
                out[path] = status[rel]
            elif rel not in tracked:
                out[path] = "ignored by git, never committed"
        return out


def refusal_message(reason: str) -> str:
    return f"has uncommitted changes ({reason}); {NOT_WRITTEN}. Commit or stash first, or pass --allow-dirty"

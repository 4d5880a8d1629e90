"""The folders rbmigrate never looks into, defined once for every walker.

Used by discovery (`discover.py`), the Rust adapter's crate walk, `verify`'s connector search and the
hosts' build-cache key. Where a walker skips more or less, it says so (and why) where it uses these.
"""

from __future__ import annotations

VCS = frozenset({".git", ".hg", ".svn"})
BUILD_OUTPUTS = frozenset({"target", "node_modules"})
CACHES = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".rbmigrate-cache"})
VIRTUALENVS = frozenset({".venv", "venv"})
GENERATED = frozenset({"wit_world"})  # checked-in componentize-py bindings: regenerated, never edited

#: Every folder name that is never migrated, searched or hashed.
SKIP_DIRS = VCS | BUILD_OUTPUTS | CACHES | VIRTUALENVS | GENERATED


def hidden_or_skipped(name: str, also: frozenset[str] = frozenset()) -> bool:
    """For walkers that also pass over every dot-folder (``.cargo``, ``.github``, ...)."""
    return name.startswith(".") or name in SKIP_DIRS or name in also

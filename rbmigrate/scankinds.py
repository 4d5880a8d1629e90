"""Which files the residue pass (RB920) reads, by name: a leaf module, so discovery can ask
without importing the pass (and, through it, every adapter)."""

from __future__ import annotations

from pathlib import PurePath

KINDS = ("rust", "python", "wit", "toml", "json", "markdown")
_SUFFIXES = {".rs": "rust", ".py": "python", ".wit": "wit", ".toml": "toml", ".json": "json",
             ".md": "markdown", ".markdown": "markdown"}


def scan_kind(path: PurePath) -> str | None:
    """How a file is scanned, by its name (no I/O): one of :data:`KINDS`, or None (not scanned)."""
    return _SUFFIXES.get(path.suffix.lower())


def scan_kind_of_name(name: str) -> str | None:
    """:func:`scan_kind` of a bare file name (discovery works on strings until a file is taken)."""
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:].lower()) if dot > 0 else None

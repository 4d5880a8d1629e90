"""The adapter seam: one small interface per language.

An adapter knows one language and nothing about the CLI or other languages.
``plan`` is pure: it returns edits and findings and does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Edit, FileError, FileResult, Finding
from ..ruletable import RuleTable


class ParseError(Exception):
    """A located syntax error: ``path:line:col: message``."""

    def __init__(self, path: str, line: int, col: int, message: str):
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = path
        self.line = line
        self.col = col
        self.message = message

    def to_file_error(self) -> FileError:
        return FileError(path=self.path, message=self.message, line=self.line, col=self.col, kind="parse")


@dataclass
class UnitContext:
    """What crosses files within one unit (a connector, crate or WIT package)."""

    root: Path
    kind: str
    rules: RuleTable
    manifest: dict[str, Any] = field(default_factory=dict)  # id, role, capabilities, protocol_version
    shared: dict[str, Any] = field(default_factory=dict)  # adapter-private, per unit
    actions: list = field(default_factory=list)  # model.Action: unit-level changes (bindings regeneration)


@dataclass
class FileContext:
    path: Path  # absolute
    display: str  # as shown to the user
    unit: UnitContext
    tree: Any = None  # the parsed tree, set by the engine after `parse`

    @property
    def rules(self) -> RuleTable:
        return self.unit.rules


class Adapter:
    """Base class of the language adapters."""

    name: str = ""

    def prefilter(self, data: bytes) -> bool:
        """Cheap text check: may this file hold anything v3? False means: never parsed."""
        return True

    def select(self, root: Path, files: list[bytes]) -> list[bool]:
        """Which files of a unit to parse, with the whole unit in view (default: each file's prefilter).

        An adapter whose plan needs unit-wide facts can decide for the unit as a whole: nothing when no
        file holds v3, every prefiltered file when one does."""
        return [self.prefilter(data) for data in files]

    def decode_source(self, data: bytes, ctx: FileContext) -> tuple[bytes, str | None]:
        """A file's bytes as UTF-8, and the encoding it declares when that is another one (a Python
        coding cookie); raise :class:`ParseError` when it cannot be decoded. Default: bytes as they are."""
        return data, None

    def parse(self, data: bytes, ctx: FileContext) -> Any:
        """Parse or raise :class:`ParseError`."""
        raise NotImplementedError

    def plan(self, tree: Any, data: bytes, ctx: FileContext) -> tuple[list[Edit], list[Finding]]:
        raise NotImplementedError

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        """Re-parse the output (raise :class:`ParseError`) and run cheap checks."""
        self.parse(data, ctx)
        return []

    def warm(self) -> None:
        """Import and build what ``parse`` and ``plan`` need (parsers, queries), in a parent process about to
        fork workers: they inherit it instead of each doing it again (optional)."""

    def prepare_unit(self, files: list[tuple[FileContext, bytes]], unit: UnitContext) -> None:
        """Look at every file of the unit before planning (optional)."""

    def validate_unit(self, results: list[FileResult], unit: UnitContext) -> list[FileError]:
        """Check the unit's output as a whole, e.g. a multi-file WIT package (optional).

        ``results`` holds every file of this language in the unit, including
        those that failed to parse (their ``error`` is set)."""
        return []


_ADAPTERS: dict[str, tuple[str, str]] = {
    # name: (module, class) — imported lazily so start-up stays light
    "wit": ("rbmigrate.lang.wit.adapter", "WitAdapter"),
    "python": ("rbmigrate.lang.python", "PythonAdapter"),
    "rust": ("rbmigrate.lang.rust", "RustAdapter"),
    "manifest": ("rbmigrate.lang.manifest", "ManifestAdapter"),
    "markdown": ("rbmigrate.lang.markdown", "MarkdownAdapter"),
}

_SUFFIXES = {".wit": "wit", ".py": "python", ".rs": "rust", ".md": "markdown", ".markdown": "markdown"}
_MANIFEST_NAMES = {"manifest.json", "Cargo.toml", "rapidbyte.toml", "pyproject.toml"}


def language_of(path: Path) -> str | None:
    """Which adapter handles a path (by name only, no I/O)."""
    if path.name in _MANIFEST_NAMES:
        return "manifest"
    return _SUFFIXES.get(path.suffix)


def language_of_name(name: str) -> str | None:
    """:func:`language_of` for a file name (a string: discovery asks for every file of a fleet)."""
    if name in _MANIFEST_NAMES:
        return "manifest"
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:]) if 0 < dot < len(name) - 1 else None


_loaded: dict[str, Adapter | None] = {}


def get_adapter(language: str) -> Adapter | None:
    """The adapter instance for a language, or None when it has not landed yet."""
    if language not in _loaded:
        import importlib

        module_name, class_name = _ADAPTERS[language]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            _loaded[language] = None
        else:
            _loaded[language] = getattr(module, class_name)()
    return _loaded[language]

"""Shared state of one file's migration (LibCST-codemod style: transforms share a context).

Each transform is a small visitor that reads the original tree with its
metadata and records what to change here: node replacements (built later from
the already-updated children), text insertions, statement deletions, import
needs and findings. :mod:`.spans` turns the record into byte-span edits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameSource, ScopeProvider

from ...model import Finding, Severity
from ...plan import FilePlan
from ..base import FileContext, ParseError
from .metadata import NodeIndex
from .names import ProtocolNames

Builder = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Replacement:
    build: Builder  # updated node -> new node
    rule_id: str


@dataclass
class Insertion:
    offset: int  # byte offset in the original file
    text: str
    rule_id: str


@dataclass
class MigrationContext:
    fctx: FileContext
    data: bytes  # the original bytes
    text: str  # decoded, without BOM
    bom: int  # bytes before `text` starts (3 with a UTF-8 BOM)
    module: cst.Module
    names: ProtocolNames
    replacements: dict[cst.CSTNode, Replacement] = field(default_factory=dict)
    insertions: list[Insertion] = field(default_factory=list)
    deletions: dict[cst.CSTNode, str] = field(default_factory=dict)  # statement -> rule id
    text_edits: dict[cst.CSTNode, tuple[str, str]] = field(default_factory=dict)  # node -> (text, rule)
    left: set[cst.CSTNode] = field(default_factory=set)  # v3 references left as they are (findings)
    string_slots: set[cst.CSTNode] = field(default_factory=set)  # expressions v4 requires to be `str`
    shared: dict[str, Any] = field(default_factory=dict)  # per-concern state (e.g. moved methods)
    updated: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # filled while transforming

    def __post_init__(self) -> None:
        self.plan = FilePlan(self.fctx.display, self.data, self.fctx.rules)  # the one plan store
        self.index = NodeIndex(self.module)
        self._check_round_trip()
        self._parents = self.index.parents
        self._spans = self.index.spans
        self._scope_map: dict | None = None  # resolved on first use: files without bindings never need it
        self._all_scopes: set | None = None
        self._qnames: dict[cst.CSTNode, set] = {}

    def _check_round_trip(self) -> None:
        """Byte spans are only right when libcst prints the file back exactly; it does not always
        (e.g. it drops the space in `except (A, B) :`). Such a file is left untouched, with a located error."""
        generated = self.index.code()
        if generated == self.text:
            return
        at = next((i for i, (a, b) in enumerate(zip(generated, self.text)) if a != b), min(len(generated), len(self.text)))
        line = self.text.count("\n", 0, at) + 1
        col = at - (self.text.rfind("\n", 0, at) + 1) + 1
        raise ParseError(
            self.fctx.display, line, col,
            "libcst cannot reproduce this file byte for byte here (a libcst limitation); "
            "left untouched: reformat this line and run again",
        )

    # --- metadata ---------------------------------------------------------------

    @property
    def scope_map(self) -> dict:
        if self._scope_map is None:
            self._scope_map = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(ScopeProvider)
        return self._scope_map

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode):
        node = self._parents.get(node)
        while node is not None:
            yield node
            node = self._parents.get(node)

    def scope(self, node: cst.CSTNode):
        return self.scope_map.get(node)

    def scopes(self) -> set:
        """Every scope of the module."""
        if self._all_scopes is None:
            self._all_scopes = {s for s in self.scope_map.values() if s is not None}
        return self._all_scopes

    def qnames(self, node: cst.CSTNode) -> set:
        """What ``QualifiedNameProvider`` gives (computed for the nodes asked about only)."""
        value = self._qnames.get(node)
        if value is None:
            scope = self.scope_map.get(node)
            value = self._qnames[node] = scope.get_qualified_names_for(node) if scope else set()
        return value

    def imported_qname(self, node: cst.CSTNode) -> str | None:
        """The one qualified name of an imported item, or None (local, ambiguous, unknown)."""
        names = self.qnames(node)
        if len(names) != 1:
            return None
        (q,) = names
        return q.name if q.source is QualifiedNameSource.IMPORT else None

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        s = self._spans[node]
        return self.bom + s.start, self.bom + s.start + s.length

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and column of a node."""
        line, column = self.index.position(node)
        return line, column + 1

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    @property
    def newline(self) -> str:
        return self.module.default_newline

    @property
    def indent(self) -> str:
        return self.module.default_indent

    def line_indent(self, node: cst.CSTNode) -> str:
        """The whitespace that starts the line a node starts on."""
        line = self.index.position(node)[0]
        text = self.text.splitlines(keepends=True)[line - 1] if self.text else ""
        return text[: len(text) - len(text.lstrip(" \t"))]

    # --- recording ----------------------------------------------------------------

    def finding(self, node: cst.CSTNode, rule_id: str, message: str, manual_step: str = "",
                severity: Severity | None = None) -> None:
        self.plan.finding_at(*self.position(node), rule_id, message, manual_step, severity)

    @property
    def findings(self) -> list[Finding]:
        return self.plan.findings

    def replace(self, node: cst.CSTNode, rule_id: str, build: Builder) -> None:
        if node in self.replacements:
            raise AssertionError(f"two replacements for one node ({rule_id}, {self.replacements[node].rule_id})")
        self.replacements[node] = Replacement(build, rule_id)

    def new(self, original: cst.CSTNode) -> cst.CSTNode:
        """The transformed version of an original node (for builders: children are done first)."""
        return self.updated.get(original, original)

    def replace_with(self, node: cst.CSTNode, rule_id: str, new: cst.CSTNode) -> None:
        self.replace(node, rule_id, lambda _updated: new)

    def insert(self, offset: int, text: str, rule_id: str) -> None:
        self.insertions.append(Insertion(offset, text, rule_id))

    def delete(self, statement: cst.CSTNode, rule_id: str) -> None:
        self.deletions[statement] = rule_id

    def leave_as_is(self, node: cst.CSTNode) -> None:
        """A v3 reference that stays (its site is a finding): its import must stay too."""
        self.left.add(node)

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
from libcst.metadata import (
    ByteSpanPositionProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from ...model import Finding, Severity
from ..base import FileContext
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
    wrapper: MetadataWrapper
    names: ProtocolNames
    findings: list[Finding] = field(default_factory=list)
    replacements: dict[cst.CSTNode, Replacement] = field(default_factory=dict)
    insertions: list[Insertion] = field(default_factory=list)
    deletions: dict[cst.CSTNode, str] = field(default_factory=dict)  # statement -> rule id
    text_edits: dict[cst.CSTNode, tuple[str, str]] = field(default_factory=dict)  # node -> (text, rule)
    left: set[cst.CSTNode] = field(default_factory=set)  # v3 references left as they are (findings)
    string_slots: set[cst.CSTNode] = field(default_factory=set)  # expressions v4 requires to be `str`
    shared: dict[str, Any] = field(default_factory=dict)  # per-concern state (e.g. moved methods)
    updated: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # filled while transforming

    def __post_init__(self) -> None:
        w = self.wrapper
        self.module: cst.Module = w.module
        self._parents = w.resolve(ParentNodeProvider)
        self._scopes = w.resolve(ScopeProvider)
        self._positions = w.resolve(PositionProvider)
        self._spans = w.resolve(ByteSpanPositionProvider)
        self._qnames = w.resolve(QualifiedNameProvider)

    # --- metadata ---------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode):
        node = self._parents.get(node)
        while node is not None:
            yield node
            node = self._parents.get(node)

    def scope(self, node: cst.CSTNode):
        return self._scopes.get(node)

    def scopes(self) -> set:
        """Every scope of the module."""
        return {s for s in self._scopes.values() if s is not None}

    def qnames(self, node: cst.CSTNode) -> set:
        value = self._qnames.get(node)
        if value is None:
            return set()
        return value() if callable(value) else value

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
        p = self._positions[node].start
        return p.line, p.column + 1

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
        line = self._positions[node].start.line
        text = self.text.splitlines(keepends=True)[line - 1] if self.text else ""
        return text[: len(text) - len(text.lstrip(" \t"))]

    # --- recording ----------------------------------------------------------------

    def finding(self, node: cst.CSTNode, rule_id: str, message: str, manual_step: str = "",
                severity: Severity | None = None) -> None:
        line, col = self.position(node)
        if severity is None:
            rule = self.fctx.rules.get(rule_id) if rule_id in self.fctx.rules else None
            severity = Severity(rule.severity) if rule is not None and rule.is_finding else Severity.ERROR
        item = Finding(self.fctx.display, line, col, rule_id, severity, message, manual_step)
        if item not in self.findings:
            self.findings.append(item)

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

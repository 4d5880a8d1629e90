"""Per-file planning state shared by the concerns: edits, findings, names the new code needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import Edit, Finding
from ...plan import FilePlan as Store
from ...textio import line_col, newline_of

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from ..base import FileContext
    from .scope import CrateFacts, FileScopes
    from .vocab import Vocab

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class FilePlan:
    data: bytes
    root: "Node"
    ctx: "FileContext"
    vocab: "Vocab"
    facts: "CrateFacts"
    scopes: "FileScopes"
    captures: dict[str, list["Node"]]
    frozen: list[tuple[int, int]] = field(default_factory=list)  # generated binding trees: never edited
    required: dict[tuple[int, int], set[str]] = field(default_factory=dict)  # scope span → SDK names needed
    module_refs: dict = field(default_factory=dict)  # local name of a split module import (`types`) → Counter of owners
    module_heads: list = field(default_factory=list)  # (head node, owner, v3 module) of references through an import

    def __post_init__(self) -> None:
        self.newline = newline_of(self.data)
        self.receivers = None  # receivers.Receivers, set by the adapter (what a method call's receiver is)
        self.store = Store(self.ctx.display, self.data, self.ctx.rules)  # the one plan store (rbmigrate.plan)
        self.prose: set[tuple[int, int]] = set()  # edits inside comments and strings (not code tokens)

    # ------------------------------------------------------------------ edits

    def is_frozen(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.frozen)

    def edit(self, target: "Node | tuple[int, int]", replacement: str, rule_id: str, code: bool = True) -> bool:
        """Plan an edit (``code=False``: inside a comment or string). Conflicting edits raise (rbmigrate.plan)."""
        start, end = (target.start_byte, target.end_byte) if not isinstance(target, tuple) else target
        if self.is_frozen(start, end):
            return False
        if not self.store.edit(start, end, replacement, rule_id):
            return self.data[start:end].decode("utf-8", "replace") == replacement or (
                self.store.at(start, end) is not None and self.store.at(start, end).replacement == replacement
            )
        if not code:
            self.prose.add((start, end))
        return True

    def has_edit(self, node: "Node") -> bool:
        return self.store.at(node.start_byte, node.end_byte) is not None

    def claimed(self, target: "Node | tuple[int, int]") -> bool:
        """Is a planned edit touching these bytes already? (A concern that yields to another asks first.)"""
        start, end = (target.start_byte, target.end_byte) if not isinstance(target, tuple) else target
        return self.store.claimed(start, end) is not None

    def render(self, start: int, end: int) -> str:
        """The original bytes ``[start, end)`` with the edits inside applied; those edits are consumed."""
        return self.store.render(start, end)

    def result(self) -> list[Edit]:
        return self.store.edits

    # --------------------------------------------------------------- findings

    def finding(self, node: "Node | int", rule_id: str, message: str, manual_step: str = "", severity: str | None = None,
                end: int | None = None) -> None:
        """Report at ``node`` (its span is the reported code; ``end`` stretches it: a construct left as it is)."""
        offset = node if isinstance(node, int) else node.start_byte
        if self.is_frozen(offset, offset) and rule_id != "RB001":
            return
        line, col = line_col(self.data, offset)
        if any(f.line == line and f.col == col and f.rule_id == rule_id for f in self.store.findings):
            return  # one finding per place and rule
        if end is None and not isinstance(node, int):
            end = node.end_byte
        self.store.finding(offset, rule_id, message, manual_step, severity, end)

    def result_findings(self) -> list[Finding]:
        return sorted(self.store.findings, key=lambda f: (f.line, f.col, f.rule_id))

    # ------------------------------------------------------------------ names

    def require(self, scope_node: "Node", name: str) -> None:
        """Inserted code needs the SDK name ``name`` in the module of ``scope_node``."""
        self.required.setdefault((scope_node.start_byte, scope_node.end_byte), set()).add(name)

    def sdk_name(self, node: "Node", name: str) -> str:
        """How to spell the SDK item ``name`` at ``node``; records an import when it is not in scope."""
        target = self.scopes.lookup(name, node)
        if target is not None and not target.is_sdk(name):
            return f"{'crate' if self.facts.is_sdk else 'rapidbyte_sdk'}::{name}"  # the name means something else here
        if target is None:
            scope = self.scopes.scope_of(node)
            while scope.parent is not None:
                scope = scope.parent
            # a module that glob-imports its parent (`use super::*;`, test modules) sees the parent's imports
            while scope.module_parent is not None and any(g.kind == "parent" for g in scope.globs):
                scope = scope.module_parent
                while scope.parent is not None:
                    scope = scope.parent
            self.require(scope.node, name)
        return name

    def token_delta(self) -> dict[str, int]:
        """Per identifier: occurrences added minus removed by the planned code edits."""
        delta: dict[str, int] = {}
        for e in self.store.edits:
            if (e.start, e.end) in self.prose:
                continue
            for w in _WORD.findall(self.data[e.start : e.end].decode("utf-8", "replace")):
                delta[w] = delta.get(w, 0) - 1
            for w in _WORD.findall(e.replacement):
                delta[w] = delta.get(w, 0) + 1
        return delta

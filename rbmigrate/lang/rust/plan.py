"""Per-file planning state shared by the concerns: edits, findings, names the new code needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import Edit, Finding, Severity
from ...textio import line_col, newline_of

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from ..base import FileContext
    from .scope import CrateFacts, FileScopes
    from .vocab import Vocab

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Planned:
    start: int
    end: int
    text: str
    rule_id: str
    code: bool  # True: code tokens (counted for use upkeep); False: inside a comment or string


@dataclass
class FilePlan:
    data: bytes
    root: "Node"
    ctx: "FileContext"
    vocab: "Vocab"
    facts: "CrateFacts"
    scopes: "FileScopes"
    captures: dict[str, list["Node"]]
    is_build_script: bool = False
    edits: dict[tuple[int, int], Planned] = field(default_factory=dict)
    findings: dict[tuple[int, int, str], Finding] = field(default_factory=dict)
    frozen: list[tuple[int, int]] = field(default_factory=list)  # generated binding trees: never edited
    required: dict[tuple[int, int], set[str]] = field(default_factory=dict)  # scope span → SDK names needed
    types_refs: dict = field(default_factory=dict)  # local name of a `types` module import → Counter of owners
    types_heads: list = field(default_factory=list)  # (head node, owner, head is the module's own name)

    def __post_init__(self) -> None:
        self.newline = newline_of(self.data)
        self._receivers = None

    @property
    def receivers(self):
        if self._receivers is None:
            from .receivers import Receivers

            self._receivers = Receivers(self)
        return self._receivers

    # ------------------------------------------------------------------ edits

    def is_frozen(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.frozen)

    def edit(self, target: "Node | tuple[int, int]", replacement: str, rule_id: str, code: bool = True) -> bool:
        start, end = (target.start_byte, target.end_byte) if not isinstance(target, tuple) else target
        if self.is_frozen(start, end):
            return False
        if self.data[start:end].decode("utf-8", "replace") == replacement:
            return False
        key = (start, end)
        if key in self.edits:
            return self.edits[key].text == replacement
        for other in self.edits.values():
            if other.start < end and start < other.end and not (start == end or other.start == other.end):
                return False  # never overlap: the first concern to claim a span keeps it
        self.edits[key] = Planned(start, end, replacement, rule_id, code)
        return True

    def has_edit(self, node: "Node") -> bool:
        return (node.start_byte, node.end_byte) in self.edits

    def render(self, start: int, end: int) -> str:
        """The original bytes ``[start, end)`` with the edits inside applied; those edits are consumed."""
        inner = sorted((e for e in self.edits.values() if start <= e.start and e.end <= end), key=lambda e: (e.start, e.end))
        out = []
        pos = start
        for e in inner:
            out.append(self.data[pos : e.start].decode("utf-8"))
            out.append(e.text)
            pos = e.end
            del self.edits[(e.start, e.end)]
        out.append(self.data[pos:end].decode("utf-8"))
        return "".join(out)

    def result(self) -> list[Edit]:
        return [Edit(e.start, e.end, e.text, e.rule_id) for e in sorted(self.edits.values(), key=lambda e: (e.start, e.end))]

    # --------------------------------------------------------------- findings

    def finding(self, node: "Node | int", rule_id: str, message: str, manual_step: str = "", severity: str | None = None) -> None:
        offset = node if isinstance(node, int) else node.start_byte
        if self.is_frozen(offset, offset) and rule_id != "RB001":
            return
        line, col = line_col(self.data, offset)
        if severity is None:
            rule = self.ctx.rules.get(rule_id) if rule_id in self.ctx.rules else None
            severity = rule.severity if rule is not None and rule.fix == "manual" else "error"
        key = (line, col, rule_id)
        if key not in self.findings:
            self.findings[key] = Finding(
                path=self.ctx.display,
                line=line,
                col=col,
                rule_id=rule_id,
                severity=Severity(severity),
                message=message,
                manual_step=manual_step,
            )

    def result_findings(self) -> list[Finding]:
        return sorted(self.findings.values(), key=lambda f: (f.line, f.col, f.rule_id))

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
            self.require(scope.node, name)
        return name

    def token_delta(self) -> dict[str, int]:
        """Per identifier: occurrences added minus removed by the planned code edits."""
        delta: dict[str, int] = {}
        for e in self.edits.values():
            if not e.code:
                continue
            for w in _WORD.findall(self.data[e.start : e.end].decode("utf-8", "replace")):
                delta[w] = delta.get(w, 0) - 1
            for w in _WORD.findall(e.text):
                delta[w] = delta.get(w, 0) + 1
        return delta

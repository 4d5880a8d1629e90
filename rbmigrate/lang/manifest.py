"""Manifests and packaging: ``Cargo.toml``, ``manifest.json``, ``rapidbyte.toml``, ``pyproject.toml``.

Recipes §4. TOML goes through tomlkit (comments, quoting and layout survive);
every change is planned on a fresh parse of the original and turned into a
byte-span edit by diffing, so each edit keeps its own rule id and untouched
bytes stay identical. ``manifest.json`` is edited in place through a small
span-aware JSON scanner.

- RB601: ``protocol_version`` ``"2"``/``"3"`` → ``"4"`` (``manifest.json``,
  ``rapidbyte.toml``, ``[tool.rapidbyte]``, ``[package.metadata.rapidbyte]``).
- RB602: a registry requirement on ``rapidbyte-sdk`` whose major is 3 → ``"4"``;
  path, git and workspace dependencies are left alone.
- RB603: ``[package.metadata.component]`` target ``rapidbyte:connector…@3.0.0`` → ``@4.0.0``.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..model import Edit, Finding
from ..plan import FilePlan
from ..textio import BOM, line_col
from .base import Adapter, FileContext, ParseError

SDK_CRATE = "rapidbyte-sdk"
V3_PROTOCOLS = {"2", "3"}
# What a change needs, as text (RB601-RB603): a v3 protocol version, a major-3 requirement next to
# the SDK, a `@3.x` component target. A v4 manifest matches none of these, so it is not parsed again.
# An escape (`\u0033`) can spell anything: a file with one is always looked at.
_V3_MAJOR = re.compile(rb"""(?:["',\[])\s*(?:\^|~|=|>=|>|<=|<)?\s*v?3(?![0-9])""")
_PREFILTER = re.compile(
    rb"""protocol_version["']?\s*[=:]\s*(?:'''|\"\"\"|["'])?\s*\+?(?:0*[23]|0x0*[23]|0o0*[23]|0b0*1[01])(?![0-9])"""
    rb"""|rapidbyte:connector(?:/[a-z][a-z0-9-]*)?@3\."""
    rb"""|\\[uU]"""
)
_WITH_V3_MAJOR = (SDK_CRATE.encode(), b"rapidbyte:connector")
_DEP_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")
_REQ_PART = re.compile(r"^\s*(\^|~|=|>=|>|<=|<)?\s*v?(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?(?:[-+][0-9A-Za-z.+-]*)?\s*$")
_TARGET = re.compile(r"^(rapidbyte:connector(?:/[a-z][a-z0-9-]*)?)@3\.\d+\.\d+$")


@dataclass
class ManifestDoc:
    kind: str  # json | cargo | rapidbyte | pyproject
    doc: Any  # tomlkit document, or the {key: (start, end)} spans of a JSON object
    text: str = ""
    offset: int = 0  # bytes before the text (a UTF-8 BOM)


def _kind(path: Path) -> str:
    return {"manifest.json": "json", "Cargo.toml": "cargo", "rapidbyte.toml": "rapidbyte"}.get(path.name, "pyproject")


# ---------------------------------------------------------------- JSON spans


class _JsonScan:
    """Byte spans of the members of a top-level JSON object (values kept raw)."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def ws(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in b" \t\r\n":
            self.pos += 1

    def string(self) -> int:
        start = self.pos
        self.pos += 1
        while self.pos < len(self.data):
            c = self.data[self.pos]
            if c == 0x5C:  # backslash
                self.pos += 2
                continue
            self.pos += 1
            if c == 0x22:
                return start
        raise ValueError("unterminated string")

    def value(self) -> tuple[int, int]:
        self.ws()
        start = self.pos
        if self.pos >= len(self.data):
            raise ValueError("value expected")
        c = self.data[self.pos]
        if c == 0x22:
            self.string()
        elif c in b"{[":
            depth = 0
            while self.pos < len(self.data):
                c = self.data[self.pos]
                if c == 0x22:
                    self.string()
                    continue
                if c in b"{[":
                    depth += 1
                elif c in b"}]":
                    depth -= 1
                self.pos += 1
                if depth == 0:
                    break
        else:
            while self.pos < len(self.data) and self.data[self.pos] not in b",}] \t\r\n":
                self.pos += 1
        return start, self.pos

    def members(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        self.ws()
        if self.pos >= len(self.data) or self.data[self.pos] != 0x7B:
            return out
        self.pos += 1
        while True:
            self.ws()
            if self.pos >= len(self.data) or self.data[self.pos] == 0x7D:
                return out
            if self.data[self.pos] == 0x2C:
                self.pos += 1
                continue
            key_start = self.string()
            key = json.loads(self.data[key_start : self.pos].decode("utf-8"))
            self.ws()
            self.pos += 1  # ':'
            out[key] = self.value()


# ---------------------------------------------------------------- TOML helpers


def _requirement_bump(req: str) -> bool:
    """True when a Cargo version requirement selects major 3 only (``"3"``, ``"^3.2"``, ``">=3, <4"``)."""
    parts = [p for p in req.split(",") if p.strip()]
    if not parts:
        return False
    majors = []
    for part in parts:
        m = _REQ_PART.match(part)
        if not m:
            return False
        op, major = m.group(1) or "", int(m.group(2))
        if op == "<" and major == 4 and (m.group(3) or "0") == "0":
            continue  # the upper bound of ">=3, <4"
        majors.append(major)
    return bool(majors) and all(m == 3 for m in majors)


def _get(doc: Any, path: tuple[str, ...]) -> Any:
    node = doc
    for key in path:
        node = node[key]
    return node


def _set_scalar(doc: Any, path: tuple[str, ...], value: str | int) -> None:
    """Replace the scalar at ``path`` keeping its quoting style and trivia."""
    import tomlkit
    from tomlkit.items import Integer, String

    parent = _get(doc, path[:-1])
    old = parent[path[-1]]
    if isinstance(old, String):
        new = String.from_raw(str(value), old.type)
    elif isinstance(old, Integer):
        new = tomlkit.integer(int(value))
    else:  # pragma: no cover - callers only pass strings and integers
        new = value
    parent[path[-1]] = new


def _span_edits(before: bytes, after: bytes, rule_id: str) -> list[Edit]:
    """Minimal byte-span edits turning ``before`` into ``after`` (line diff, then trimmed)."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old = b"".join(a[i1:i2])
        new = b"".join(b[j1:j2])
        pre = 0
        while pre < min(len(old), len(new)) and old[pre] == new[pre]:
            pre += 1
        suf = 0
        while suf < min(len(old), len(new)) - pre and old[len(old) - 1 - suf] == new[len(new) - 1 - suf]:
            suf += 1
        start = offsets[i1] + pre
        end = offsets[i1] + len(old) - suf
        # keep edits on character boundaries
        new_mid = new[pre : len(new) - suf]
        while True:
            try:
                text = new_mid.decode("utf-8")
                before[start:end].decode("utf-8")
                break
            except UnicodeDecodeError:
                pre -= 1
                start -= 1
                new_mid = new[pre : len(new) - suf]
        edits.append(Edit(start, end, text, rule_id))
    return edits


# ---------------------------------------------------------------- the adapter

class ManifestAdapter(Adapter):
    name = "manifest"

    def warm(self) -> None:
        import tomlkit  # noqa: F401

    def prefilter(self, data: bytes) -> bool:
        if _PREFILTER.search(data) is not None:
            return True
        return any(token in data for token in _WITH_V3_MAJOR) and _V3_MAJOR.search(data) is not None

    def parse(self, data: bytes, ctx: FileContext) -> ManifestDoc:
        kind = _kind(ctx.path)
        offset = len(BOM) if data.startswith(BOM) else 0
        try:
            text = data[offset:].decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = line_col(data, offset + exc.start)
            raise ParseError(ctx.display, line, col, f"not valid UTF-8 ({exc.reason})") from None
        if kind == "json":
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise ParseError(ctx.display, exc.lineno, exc.colno, exc.msg) from None
            try:
                spans = _JsonScan(data[offset:]).members()
            except (ValueError, IndexError) as exc:  # pragma: no cover - json.loads accepted it
                raise ParseError(ctx.display, 1, 1, str(exc)) from None
            return ManifestDoc(kind, spans, text, offset)
        import tomlkit
        from tomlkit.exceptions import ParseError as TomlError

        try:
            doc = tomlkit.parse(text)
        except TomlError as exc:
            raise ParseError(ctx.display, exc.line, exc.col, str(exc).split(" at line ")[0]) from None
        if doc.as_string() != text:  # pragma: no cover - tomlkit guarantees round trips
            raise ParseError(ctx.display, 1, 1, "tomlkit cannot round-trip this file losslessly")
        return ManifestDoc(kind, doc, text, offset)

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        parsed = self.parse(data, ctx)
        if parsed.kind != "json":
            import tomllib

            try:
                tomllib.loads(parsed.text)
            except tomllib.TOMLDecodeError as exc:
                raise ParseError(ctx.display, 1, 1, f"the output is not valid TOML: {exc}") from None
        return []

    # ------------------------------------------------------------ planning

    def plan(self, tree: ManifestDoc, data: bytes, ctx: FileContext) -> tuple[list[Edit], list[Finding]]:
        plan = FilePlan(ctx.display, data, ctx.rules)
        if tree.kind == "json":
            for edit in self._plan_json(tree, data):
                plan.edit(edit.start, edit.end, edit.replacement, edit.rule_id)
            return plan.result()
        changes = list(self._toml_changes(tree))
        if not changes:
            return plan.result()
        import tomlkit

        body = data[tree.offset :]
        for rule_id, mutate in changes:
            doc = tomlkit.parse(tree.text)
            mutate(doc)
            after = doc.as_string().encode("utf-8")
            for edit in _span_edits(body, after, rule_id):
                plan.edit(edit.start + tree.offset, edit.end + tree.offset, edit.replacement, rule_id)
        return plan.result()

    def _plan_json(self, tree: ManifestDoc, data: bytes) -> list[Edit]:
        span = tree.doc.get("protocol_version")
        if span is None:
            return []
        start, end = span[0] + tree.offset, span[1] + tree.offset
        raw = data[start:end].decode("utf-8")
        try:
            value = json.loads(raw)
        except ValueError:
            return []
        if isinstance(value, str) and value in V3_PROTOCOLS:
            return [Edit(start, end, '"4"', "RB601")]
        if isinstance(value, int) and not isinstance(value, bool) and str(value) in V3_PROTOCOLS:
            return [Edit(start, end, "4", "RB601")]
        return []

    def _toml_changes(self, tree: ManifestDoc):
        doc = tree.doc
        if tree.kind == "cargo":
            yield from self._cargo_changes(doc)
            yield from _protocol_changes(doc, ("package", "metadata", "rapidbyte"))
        elif tree.kind == "rapidbyte":
            yield from _protocol_changes(doc, ())
            for key, value in doc.items():
                if hasattr(value, "items") and not isinstance(value, list):
                    yield from _protocol_changes(doc, (key,))
        else:
            yield from _protocol_changes(doc, ("tool", "rapidbyte"))

    def _cargo_changes(self, doc: Any):
        tables: list[tuple[str, ...]] = [(name,) for name in _DEP_TABLES]
        tables.append(("workspace", "dependencies"))
        target = doc.get("target")
        if hasattr(target, "items"):
            for cfg, spec in target.items():
                if hasattr(spec, "items"):
                    tables += [("target", cfg, name) for name in _DEP_TABLES]
        for table_path in tables:
            try:
                table = _get(doc, table_path)
            except (KeyError, TypeError):
                continue
            if not hasattr(table, "items"):
                continue
            for key, spec in table.items():
                if isinstance(spec, str):
                    if key == SDK_CRATE and _requirement_bump(str(spec)):
                        yield "RB602", _setter(table_path + (key,), "4")
                    continue
                if not hasattr(spec, "get"):
                    continue
                if key != SDK_CRATE and spec.get("package") != SDK_CRATE:
                    continue
                if any(k in spec for k in ("path", "git", "workspace")):
                    continue  # the SDK is upgraded by its own team (RB602)
                version = spec.get("version")
                if isinstance(version, str) and _requirement_bump(str(version)):
                    yield "RB602", _setter(table_path + (key, "version"), "4")
        component = _lookup(doc, ("package", "metadata", "component"))
        if component is None:
            return
        target = component.get("target")
        if isinstance(target, str):
            m = _TARGET.match(str(target))
            if m:
                yield "RB603", _setter(("package", "metadata", "component", "target"), f"{m.group(1)}@4.0.0")
        elif hasattr(target, "get"):
            version = target.get("version")
            if target.get("package") == "rapidbyte:connector" and isinstance(version, str) and str(version).startswith("3."):
                yield "RB603", _setter(("package", "metadata", "component", "target", "version"), "4.0.0")


def _lookup(doc: Any, path: tuple[str, ...]) -> Any:
    try:
        node = _get(doc, path)
    except (KeyError, TypeError):
        return None
    return node if hasattr(node, "get") else None


def _setter(path: tuple[str, ...], value: str | int) -> Callable[[Any], None]:
    return lambda doc: _set_scalar(doc, path, value)


def _protocol_changes(doc: Any, table_path: tuple[str, ...]):
    table = _lookup(doc, table_path) if table_path else doc
    if table is None:
        return
    value = table.get("protocol_version")
    if isinstance(value, bool):
        return
    if isinstance(value, (str, int)) and str(value) in V3_PROTOCOLS:
        yield "RB601", _setter(table_path + ("protocol_version",), "4" if isinstance(value, str) else 4)

"""Fenced code blocks, migrated by their language's adapter (or token by token when they are fragments).

- ```` ```wit ````: a complete v3 package (every v3 interface), a v4 package, another version or a
  third-party package goes through the WIT adapter (a complete package is then checked with
  wasm-tools); anything else (one interface, no package line, a partial package, which the
  package migration would complete with every v4 item) is a fragment;
- ```` ```rust ````/```` ```rs ```` and ```` ```python ````/```` ```py ````: what parses goes through the Rust or
  Python adapter, as a file of its own unit (a snippet that does not import the bindings is read
  with the usual ``use rapidbyte_sdk::prelude::*;`` or ``from wit_world.imports import host, types``
  in front: nothing is ever written into that prelude); what does not parse is a fragment;
- a fence with no language is migrated only when it parses as WIT.

Edits are mapped back to the file through the fence's line table; a replacement that adds
lines gets the fence's container prefix (list indentation, ``>``) on every new line.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ...edits import apply_edits, normalize
from ...model import Edit, Finding
from ...textio import newline_of, offset_of
from ..base import FileContext, ParseError, UnitContext, get_adapter
from . import fragments
from .codespan import Change, Note
from .document import Fence
from .vocab import DocVocab

LANGUAGES = {"wit": "wit", "rust": "rust", "rs": "rust", "python": "python", "py": "python", "python3": "python"}
_EXT = {"wit": "wit", "rust": "rs", "python": "py"}
_V3_PACKAGE = re.compile(rb"^\s*package\s+rapidbyte:connector@3\.0\.0\s*;", re.M)
_ANY_PACKAGE = re.compile(rb"^\s*package\s+[a-z][\w-]*:[\w-]+", re.M)
_RUST_STATEMENTS = {"expression_statement", "let_declaration"}
_IMPORT_LINE = re.compile(r"^(?:from|import)\s+wit_world\b")


@dataclass
class FenceResult:
    edits: list[Edit]  # in file offsets
    notes: list[tuple[int, Note]]  # (file offset, note)
    findings: list[tuple[int, Finding]]  # (file offset, the adapter's own finding)


def migrate(v: DocVocab, fence: Fence, fctx: FileContext, data: bytes) -> FenceResult | None:
    language = LANGUAGES.get(fence.language)
    if not fence.content.strip():
        return None
    if not fence.mapped:
        return _unmapped(v, fence)
    if language is None:
        if fence.language or not _parses_as_wit(fence.content, fctx):
            return _mentions(v, fence)
        language = "wit"
    whole = _whole(language, fence.content, fctx)
    if whole:
        return _through_adapter(v, language, fence, fctx, data)
    return _fragment(v, language, fence)


def _mentions(v: DocVocab, fence: Fence) -> FenceResult | None:
    """A block in another language (or none) is left as it is; v3 names in it are listed."""
    text = fence.content.decode("utf-8", "replace")
    names = list(dict.fromkeys(m.group(0) for m in v.word_re.finditer(text))) if v.word_re is not None else []
    if not names:
        return None
    kind = f"```{fence.language} block" if fence.language else "code block with no language (not WIT)"
    return FenceResult([], [(fence.starts[0][1], Note(0, "RB916", "info",
                                                       f"a {kind} mentions v3 name(s): {', '.join(names)}; left as it is",
                                                       "Update it by hand if it shows protocol code."))], [])


def _unmapped(v: DocVocab, fence: Fence) -> FenceResult | None:
    text = fence.content.decode("utf-8", "replace")
    if v.word_re is None or not v.word_re.search(text):
        return None
    return FenceResult([], [(fence.starts[0][1], Note(0, "RB916", "error",
                                                       "a code block holding v3 names could not be mapped to the file "
                                                       "(tabs in a container?); left as it is", "Update it by hand."))], [])


def _parses_as_wit(content: bytes, fctx: FileContext) -> bool:
    from ..wit.errors import WitSyntaxError
    from ..wit.parser import parse_wit

    try:
        tree = parse_wit(content, fctx.display)
    except (WitSyntaxError, RecursionError, ValueError):
        return False
    return tree is not None


def _whole(language: str, content: bytes, fctx: FileContext) -> bool:
    """Does the fence parse on its own, as something its adapter migrates without inventing the rest?"""
    if language == "wit":
        if not _parses_as_wit(content, fctx):
            return False
        if _V3_PACKAGE.search(content):  # ours at v3: only a complete package (else the rest would be added)
            from ...resources import wit_dir

            text = content.decode("utf-8", "replace")
            have = set(re.findall(r"\binterface\s+%?([a-z][a-z0-9-]*)\s*\{", text))
            want = set()
            for path in wit_dir("v3").glob("*.wit"):
                want |= set(re.findall(r"\binterface\s+%?([a-z][a-z0-9-]*)\s*\{", path.read_text(encoding="utf-8")))
            return want <= have
        return _ANY_PACKAGE.search(content) is not None
    adapter = get_adapter(language)
    if adapter is None:
        return False
    try:
        parsed = adapter.parse(_with_prelude(language, content)[0], _sub_context(fctx, language, 0))
    except ParseError:
        return False
    if getattr(parsed, "errors", 0):
        return False
    if language == "rust":  # statements at the top level: an excerpt of a function body, not a file
        return not any(child.type in _RUST_STATEMENTS for child in parsed.tree.root_node.named_children)
    return True


def _prelude(language: str, content: bytes) -> bytes:
    nl = newline_of(content).encode()
    if language == "python" and b"wit_world" not in content:
        return b"from wit_world import exports" + nl + b"from wit_world.imports import host, types" + nl
    if language == "rust" and b"rapidbyte_sdk" not in content and b"rapidbyte::connector" not in content:
        return b"use rapidbyte_sdk::prelude::*;" + nl
    return b""


def _with_prelude(language: str, content: bytes) -> tuple[bytes, int]:
    prelude = _prelude(language, content)
    return prelude + content, len(prelude)


def _sub_context(fctx: FileContext, language: str, line: int, unit: UnitContext | None = None) -> FileContext:
    """A file of its own unit, under a folder that does not exist (no crate walk, no vendored wit/)."""
    base = fctx.unit
    root = base.root / ".rbmigrate-fence"
    unit = unit or UnitContext(root=root, kind="markdown-fence", rules=base.rules, manifest=dict(base.manifest))
    path = root / f"{fctx.path.stem}-L{line + 1}.{_EXT[language]}"
    return FileContext(path=path, display=f"{fctx.display}:{line + 1}", unit=unit)


def _through_adapter(v: DocVocab, language: str, fence: Fence, fctx: FileContext, data: bytes) -> FenceResult:
    adapter = get_adapter(language)
    source, skip = _with_prelude(language, fence.content)
    sub = _sub_context(fctx, language, fence.first)
    try:
        tree = adapter.parse(source, sub)
        sub.tree = tree
        adapter.prepare_unit([(sub, source)], sub.unit)
        planned, found = adapter.plan(tree, source, sub)
        planned = normalize(e for e in planned if source[e.start : e.end] != e.replacement.encode())
    except ParseError as exc:
        return _failed(fence, f"the code block could not be migrated ({exc.message}); left as it is")
    kept = [e for e in planned if _outside_prelude(e, skip, source)]
    after = apply_edits(source, kept)
    try:
        if kept:
            adapter.validate(after, sub)
            if language == "wit" and _V3_PACKAGE.search(source):
                message = _check_wit(after[skip:])
                if message:
                    return _failed(fence, f"wasm-tools rejects the migrated block; left as it is: {message}")
    except ParseError as exc:
        return _failed(fence, f"the migrated code block would not parse ({exc.message}); left as it is")
    finally:
        adapter.validate_unit([], sub.unit)
    edits = [_to_file(fence, Edit(e.start - skip, e.end - skip, e.replacement, e.rule_id)) for e in kept]
    prelude_lines = source[:skip].count(b"\n")
    findings = []
    for f in found:
        if f.line <= prelude_lines:
            continue
        offset = offset_of(fence.content, f.line - prelude_lines, f.col)
        findings.append((fence.to_file(offset), f))
    # v3 spellings the adapter neither changed nor reported (a snippet's local names, prose in comments)
    text = fence.content.decode("utf-8", "replace")
    offsets = _char_offsets(text)
    touched = [(e.start - skip, e.end - skip) for e in kept]
    reported = {f.line - prelude_lines for f in found}
    notes = []
    for n in fragments.leftovers(v, text, []):
        byte = offsets[n.start]
        if any(a <= byte < b for a, b in touched) or text.count("\n", 0, n.start) + 1 in reported:
            continue
        message = n.message.replace("left in a code block", f"left in the ```{fence.language or language} block")
        notes.append((fence.to_file(byte), Note(n.start, "RB916", "info",
                                                 message + f" (the {language} adapter changes only what it resolves)",
                                                 n.manual_step)))
    return FenceResult(edits, notes, findings)


def _outside_prelude(e: Edit, skip: int, source: bytes) -> bool:
    if not skip:
        return True
    if e.start < skip:
        return False
    if e.start == skip == e.end and all(_IMPORT_LINE.match(line) or not line.strip()
                                       for line in e.replacement.splitlines()):
        return False  # an import the adapter adds after the prelude's imports
    return True


def _to_file(fence: Fence, e: Edit) -> Edit:
    start, end = fence.to_file(e.start), fence.to_file(e.end) if e.end > e.start else fence.to_file(e.start)
    replacement = e.replacement
    if fence.prefix and "\n" in replacement:
        replacement = replacement.replace("\n", "\n" + fence.prefix)
    return Edit(start, end, replacement, e.rule_id)


def _failed(fence: Fence, message: str) -> FenceResult:
    return FenceResult([], [(fence.starts[0][1], Note(0, "RB916", "error", message, "Update the block by hand."))], [])


def _check_wit(data: bytes) -> str | None:
    from ..wit.resolve import check_wit

    folder = Path(tempfile.mkdtemp(prefix="rbmigrate-md-wit-"))
    try:
        (folder / "package.wit").write_bytes(data)
        return check_wit(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fragment(v: DocVocab, language: str, fence: Fence) -> FenceResult | None:
    text = fence.content.decode("utf-8")
    if language == "wit":
        changes, notes = fragments.wit_fragment(v, text)
    else:
        changes, notes = fragments.code_fragment(v, text, language)
    claimed = [(c.start, max(c.end, c.start + 1)) for c in changes] + [(n.start, n.start + 1) for n in notes]
    comments = fragments.comment_spans(text, language)
    for n in fragments.leftovers(v, text, claimed):
        if any(a <= n.start < b for a, b in comments):
            n = Note(n.start, "RB904", "info", n.message.replace("left in a code block", "in a comment"),
                     "Prose is left as it is; update it if it should name the v4 item.")
        notes.append(n)
    offsets = _char_offsets(text)
    edits = [_to_file(fence, Edit(offsets[c.start], offsets[c.end], c.new, c.rule_id)) for c in changes]
    return FenceResult(edits, [(fence.to_file(offsets[n.start]), n) for n in notes], [])


def _char_offsets(text: str) -> list[int]:
    out, pos = [], 0
    for ch in text:
        out.append(pos)
        pos += len(ch.encode("utf-8"))
    out.append(pos)
    return out


__all__ = ["FenceResult", "LANGUAGES", "Change", "migrate"]

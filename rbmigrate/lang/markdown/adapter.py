"""The Markdown adapter: protocol docs (README.md, docs/**/*.md) migrate with the code they describe.

``parse`` reads the CommonMark structure (markdown-it-py); ``prepare_unit`` plans every
file of the unit (code spans, fenced blocks through their language's adapter, prose
findings), then compares each file's heading anchors before and after and reports the
ones that change with the links pointing at them (also in files that change nothing,
read on demand). ``plan`` hands out what was planned. ``validate`` re-parses the output
and insists on the same block structure, so a rewrite can never turn text into a
heading, a list or a fence.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...edits import apply_edits
from ...inputs import depends_on
from ...model import Edit, FileError, Finding, Severity
from ...textio import line_col
from ..base import Adapter, FileContext, ParseError, UnitContext
from . import anchors
from .document import Document, parse as parse_document
from ...plan import FilePlan as Store
from .plan import FilePlan, plan_document
from .source import Source
from .vocab import doc_vocab

_SHARED = "markdown"
SUFFIXES = (".md", ".markdown")
_FRAGMENT_LINK = re.compile(rb"\]\([^)\s]*#|\]:\s*\S*#|href\s*=\s*[\"'][^\"']*#")


def _exists(path: Path) -> bool:
    """Is there such a file? (Another file of the unit, read for its anchors: the result depends on it,
    see rbmigrate.inputs.)"""
    depends_on(path)
    return path.is_file()


class MarkdownAdapter(Adapter):
    name = "markdown"

    def warm(self) -> None:
        import markdown_it  # noqa: F401

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in SUFFIXES

    def prefilter(self, data: bytes) -> bool:
        from ...ruletable import default_table

        return doc_vocab(default_table()).prefilter.search(data) is not None

    def select(self, root: Path, files: list[bytes]) -> list[bool]:
        """Files with something v3 in them, and (when there is one) every file linking to a heading."""
        keep = [self.prefilter(data) for data in files]
        if not any(keep):
            return keep
        return [k or _FRAGMENT_LINK.search(data) is not None for k, data in zip(keep, files)]

    def parse(self, data: bytes, ctx: FileContext) -> Document:
        try:
            source = Source(data)
        except UnicodeDecodeError as exc:
            line, col = line_col(data, exc.start)
            raise ParseError(ctx.display, line, col, f"not valid UTF-8 ({exc.reason})") from None
        return parse_document(source)

    def prepare_unit(self, files: list[tuple[FileContext, bytes]], unit: UnitContext) -> None:
        v = doc_vocab(unit.rules)
        plans: dict[Path, tuple[FileContext, bytes, FilePlan]] = {}
        for fctx, data in files:
            doc = fctx.tree if fctx.tree is not None else self.parse(data, fctx)
            plans[fctx.path] = (fctx, data, plan_document(v, doc, fctx, data))
        _Anchors(v, plans, unit).run()
        unit.shared[_SHARED] = {str(path): plan for path, (_, _, plan) in plans.items()}

    def plan(self, tree: Document, data: bytes, ctx: FileContext) -> tuple[list[Edit], list[Finding]]:
        state = ctx.unit.shared.get(_SHARED)
        if state is None or str(ctx.path) not in state:  # planned without its unit
            self.prepare_unit([(ctx, data)], ctx.unit)
            state = ctx.unit.shared[_SHARED]
        plan = state[str(ctx.path)]
        store = Store(ctx.display, data, ctx.rules)  # the one plan store: its overlap policy and rule checks
        for e in plan.edits:
            store.edit(e.start, e.end, e.replacement, e.rule_id)
        for f in plan.findings:
            store.finding_at(f.line, f.col, f.rule_id, f.message, f.manual_step, f.severity)
        return store.result()

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        state = ctx.unit.shared.get(_SHARED) or {}
        before = state.get(str(ctx.path))
        if before is not None and before.after is not None and before.after[0] == data:
            doc = before.after[1]  # parsed already, for the anchors
        else:
            doc = self.parse(data, ctx)
        if before is not None and before.doc.structure != doc.structure:
            raise ParseError(ctx.display, 1, 1, "the rewrite would change the Markdown block structure")
        return []

    def validate_unit(self, results, unit: UnitContext) -> list[FileError]:
        unit.shared.pop(_SHARED, None)  # parsed documents are not needed any more
        return []


class _Anchors:
    """RB915 for one unit: headings whose anchor a rewrite changes, and links to them."""

    def __init__(self, v, plans, unit: UnitContext):
        self.v, self.plans, self.unit = v, plans, unit
        self.targets: dict[Path, anchors.Target | None] = {}
        self.kebab = {old.lower(): new.lower() for old, (new, _) in v.words.items()
                      if new and re.fullmatch(r"[A-Za-z][\w-]*", old)}

    def target(self, path: Path, display_base: tuple[Path, str]) -> anchors.Target | None:
        if path in self.targets:
            return self.targets[path]
        found = None
        if path in self.plans:
            fctx, data, plan = self.plans[path]
            before = plan.doc
            after = before
            if plan.edits:
                try:
                    output = apply_edits(data, plan.edits)
                    after = parse_document(Source(output))
                    plan.after = (output, after)
                except (UnicodeDecodeError, ValueError):
                    after = before
            found = self._target(fctx.display, data, before, after)
        elif path.suffix.lower() in (".md", ".markdown") and _within(path, self.unit.root) and _exists(path):
            try:
                data = path.read_bytes()
                doc = parse_document(Source(data))
            except (OSError, UnicodeDecodeError):
                doc = None
            if doc is not None:
                base, shown = display_base
                display = (Path(shown).parent / os.path.relpath(path, base.parent)).as_posix()
                found = self._target(display, data, doc, doc)
        self.targets[path] = found
        return found

    @staticmethod
    def _target(display: str, data: bytes, before: Document, after: Document) -> anchors.Target:
        b, a = anchors.anchors(before.headings), anchors.anchors(after.headings)
        if len(a) != len(b):
            a = b
        starts = [before.source.lines[h.inline.line].start for h in before.headings]
        return anchors.Target(display, b, a, [line_col(data, s)[0] for s in starts], starts)

    def run(self) -> None:
        links: dict[tuple[Path, int, str], list[str]] = {}
        for path, (fctx, data, plan) in self.plans.items():
            for link in plan.doc.links:
                parts = anchors.split_href(link.href)
                if parts is None or not parts[1]:
                    continue
                tpath = anchors.resolve(path, parts[0])
                target = self.target(tpath, (path, fctx.display))
                if target is None:
                    continue
                frag = parts[1]
                index = None
                if frag in target.before:
                    index = target.before.index(frag)
                    if target.after[index] == frag:
                        continue
                elif frag not in target.after:
                    new = anchors.migrate_fragment(frag, self.kebab)
                    if new != frag and new in target.after:
                        index = target.after.index(new)
                if index is None:
                    continue
                new = target.after[index]
                offset = link.start if link.start >= 0 else plan.doc.source.lines[link.line].start
                line, col = line_col(data, offset)
                plan.findings.append(Finding(
                    fctx.display, line, col, anchors.RULE, Severity.WARNING,
                    f"the link to `#{frag}` breaks: the heading at {target.display}:{target.lines[index]} "
                    f"has the anchor `#{new}` after migration", f"Point the link at `#{new}`."))
                links.setdefault((tpath, index, frag), []).append(f"{fctx.display}:{line}")
        for path, (fctx, data, plan) in self.plans.items():
            target = self.targets.get(path) or self.target(path, (path, fctx.display))
            if target is None:
                continue
            for index, (old, new) in enumerate(zip(target.before, target.after)):
                pointing = {k: locs for k, locs in links.items() if k[0] == path and k[1] == index}
                olds = [old] if old != new else sorted({k[2] for k in pointing})
                for old_anchor in olds:
                    locs = links.get((path, index, old_anchor), [])
                    where = (f"{len(locs)} link(s) in this unit point at it: {', '.join(locs)}" if locs
                             else "no link in this unit points at it (links from elsewhere break)")
                    line, col = line_col(data, target.starts[index])
                    plan.findings.append(Finding(
                        fctx.display, line, col, anchors.RULE, Severity.WARNING,
                        f"the heading's anchor `#{old_anchor}` is `#{new}` after migration; {where}",
                        f"Update the links, or keep the old anchor with `<a id=\"{old_anchor}\"></a>` above the heading."))


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(Path(root).resolve())
    except ValueError:
        return False
    return True

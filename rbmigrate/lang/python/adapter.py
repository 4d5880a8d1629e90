"""The Python adapter: componentize-py guests, v3 → v4 (recipes §3)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ...inputs import depends_on
from ...model import Action, Edit, Finding, Severity
from ...textio import BOM, line_col, offset_of
from ..base import Adapter, FileContext, ParseError, UnitContext

BINDINGS_DIR = "wit_world"
FOCUS_MIN_LINES = 2000  # modules this long are planned on their focus view (.focus); tests lower it
_BINDINGS_NOTE = "python:bindings-note"
V3_BINDING_FILES = ("imports/host.py", "imports/types.py")


class PythonAdapter(Adapter):
    name = "python"

    @functools.cached_property
    def _prefilter(self) -> re.Pattern:
        from ...ruletable import default_table
        from .words import table_words

        words, _ = table_words(default_table())
        alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))
        return re.compile(b"wit_world|" + alternatives)

    def prefilter(self, data: bytes) -> bool:
        """Files the adapter looks at in a unit it works on: bindings users and v3 spellings."""
        return self._prefilter.search(data) is not None

    def select(self, root: Path, files: list[bytes]) -> list[bool]:
        """A unit is looked at only when a file may hold v3 (:mod:`.prefilter`: a v4 guest does not) or
        v3 bindings are checked in; then every file its prefilter lets through is (the RB505 note goes on
        the first file importing ``wit_world``, whichever holds the v3)."""
        from ...ruletable import default_table
        from .prefilter import may_hold_v3

        table = default_table()
        keep = [self.prefilter(data) for data in files]  # may_hold_v3 implies the prefilter
        if not has_v3_bindings(root) and not any(may_hold_v3(d, table) for d, k in zip(files, keep) if k):
            return [False] * len(files)
        return keep

    def warm(self) -> None:
        import libcst  # noqa: F401

        from . import migrate  # noqa: F401  (every transform)

    def decode_source(self, data: bytes, ctx: FileContext) -> tuple[bytes, str | None]:
        """PEP 263: a file whose coding cookie names another encoding than UTF-8 is decoded by it (and
        written back in it); an unknown encoding, or bytes it cannot decode, is an error naming the cookie."""
        from .coding import declared_encoding

        return declared_encoding(data, ctx.display)

    def parse(self, data: bytes, ctx: FileContext):
        import libcst as cst

        bom, text = _utf8_text(data, ctx)
        view = None
        if text.count("\n") + 1 >= FOCUS_MIN_LINES:  # a big module: libcst sees what the migration can reach
            from .focus import focus_view

            view = focus_view(data, bom, text, ctx.rules, self._prefilter, FOCUS_MIN_LINES)
        if view is not None:
            try:
                return cst.parse_module(view.data[bom:].decode("utf-8")), text, bom, view
            except cst.ParserSyntaxError:
                pass  # reported as the whole file's parse reports it
        return self._parse_whole(text, ctx), text, bom, None

    def plan(self, tree, data: bytes, ctx: FileContext) -> tuple[list[Edit], list[Finding]]:
        from .migrate import migrate

        module, text, bom, view = tree
        if view is not None:  # planned on the view of a big module: offsets, lines and columns are the file's
            plan = migrate(module, view.data[bom:].decode("utf-8"), bom, view.data, ctx)
            if any(view.touches(e.start, e.end) for e in plan.edits):  # (never seen) plan on the whole file
                plan = migrate(self._parse_whole(text, ctx), text, bom, data, ctx)
        else:
            plan = migrate(module, text, bom, data, ctx)
        note = ctx.unit.shared.get(_BINDINGS_NOTE)
        if note and not note.get("reported") and b"wit_world" in data:
            line = next((i for i, raw in enumerate(data.splitlines(), 1)
                         if raw.lstrip().startswith((b"from wit_world", b"import wit_world"))), 0)
            if line:
                note["reported"] = True
                plan.finding_at(line, 1, "RB505", f"{note['path']}/ holds v3 bindings; `rbmigrate apply` regenerates "
                                f"them from wit/v4 (world {note['world']})",
                                "Nothing by hand: generated bindings are never edited.", Severity.INFO)
        return plan.result()

    @staticmethod
    def _parse_whole(text: str, ctx: FileContext):
        import libcst as cst

        try:
            return cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            line, col, message = exc.raw_line, exc.raw_column + 1, _first_line(exc.message)
            try:  # CPython's parser locates most errors more precisely
                compile(text, ctx.display, "exec", dont_inherit=True)
            except SyntaxError as err:
                line, col, message = err.lineno or line, err.offset or col, err.msg
            raise ParseError(ctx.display, line, col, message) from None

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        """The output must compile (CPython's own parser, ~10× faster than a second libcst parse; the
        output is libcst's own code generation over a file libcst parsed, so libcst reads it too)."""
        bom, text = _utf8_text(data, ctx)
        try:
            compile(text, ctx.display, "exec", dont_inherit=True)  # (the compiler's checks too: `return` outside a def)
        except SyntaxError as exc:
            raise ParseError(ctx.display, exc.lineno or 0, (exc.offset or 0), exc.msg) from None
        except (ValueError, RecursionError, MemoryError) as exc:  # a NUL byte, nesting CPython cannot take
            raise ParseError(ctx.display, 1, 1, str(exc) or type(exc).__name__) from None
        return []

    def prepare_unit(self, files: list[tuple[FileContext, bytes]], unit: UnitContext) -> None:
        """Plan the regeneration of checked-in v3 bindings (RB505)."""
        if not has_v3_bindings(unit.root):
            return
        folder = unit.root / BINDINGS_DIR
        if any(a.kind == "regenerate-bindings" and a.params.get("root") == str(unit.root) for a in unit.actions):
            return
        role = (unit.manifest or {}).get("role") or _role_from_bindings(folder)
        if role is None:
            return
        world = f"rapidbyte-{role}"
        shown = _display_folder(files, unit.root, BINDINGS_DIR)
        unit.shared[_BINDINGS_NOTE] = {"path": shown, "world": world}
        unit.actions.append(Action(
            kind="regenerate-bindings",
            path=shown,
            rule_id="RB505",
            description=f"regenerate {shown}/ from wit/v4 (world {world})",
            params={"root": str(unit.root), "world": world},
        ))


def has_v3_bindings(root: Path) -> bool:
    """Does the unit hold checked-in v3 ``wit_world/`` bindings?"""
    folder = root / BINDINGS_DIR
    paths = [folder / f for f in V3_BINDING_FILES]
    depends_on(*paths)  # wit_world/ is never discovered: the result cache must know
    return any(p.is_file() for p in paths)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


def _role_from_bindings(folder: Path) -> str | None:
    from ...ruletable import default_table
    from .names import names_for

    names = names_for(default_table())
    for export in names.exports.values():
        path = folder / "exports" / f"{export.v3_interface.replace('-', '_')}.py"
        depends_on(path)
        if path.is_file():
            return export.role
    return None


def _display_folder(files: list[tuple[FileContext, bytes]], root: Path, name: str) -> str:
    for fctx, _data in files:
        if fctx.path.parent == root:
            parent = Path(fctx.display).parent
            return (parent / name).as_posix() if str(parent) != "." else name
    return (root / name).as_posix()


def typecheck_unit(root: Path, by_path: dict, rules, options, result, manifest: dict, shown) -> list:
    """``apply --typecheck``: mypy over the connector's modules as migrated (RB918, :mod:`.typecheck`).

    Findings go on the file's result (located in the text the file had when it was read, like every other
    finding); a file that was not parsed gets a result of its own. Returns those new results."""
    from ...hosts.spec import default_cache_dir
    from ...model import FileError, FileResult
    from . import typecheck

    role = manifest.get("role")
    if role not in ("source", "destination", "transform"):
        return []
    files = typecheck.connector_files(root)
    before = dict(files)
    for path, fres in by_path.items():
        rel = Path(path).relative_to(root).as_posix()
        if rel in files and fres.changed:
            files[rel] = fres.after
    if not any(b"wit_world" in data for data in files.values()):
        return []
    try:
        errors = typecheck.check(files, f"rapidbyte-{role}", rules, options.cache_dir or default_cache_dir(), before)
    except typecheck.TypeCheckUnavailable as exc:
        result.errors.append(FileError(path=result.root, message=f"type check not possible: {exc}", kind="validate"))
        return []
    new = []
    results = {Path(p).relative_to(root).as_posix(): f for p, f in by_path.items()}
    for error in errors:
        fres = results.get(error.path)
        if fres is None:
            data = before[error.path]
            fres = results[error.path] = FileResult(path=shown(root / error.path), language="python",
                                                    before=data)
            new.append(fres)
        after = fres.after if fres.changed else fres.before
        offset = offset_of(after, error.line, error.col)
        taken = {typecheck.line_of(after, typecheck.carry(offset_of(fres.before, f.line, f.col), fres.edits))
                 for f in fres.findings} if fres.changed else {f.line for f in fres.findings}
        if error.line in taken:
            continue
        at = typecheck.carry_back(offset, fres.edits) if fres.changed else offset
        line, col = line_col(fres.before, at)
        fres.findings.append(Finding(path=fres.path, line=line, col=col, rule_id=typecheck.RULE, severity=Severity.ERROR,
                                     message=error.text(),
                                     manual_step="Pass the value the v4 binding's signature asks for."))
    return [f for f in new if f.findings]


def _utf8_text(data: bytes, ctx: FileContext) -> tuple[int, str]:
    """(length of a UTF-8 BOM, the text after it); bytes that are not UTF-8 are a located ParseError."""
    bom = len(BOM) if data.startswith(BOM) else 0
    try:
        return bom, data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        raise ParseError(ctx.display, line, col, f"not valid UTF-8 ({exc.reason})") from None

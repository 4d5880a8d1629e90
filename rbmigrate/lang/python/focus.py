"""Big modules: libcst sees only the top-level statements the migration can reach.

A generated or vendored module of tens of thousands of lines is mostly code that has nothing to do
with the protocol, yet libcst's tree, our node index and libcst's scope analysis of it cost seconds
and hundreds of megabytes per ten thousand lines. For a module of at least :data:`MIN_LINES` lines
the adapter plans on a *view* of the file in which every top-level statement the migration cannot
reach is blanked out: its bytes become spaces, its line breaks stay. Every byte offset, line and
column is the one of the real file, so the edits and findings planned on the view are the ones of
the file (the adapter checks that no edit touches a blanked range, and plans on the whole file if
one does).

A top-level statement (with its decorators; statements sharing a line go together) is kept when

- it is an import, or the first statement of the module (its docstring), or the first one with an
  indented block (libcst takes the module's indentation from it);
- its text holds what the adapter's prefilter looks for (``wit_world``, a v3 spelling), or a name of
  the protocol (a v3 or v4 module, type, function, variant case class, export class, moved-body
  helper: the names the import planner may bind, :func:`protocol_names`);
- it binds a module-level name that a kept statement mentions, or mentions a module-level name that
  a kept statement binds (to a fixpoint).

So every name a kept statement uses resolves to the same bindings as in the whole module, every
reference to a name a kept statement binds is there (an import that edits leave unused is pruned
exactly as before), and the names the module binds include every protocol name it binds. Scopes
below the top level are never cut. A module that ``import *``s from the bindings is planned whole.
The view is used only when it leaves out at least a fifth of the module.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass

from ...ruletable import RuleTable, pascal, snake

MIN_LINES = 2000  # smaller modules are planned whole (the view would save little)
MAX_SHARE = 0.8  # a view keeping more than this share of the lines is not worth it
_IDENT = re.compile(r"[^\W\d]\w*")
_BLANK = bytes(b if b in b"\r\n" else 0x20 for b in range(256))  # every byte but a line break -> space


@dataclass
class Focus:
    data: bytes  # the view: the file with the blanked statements' bytes turned into spaces
    blanked: list[tuple[int, int]]  # byte ranges of the file that were blanked (from, to)
    kept_lines: int
    lines: int

    def touches(self, start: int, end: int) -> bool:
        """Does an edit ``[start, end)`` (an insertion when equal) reach into a blanked range?"""
        for lo, hi in self.blanked:
            if start < hi and end > lo if end > start else lo < start < hi:
                return True
        return False


@functools.lru_cache(maxsize=4)
def protocol_names(table: RuleTable) -> frozenset[str]:
    """Every identifier the migration may look for or bind: the canonical packages' interfaces (as
    modules), types, functions and variant case classes, both versions; every v3/v4 spelling the
    rule table derives; the export classes and the helpers moved bodies go to."""
    from .names import names_for
    from .words import moved_bodies, table_words

    names: set[str] = {"wit_world", "componentize_py_types", "ctx_json", "run", "request", "Err", "Ok"}
    for version in ("v3", "v4"):
        package = table.wit(version)
        for iface in package.interfaces.values():
            names.add(snake(iface.name))
            names.update(snake(f) for f in iface.functions)
            for tname, tdef in iface.types.items():
                names.add(pascal(tname))
                if tdef.kind == "variant":
                    names.update(f"{pascal(tname)}_{pascal(case)}" for case in tdef.members)
        for world in package.worlds.values():
            names.update(pascal(e) for e in (*world.exports, *world.imports))
    words, _ = table_words(table)
    for old, (new, _rule) in words.items():
        names.update(_IDENT.findall(old))
        names.update(_IDENT.findall(new or ""))
    for rename in table.renames:
        for spelling in (rename.old, rename.new):
            names.update((spelling.snake, spelling.pascal, spelling.screaming))
    names_ = names_for(table)
    names.update(names_.exports)
    names.update(e.v4 for e in names_.exports.values())
    names.update(names_.v3_modules | names_.v4_modules)
    for _phase, helper in moved_bodies(table).values():
        names.add(helper)
    return frozenset(n for n in names if n)


def _bound(stmt: ast.stmt) -> set[str]:
    """Module-level names a top-level statement may bind (a superset: class-body and comprehension
    targets count too; function bodies only through ``global``)."""
    out: set[str] = set()
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.add(stmt.name)
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                out.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not stmt:
            # its own body is another scope: only `global` statements (and walrus in comprehensions,
            # which bind in the function) reach the module from there
            stack.extend(n for n in ast.walk(node) if isinstance(n, ast.Global))
            stack.extend(getattr(node, "decorator_list", []))
            stack.append(node.args)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # the statement itself
            stack.extend(node.decorator_list)
            stack.append(node.args)
            if node.returns is not None:
                stack.append(node.returns)
            stack.extend(n for n in ast.walk(node) if isinstance(n, ast.Global))
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def focus_view(data: bytes, bom: int, text: str, table: RuleTable, prefilter: re.Pattern,
               min_lines: int = MIN_LINES) -> Focus | None:
    """The view of a big module (see the module docstring), or None: plan on the whole file."""
    lines = text.count("\n") + 1
    if lines < min_lines:
        return None
    body = data[bom:]
    if body.count(b"\r") != body.count(b"\r\n"):
        return None  # a lone CR ends a line for Python, not for the offsets below
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the whole-file parse reports it
    starts = [0] + [m.end() for m in re.finditer(b"\n", body)]

    def offset(line: int) -> int:  # byte offset where 1-based ``line`` starts (past the end: the end)
        return starts[line - 1] if line - 1 < len(starts) else len(body)

    groups: list[list] = []  # [first line, last line, statements]
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], stmt.end_lineno)
            groups[-1][2].append(stmt)
        else:
            groups.append([first, stmt.end_lineno, [stmt]])
    if len(groups) < 2:
        return None
    sensitive = protocol_names(table)
    mentioned: list[set[str]] = []
    bound: list[set[str]] = []
    keep = [False] * len(groups)
    indent_seen = False
    for i, (first, last, stmts) in enumerate(groups):
        chunk = body[offset(first):offset(last + 1)]
        names = set(_IDENT.findall(chunk.decode("utf-8")))
        mentioned.append(names)
        bound.append(set().union(*(_bound(s) for s in stmts)))
        for s in stmts:
            if isinstance(s, ast.ImportFrom) and any(a.name == "*" for a in s.names):
                return None
        if i == 0 or any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmts):
            keep[i] = True
        elif not names.isdisjoint(sensitive) or prefilter.search(chunk) is not None:
            keep[i] = True
        if not indent_seen and any(_has_block(s) for s in stmts):
            indent_seen = keep[i] = True
    binders: dict[str, list[int]] = {}
    mentioners: dict[str, list[int]] = {}
    for i in range(len(groups)):
        for name in bound[i]:
            binders.setdefault(name, []).append(i)
        for name in mentioned[i]:
            mentioners.setdefault(name, []).append(i)
    work = [i for i, k in enumerate(keep) if k]
    while work:
        i = work.pop()
        for name in mentioned[i]:
            for j in binders.get(name, ()):
                if not keep[j]:
                    keep[j] = True
                    work.append(j)
        for name in bound[i]:
            for j in mentioners.get(name, ()):
                if not keep[j]:
                    keep[j] = True
                    work.append(j)
    kept_lines = sum(last - first + 1 for (first, last, _), k in zip(groups, keep) if k)
    if kept_lines > MAX_SHARE * lines:
        return None
    view = bytearray(data)
    blanked = []
    for (first, last, _), k in zip(groups, keep):
        if k:
            continue
        lo, hi = bom + offset(first), bom + offset(last + 1)
        view[lo:hi] = view[lo:hi].translate(_BLANK)
        blanked.append((lo, hi))
    return Focus(bytes(view), blanked, kept_lines, lines)


def _has_block(stmt: ast.stmt) -> bool:
    """Does the statement hold an indented block (a body on lines of its own)?"""
    body = getattr(stmt, "body", None)
    return isinstance(body, list) and bool(body) and body[0].lineno > stmt.lineno

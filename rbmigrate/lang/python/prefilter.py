"""Which Python files can hold v3 (no libcst here: this runs on every ``.py`` file of a run).

The adapter can only change or report a file that holds one of these:

- a distinctive v3 spelling (:func:`.words.table_words`: host functions, types, export classes,
  kebab WIT names) in code, a string, a docstring or a comment;
- an import or attribute chain binding a v3 module of ``wit_world.imports`` (``host``, ``types``,
  ``source_connector``, …), through which v3 items are referred to under any name;
- a moved ``_read_stream(self, request)``-style method that still uses ``request.stream`` like
  the v3 dict or names ``ctx_json`` (RB905, reported on every run).

Files that mention ``wit_world`` and no v3 spelling are read with :mod:`ast` (C-fast) to tell the
last two apart from v4 code; a file :mod:`ast` cannot read is passed on to the real parser.
"""

from __future__ import annotations

import ast
import functools
import re

from ...ruletable import RuleTable
from .names import BINDINGS, IMPORTS, names_for
from .words import moved_bodies, table_words

_DICT_METHODS = ("get", "items", "keys", "values")


@functools.lru_cache(maxsize=4)
def _spellings(table: RuleTable) -> re.Pattern:
    words, _ = table_words(table)
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))
    return re.compile(alternatives)


@functools.lru_cache(maxsize=4)
def _v3_modules(table: RuleTable) -> frozenset[str]:
    names = names_for(table)
    return frozenset(names.v3_modules - names.v4_modules)


def may_hold_v3(data: bytes, table: RuleTable) -> bool:
    if _spellings(table).search(data) is not None:
        return True
    if BINDINGS.encode() not in data:
        return False
    if b"ctx_json" in data:
        return True
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # the adapter reports what is wrong with it
    return _binds_v3_module(tree, _v3_modules(table)) or _dict_style_stream(tree, table) or _v4_the_v3_way(tree, table)


def may_call_v4_the_v3_way(data: bytes, table: RuleTable) -> bool:
    """Can a file hold an RB917 site (a v4 host call in its v3 shape; a superset: see :func:`_v4_the_v3_way`)?"""
    if _host_module(table).encode() not in data:
        return False
    try:
        return _v4_the_v3_way(ast.parse(data), table)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True


@functools.lru_cache(maxsize=4)
def _host_module(table: RuleTable) -> str:
    return names_for(table).host_module


@functools.lru_cache(maxsize=4)
def _v4_shapes(table: RuleTable) -> tuple[frozenset[str], dict[str, tuple[int, str]], frozenset[str]]:
    """(v3-only names of the v3 host functions, v4 function -> (position, name) of its coded parameter,
    v4 functions that take a record where v3 took JSON)."""
    from ...ruletable import kebab, snake

    names = names_for(table)
    v4 = names.v4[kebab(names.host_module)].functions
    v4_names = {snake(f) for f in v4}
    old = frozenset(fn.v3 for fn in names.host_functions.values()) - v4_names
    coded, records = {}, set()
    for fn in names.host_functions.values():
        if fn.v4_module != names.host_module or kebab(fn.v4) not in v4:
            continue
        params = [snake(p) for p in v4[kebab(fn.v4)].param_names]
        spec = table.integer_codes.get(kebab(fn.v3))
        if spec is not None and snake(spec.param) in params:
            coded[fn.v4] = (params.index(snake(spec.param)), snake(spec.param))
        if fn.v3 in names.payloads and len(params) == 1:
            records.add(fn.v4)
    return old, coded, frozenset(records)


def _v4_the_v3_way(tree: ast.AST, table: RuleTable) -> bool:
    """A call through the v4 host module with an integer-ish code, JSON-ish payload or a v3 function name.

    Name-based (no scopes): an integer-ish argument is an int literal, a name assigned an int literal anywhere,
    or a subscript of a name assigned a dict holding one; JSON-ish is a string, an f-string, a ``dumps(...)``
    call, a name assigned one, or a call of a module-level function returning one."""
    module = _host_module(table)
    path = f"{IMPORTS}.{module}"
    aliases: set[str] = set()
    direct: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == path}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module == IMPORTS:
            aliases |= {a.asname or a.name for a in node.names if a.name == module}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module == path:
            direct.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args \
                and isinstance(node.value.args[0], ast.Constant) and node.value.args[0].value == path:
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    if not aliases and not direct:
        return False
    old, coded, records = _v4_shapes(table)
    if any(name in old for name in direct.values()):
        return True
    ints, int_dicts, texts = set(), set(), set()

    def text(e: ast.AST) -> bool:
        if isinstance(e, ast.Constant):
            return isinstance(e.value, str)
        if isinstance(e, ast.JoinedStr):
            return True
        if isinstance(e, ast.Call):
            f = e.func
            return (isinstance(f, ast.Attribute) and f.attr == "dumps") or (isinstance(f, ast.Name) and f.id in ("dumps", *texts))
        return isinstance(e, ast.Name) and e.id in texts

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
            v = node.value
            if isinstance(v, ast.Constant) and type(v.value) is int:
                ints |= targets
            elif isinstance(v, ast.Dict) and any(isinstance(x, ast.Constant) and type(x.value) is int for x in v.values):
                int_dicts |= targets
    for _ in range(2):  # a helper returning a name assigned JSON text
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and text(node.value):
                texts |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for fn in tree.body if isinstance(tree, ast.Module) else []:
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    isinstance(r, ast.Return) and r.value is not None and text(r.value) for r in ast.walk(fn)):
                texts.add(fn.id if isinstance(fn, ast.Name) else fn.name)

    def integer(e: ast.AST) -> bool:
        if isinstance(e, ast.Constant):
            return type(e.value) is int
        if isinstance(e, ast.Name):
            return e.id in ints
        return isinstance(e, ast.Subscript) and isinstance(e.value, ast.Name) and e.value.id in int_dicts

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _dotted(node.value) in aliases and node.attr in old:
            return True
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) and _dotted(f.value) in aliases else \
            direct.get(f.id) if isinstance(f, ast.Name) else None
        if name in coded:
            position, param = coded[name]
            args = [a for a in node.args[position:position + 1]] + [k.value for k in node.keywords if k.arg == param]
            if any(integer(a) for a in args):
                return True
        if name in records and any(text(a) for a in [*node.args[:1], *(k.value for k in node.keywords)]):
            return True
    return False


def may_use_stream_as_dict(data: bytes, table: RuleTable) -> bool:
    """Can a file hold an RB905 use of the typed stream record (a superset: see :func:`_dict_style_stream`)?"""
    if b"ctx_json" in data:
        return True
    try:
        return _dict_style_stream(ast.parse(data), table)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _binds_v3_module(tree: ast.AST, v3: frozenset[str]) -> bool:
    def v3_path(path: str) -> bool:
        parts = path.split(".")
        return len(parts) >= 3 and ".".join(parts[:2]) == IMPORTS and parts[2] in v3

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(v3_path(alias.name) for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if v3_path(node.module) or (node.module == IMPORTS and any(a.name in v3 for a in node.names)):
                return True
        elif isinstance(node, ast.Attribute):
            path = _dotted(node)
            if path is not None and v3_path(path):
                return True
    return False


def _dict_style_stream(tree: ast.AST, table: RuleTable) -> bool:
    """A moved method ``(self, request)`` that reads ``request.stream`` like the v3 dict, or hands it to a function
    that is not a module-level one, or to a module-level one that reads its parameter like a dict (superset of
    RB905)."""
    helpers = {helper for _phase, helper in moved_bodies(table).values()}
    functions = {fn.name: fn for fn in getattr(tree, "body", []) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def dict_like(where: ast.AST, names: set[str], depth: int) -> bool:
        parents = {child: node for node in ast.walk(where) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(where):
            if not (isinstance(node, ast.Name) and node.id in names):
                continue
            parent = parents.get(node)
            if _dict_use(node, parent):
                return True
            call = parents.get(parent) if isinstance(parent, ast.keyword) else parent
            if isinstance(call, ast.Call) and call.func is not node:
                callee = functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
                if callee is None:
                    return True  # handed to a function the codemod cannot follow
                if depth < 2 and dict_like(callee, _params_receiving(callee, call, node), depth + 1):
                    return True
        return False

    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name not in helpers:
            continue
        params = fn.args.args
        if len(params) != 2 or params[1].arg != "request":
            continue
        parents = {child: node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
        locals_: set[str] = set()
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Attribute) and node.attr == "stream" and isinstance(node.value, ast.Name)
                    and node.value.id == "request"):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
                locals_.add(parent.targets[0].id)
            elif _dict_use(node, parent) or isinstance(parent, (ast.Call, ast.keyword)):
                return True
        if not locals_:
            continue
        # a local may be declared global / nonlocal: then its uses can be anywhere in the module
        where = tree if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(fn)) else fn
        if dict_like(where, locals_, 0):
            return True
    return False


def _params_receiving(fn: ast.AST, call: ast.Call, node: ast.AST) -> set[str]:
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    out = {params[i] for i, a in enumerate(call.args) if a is node and i < len(params)}
    return out | {k.arg for k in call.keywords if k.value is node and k.arg}


def _dict_use(node: ast.AST, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return True
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _DICT_METHODS:
        return True
    return isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node

"""Python (componentize-py guests): v3 spellings left in a file, found token by token.

Names are resolved the way Python binds them, per file and without running
anything: every import form of ``wit_world`` (``import wit_world.imports.host
as h``, ``from wit_world.imports import host``, ``from … import emit_batch as
emit``, star imports), ``importlib.import_module("wit_world.imports.host")``,
``__import__(…)`` and ``sys.modules[…]`` assigned to a name, and plain aliases
(``h2 = h``). An attribute chain is then resolved through its first name.

Protocol positions (where a *plain* word such as ``checkpoint``, ``log`` or
``ReadSummary`` is v3): an attribute of a name bound to a v3 module of
``wit_world`` (``_host.checkpoint``) or of any ``wit_world.imports`` module when
the word is a renamed host function (``host_io.checkpoint``), a name imported
from such a module, a keyword argument of a host call (``val=``), and a method
of a class deriving from a ``wit_world.exports`` class (``def discover``).

A *distinctive* name (``emit_batch``, ``ValidationResult``) is v3 as an attribute,
as a name bound from ``wit_world``, and as a bare name the file binds nowhere
(its import was rewritten, its uses were not); a function or class the file
defines itself (a helper named like the host function) is trusted for bare
uses and for attribute calls on receivers not bound to ``wit_world``. The same
goes for ``host`` and ``types`` used as modules while bound nowhere. An export
class name (``SourceConnector``) is v3 as an attribute of ``wit_world.exports``
and as the name of a class deriving from a ``wit_world`` export.

String constants count when they name the protocol as code does: a module path
(``importlib.import_module("wit_world.imports.host")``), a package string
(``"rapidbyte:connector/host@3.0.0"``), or a host function named to ``getattr`` on
the v3 host module. Any other string holding a v3 name is a label or prose (the
adapter lists it, RB904). Comments and docstrings are prose to Python (nothing
runs them), so they are not looked at; Rust doc comments are, as doctests compile.
"""

from __future__ import annotations

import ast
import functools
import re
import tokenize  # token types only: the lexer is ours (see ``_logical_lines``)

from .hits import Hits
from .spellings import EXPORTS, IMPORTS, V3Name, V3Spellings

_PACKAGE = re.compile(r"rapidbyte:connector(?:/(%?[a-z][a-z0-9-]*))?@3\.0\.0")
_LOADERS = ("import_module", "__import__", "modules")


class _Tok:
    __slots__ = ("type", "string", "start", "end")

    def __init__(self, type_: int, string: str, start: int, end: int):
        self.type = type_
        self.string = string
        self.start = start
        self.end = end


_LEX = re.compile(
    r"(?:[ \t\f]+|\\\r?\n)*"  # blanks and line continuations before the token
    r"(?:(?P<nl>\r?\n|\r)"
    r"|(?P<comment>\#[^\r\n]*)"
    r"|(?P<string>(?:[rRbBuUfF]{1,2})?(?:"
    r"'{3}(?:[^'\\]|\\.|'(?!''))*(?:'{3}|$)"  # '''…'''
    r'|"{3}(?:[^"\\]|\\.|"(?!""))*(?:"{3}|$)'  # """…"""
    r"|'(?:[^'\\\r\n]|\\.)*'"
    r'|"(?:[^"\\\r\n]|\\.)*"))'
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<number>\d[\w.]*|\.\d\w*)"
    r"|(?P<op>\*\*=?|//=?|->|:=|[<>!=]=|<<=?|>>=?|[-+*/%&|^@]=|\.\.\.|[^\s\w]))",
    re.S,
)
_TYPES = {"string": tokenize.STRING, "name": tokenize.NAME, "number": tokenize.NUMBER, "op": tokenize.OP}


class PythonScanner:
    def __init__(self, spellings: V3Spellings, text: str):
        self.s = spellings
        self.text = text
        self.bindings: dict[str, str] = {}  # local name → dotted path under wit_world
        self.local_defs: set[str] = set()
        self.modules = spellings.python_modules()  # v3 module paths
        self.v3_modules = {snake for snake in spellings.interfaces}
        self.defined: set[str] = set()  # every name the file binds somehow (imports, defs, targets, params)
        self.star = False  # a star import from outside wit_world: any name may be bound

    # --------------------------------------------------------------- entry
    def scan(self, hits: Hits | None = None) -> Hits:
        hits = hits if hits is not None else Hits()
        lines = self._logical_lines()
        s = self.s
        watched = _watched(s)  # the names `defined` is ever asked about
        names_of = [{t.string for t in toks if t.type == tokenize.NAME} for _, toks in lines]
        for (_depth, toks), names in zip(lines, names_of):  # bindings first: a use may come before its import
            self._bind(toks)
            if names & watched or toks[0].string == "from":
                self._define(toks)
        classes: list[tuple[int, bool]] = []  # (body depth, derives from a wit_world export)
        for depth, toks in lines:  # definitions next: a method may be called above its `def`
            while classes and depth < classes[-1][0]:
                classes.pop()
            first = toks[0].string
            if first == "class":
                bases = self._chains(toks[2:])
                export = any(self._resolve(chain)[0].startswith(EXPORTS) for chain in bases)
                classes.append((depth + 1, export))
                name = toks[1] if len(toks) > 1 else None
                if export and name is not None and name.string in s.export_classes:
                    hits.add(name.start, name.end, s.export_classes[name.string])  # `class SourceConnector(exports.…)`
            elif first in ("def", "async"):
                at = 1 if first == "def" else 2
                if len(toks) > at:
                    self._definition(toks[at], depth, classes, hits)
        interesting = _interesting(s) | set(self.bindings)  # a line with none of these holds nothing to report
        for (_depth, toks), names in zip(lines, names_of):
            if toks[0].string in ("import", "from"):
                self._import_line(toks, hits)
            elif names & interesting or any(t.type == tokenize.STRING and ("wit_world" in t.string
                                            or "rapidbyte" in t.string) for t in toks):
                self._code(toks, hits)
        return hits

    def _logical_lines(self) -> list[tuple[int, list[_Tok]]]:
        """(indentation level, tokens) of each logical line (comments dropped).

        A regex lexer that yields :mod:`tokenize`'s significant tokens (a test checks it on every
        Python file of the repository), about twice as fast as the module on the files this pass
        reads; it never fails: anything it does not know is one ``OP`` token."""
        text = self.text
        out: list[tuple[int, list[_Tok]]] = []
        current: list[_Tok] = []
        indents = [0]
        level = brackets = 0
        for m in _LEX.finditer(text):
            kind = m.lastgroup
            if kind is None:
                continue  # blanks at the very end
            if kind == "nl":
                if brackets == 0 and current:
                    out.append((level, current))
                    current = []
                continue
            start = m.start(kind)
            if kind == "comment":
                continue
            if not current:  # the first token of a logical line: its indentation
                col = start - text.rfind("\n", 0, start) - 1
                if col > indents[-1]:
                    indents.append(col)
                while len(indents) > 1 and col < indents[-1]:
                    indents.pop()
                level = len(indents) - 1
            token = m.group(kind)
            if kind == "op":
                if token in "([{":
                    brackets += 1
                elif token in ")]}" and brackets:
                    brackets -= 1
            current.append(_Tok(_TYPES[kind], token, start, m.end()))
        if current:
            out.append((level, current))
        return out

    # --------------------------------------------------------------- bindings
    def _bind(self, toks: list[_Tok]) -> None:
        first = toks[0].string
        if first == "import":
            for chain, alias in _import_items(toks[1:]):
                path = ".".join(t.string for t in chain)
                if path.split(".")[0] != "wit_world":
                    continue
                if alias is not None:
                    self.bindings[alias.string] = path
                else:
                    self.bindings[chain[0].string] = chain[0].string
        elif first == "from":
            module, items = _from_items(toks)
            if module is None or not module.startswith("wit_world"):
                return
            for name, alias in items:
                if name == "*":
                    for member in self._members(module):
                        self.bindings[member] = f"{module}.{member}"
                else:
                    self.bindings[alias or name] = f"{module}.{name}"
        elif len(toks) >= 3 and toks[0].type == tokenize.NAME and toks[1].string == "=":
            target = toks[0].string
            rest = toks[2:]
            if any(t.string in _LOADERS for t in rest):
                for t in rest:
                    value = _string_value(t)
                    if value is not None and value.startswith("wit_world"):
                        self.bindings[target] = value
                        return
            chains = self._chains(rest)
            if len(chains) == 1 and len(chains[0]) * 2 - 1 == len(rest):
                path, _ = self._resolve(chains[0])
                if path.startswith("wit_world"):
                    self.bindings[target] = path

    def _define(self, toks: list[_Tok]) -> None:
        """Collect the names a logical line binds (an over-approximation: a name it may bind)."""
        names = [t for t in toks if t.type == tokenize.NAME]
        if not names:
            return
        first = toks[0].string
        if first in ("import", "from"):
            if first == "from" and toks[-1].string == "*":
                module, _ = _from_items(toks)
                if module is None or not module.startswith("wit_world"):
                    self.star = True
            after = False
            for t in toks:
                if t.string == "import":
                    after = True
                elif after and t.type == tokenize.NAME and t.string != "as":
                    self.defined.add(t.string)
            if first == "import":
                self.defined.update(chain[0].string for chain, _ in _import_items(toks[1:]))
            return
        binders = {"def", "class", "as", "for", "global", "nonlocal", "lambda", "del"}
        in_params = False
        depth = 0
        for k, t in enumerate(toks):
            if t.string in ("(", "[", "{"):
                depth += 1
            elif t.string in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    in_params = False
            if t.type != tokenize.NAME:
                continue
            prev = toks[k - 1].string if k else ""
            nxt = toks[k + 1].string if k + 1 < len(toks) else ""
            param = in_params and prev in ("(", ",", "*", "**", "lambda") and depth <= 1
            if prev in binders or nxt in ("=", ":=") or param or (k == 0 and nxt == ":"):
                self.defined.add(t.string)
            if t.string in ("def", "lambda"):
                in_params = True  # the parameters, up to the closing parenthesis (or `:`)
            if t.string == "for":  # every name of a loop target, up to `in`
                for u in toks[k + 1:]:
                    if u.string == "in":
                        break
                    if u.type == tokenize.NAME:
                        self.defined.add(u.string)
            if nxt == ":" and in_params and depth == 0:
                in_params = False

    def _members(self, module: str) -> list[str]:
        if module == f"{IMPORTS}.host":
            return list(self.s.host_functions)
        if module == f"{IMPORTS}.types":
            return list(self.s.types_members)
        return []

    def _resolve(self, chain: list[_Tok]) -> tuple[str, int]:
        """The dotted path a chain names, and how many of its leading path parts come from a binding."""
        head = chain[0].string
        bound = self.bindings.get(head)
        if bound is None and head in self.v3_modules and len(chain) > 1 and head not in self.defined and not self.star:
            bound = f"{IMPORTS}.{head}"  # bound nowhere: the v3 module it is named after (its import was rewritten)
        rest = [t.string for t in chain[1:]]
        if bound is None:
            return ".".join([head, *rest]), 0
        return ".".join([bound, *rest]), bound.count(".") + 1

    def _chains(self, toks: list[_Tok]) -> list[list[_Tok]]:
        chains: list[list[_Tok]] = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            if t.type == tokenize.NAME and not (i and toks[i - 1].string == "."):
                chain = [t]
                j = i + 1
                while j + 1 < n and toks[j].string == "." and toks[j + 1].type == tokenize.NAME:
                    chain.append(toks[j + 1])
                    j += 2
                chains.append(chain)
                i = j
            else:
                i += 1
        return chains

    # --------------------------------------------------------------- lines
    def _import_line(self, toks: list[_Tok], hits: Hits) -> None:
        if toks[0].string == "import":
            for chain, alias in _import_items(toks[1:]):
                self._module_path(chain, hits, ((alias or chain[0]).string,))
            return
        module, items = _from_items(toks)
        if module is None or not module.startswith("wit_world"):
            return
        mod_toks = []
        for t in toks[1:]:
            if t.string == "import":
                break
            if t.type == tokenize.NAME:
                mod_toks.append(t)
        bound = tuple(alias or name for name, alias in items if name != "*")
        reported = self._module_path(mod_toks, hits, bound if all(name != "*" for name, _ in items) else ())
        parts = module.split(".")
        names = {t.string: t for t in toks if t.type == tokenize.NAME}
        for name, alias in items:
            tok = names.get(name)
            if tok is None:
                continue
            path = f"{module}.{name}"
            if path in self.modules and not reported:
                hits.add(tok.start, tok.end, self.modules[path], path, binds=(alias or name,))
            elif len(parts) == 3 and parts[:2] == ["wit_world", "imports"]:
                member = self._member(parts[2], name)
                if member is not None:
                    hits.add(tok.start, tok.end, member, name, binds=(alias or name,))

    def _module_path(self, chain: list[_Tok], hits: Hits, binds: tuple[str, ...] = ()) -> bool:
        """Report ``wit_world.imports.host`` spelled out in ``chain``; True when reported."""
        names = [t.string for t in chain]
        if len(names) >= 3 and names[0] == "wit_world" and names[1] in ("imports", "exports"):
            path = ".".join(names[:3])
            if path in self.modules:
                hits.add(chain[0].start, chain[2].end, self.modules[path], path, binds=binds)
                return True
        return False

    def _member(self, module: str, name: str) -> V3Name | None:
        """Is ``module.name`` a v3 spelling? (``module`` is a ``wit_world.imports`` module, snake)."""
        s = self.s
        if module == "host":
            return s.host_functions.get(name) or s.methods.get(name)
        if module == "types":
            return s.types_members.get(name) or s.types.get(name)
        if module in s.v4_modules:
            return s.methods.get(name) or s.plain_methods.get(name) or s.types.get(name)
        return None

    def _definition(self, name: _Tok, depth: int, classes: list, hits: Hits) -> None:
        s = self.s
        in_export = bool(classes) and classes[-1][0] == depth and classes[-1][1]
        if in_export and name.string in s.export_methods:
            hits.add(name.start, name.end, s.export_methods[name.string])
        elif not in_export:
            self.local_defs.add(name.string)  # the file's own function of that name

    def _code(self, toks: list[_Tok], hits: Hits) -> None:
        s = self.s
        callees: list[str | None] = []  # resolved callee of each open bracket
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            if t.type == tokenize.NAME and not (i and toks[i - 1].string == "."):
                chain = [t]
                j = i + 1
                while j + 1 < n and toks[j].string == "." and toks[j + 1].type == tokenize.NAME:
                    chain.append(toks[j + 1])
                    j += 2
                if t.string in self.bindings:
                    hits.use(t.string, t.start)
                self._chain(chain, hits)
                if j < n and toks[j].string == "(":
                    callees.append(self._resolve(chain)[0])
                    i = j + 1
                    continue
                i = j
                continue
            if t.string in ("(", "[", "{"):
                callees.append(None)
            elif t.string in (")", "]", "}"):
                if callees:
                    callees.pop()
            elif t.type == tokenize.STRING:
                self._string(t, toks, i, callees, hits)
            i += 1
        # keyword arguments of host calls (`val=`) and record fields (`details_json=`)
        depth_callee: list[str | None] = []
        for k, t in enumerate(toks):
            if t.string in ("(", "[", "{"):
                prev = toks[k - 1] if k else None
                depth_callee.append(self._callee_before(toks, k) if prev is not None and prev.type == tokenize.NAME else None)
            elif t.string in (")", "]", "}"):
                if depth_callee:
                    depth_callee.pop()
            elif (t.type == tokenize.NAME and k + 1 < n and toks[k + 1].string == "=" and depth_callee
                  and toks[k - 1].string in ("(", ",")):
                callee = depth_callee[-1] or ""
                fn = callee.rsplit(".", 1)[-1]
                if (fn, t.string) in s.params and callee.startswith(IMPORTS):
                    hits.add(t.start, t.end, s.params[(fn, t.string)])
                elif t.string in s.fields:
                    hits.add(t.start, t.end, s.fields[t.string])

    def _callee_before(self, toks: list[_Tok], k: int) -> str | None:
        j = k - 1
        chain = [toks[j]]
        while j >= 2 and toks[j - 1].string == "." and toks[j - 2].type == tokenize.NAME:
            chain.insert(0, toks[j - 2])
            j -= 2
        return self._resolve(chain)[0]

    def _chain(self, chain: list[_Tok], hits: Hits) -> None:
        s = self.s
        path, bound = self._resolve(chain)
        parts = path.split(".")

        def index(part: int) -> int:  # which token of the chain spells ``parts[part]``
            return part if bound == 0 else part - (bound - 1)

        if len(parts) >= 3 and parts[0] == "wit_world" and parts[1] in ("imports", "exports"):
            root, module = parts[1], parts[2]
            v3_module = module in self.v3_modules
            k = index(2)
            if root == "exports" and module in s.export_classes and 0 <= k < len(chain):
                hits.add(chain[k].start, chain[k].end, s.export_classes[module])
                return
            member_at = index(3)
            if root == "imports" and len(parts) >= 4 and 0 <= member_at < len(chain):
                member = self._member(module, parts[3])
                if member is None and v3_module:
                    member = s.interfaces[module]
                if member is not None:
                    hits.add(chain[member_at].start, chain[member_at].end, member, chain[member_at].string)
                    return
            if v3_module and 1 <= k < len(chain):
                first = chain[0] if bound == 0 else chain[k]
                shown = f"wit_world.{root}.{module}"
                hits.add(first.start, chain[k].end, self.modules[shown], shown)
                return
        for k, tok in enumerate(chain):
            name = tok.string
            if name in s.types and (k > 0 or (name not in self.defined and not self.star)):
                hits.add(tok.start, tok.end, s.types[name])  # an attribute, or a name bound nowhere
            elif k > 0 and name in s.methods and name not in self.local_defs:
                hits.add(tok.start, tok.end, s.methods[name])
            elif k == 0 and name not in self.defined and not self.star and (
                    name in s.methods or (name in s.plain_methods and self.bindings)):
                # bound nowhere: the host function it was imported as (its import was rewritten)
                hits.add(tok.start, tok.end, s.methods.get(name) or s.plain_methods[name])
            elif k > 0 and name in s.fields:
                hits.add(tok.start, tok.end, s.fields[name])

    def _string(self, t: _Tok, toks: list[_Tok], i: int, callees: list, hits: Hits) -> None:
        s = self.s
        raw = t.string
        if not any(c in raw for c in ("wit_world", "rapidbyte", "-", "_")) and not raw.strip("\"'rbuRBU").isalpha():
            return
        value = _string_value(t)
        if value is None:
            return
        if value in self.modules:
            hits.add(t.start, t.end, self.modules[value], raw)
            return
        if "rapidbyte:connector" in value:
            for m in _PACKAGE.finditer(raw):
                iface = (m.group(1) or "").lstrip("%")
                name = s.wit_interfaces.get(iface) if iface else None
                name = name if name is not None else s.package
                hits.add(t.start + m.start(), t.start + m.end(), name, m.group())
            return
        if value in s.host_functions and callees and callees[-1] == "getattr" and i >= 2:
            # getattr(<v3 host module>, "checkpoint")
            first = [k for k in range(i - 1, -1, -1) if toks[k].string == "("]
            if first:
                args = self._chains(toks[first[0] + 1:i])
                if args and self._resolve(args[0])[0] == f"{IMPORTS}.host":
                    hits.add(t.start, t.end, s.host_functions[value], raw)


# ------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=4)
def _watched(s: V3Spellings) -> frozenset[str]:
    return frozenset(set(s.methods) | set(s.plain_methods) | set(s.interfaces) | set(s.types))


@functools.lru_cache(maxsize=4)
def _interesting(s: V3Spellings) -> frozenset[str]:
    """Names without which a line of code cannot hold anything :class:`PythonScanner` reports."""
    names = set(s.methods) | set(s.plain_methods) | set(s.types) | set(s.export_classes) | set(s.types_members)
    names |= set(s.fields) | {param for _, param in s.params} | set(s.interfaces) | set(s.host_functions)
    return frozenset(names | {"wit_world", "getattr"})


def _string_value(t: _Tok) -> str | None:
    if t.type != tokenize.STRING:
        return None
    prefix = t.string[: len(t.string) - len(t.string.lstrip("rRbBuUfF"))].lower()
    if "f" in prefix or "b" in prefix:
        return None
    try:
        value = ast.literal_eval(t.string)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _import_items(toks: list[_Tok]):
    """(dotted name tokens, alias token or None) of ``import a.b as c, d``."""
    chain: list[_Tok] = []
    alias = None
    expect_alias = False
    for t in toks:
        if t.string == ",":
            if chain:
                yield chain, alias
            chain, alias, expect_alias = [], None, False
        elif t.string == "as":
            expect_alias = True
        elif t.type == tokenize.NAME:
            if expect_alias:
                alias = t
            else:
                chain.append(t)
    if chain:
        yield chain, alias


def _from_items(toks: list[_Tok]) -> tuple[str | None, list[tuple[str, str | None]]]:
    """(module, [(name, alias)]) of ``from module import a as b, c`` (relative imports: None)."""
    module_parts: list[str] = []
    k = 1
    while k < len(toks) and toks[k].string != "import":
        if toks[k].string == "." and not module_parts:
            return None, []
        if toks[k].type == tokenize.NAME:
            module_parts.append(toks[k].string)
        k += 1
    items: list[tuple[str, str | None]] = []
    name = None
    expect_alias = False
    for t in toks[k + 1:]:
        if t.string == "*":
            items.append(("*", None))
        elif t.string == "as":
            expect_alias = True
        elif t.type == tokenize.NAME:
            if expect_alias and name is not None:
                items[-1] = (name, t.string)
                expect_alias = False
            else:
                name = t.string
                items.append((name, None))
    return (".".join(module_parts) or None), items


def scan_python(text: str, spellings: V3Spellings) -> Hits:
    return PythonScanner(spellings, text).scan()

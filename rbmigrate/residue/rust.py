"""Rust: v3 spellings left in a file, found token by token.

A lexical scan, not a parse: it sees through macro token trees (``macro_rules!``
bodies, ``quote!``, attribute arguments) exactly as through ordinary code, and
it skips what is not code (comments, strings, char literals), except that

- code spans and fenced examples in comments are scanned as code,
- raw strings (``r#"…"#``, the usual shape of code templates) are scanned as code,
- ordinary strings are checked for protocol strings: a package string
  (``"rapidbyte:connector/host@3.0.0"``) anywhere, a WIT function name where a function is
  looked up by name (``add_func("emit-batch", …)``, ``get_func``, ``get_export``); any other
  string holding a v3 name is a label (the adapter lists it, RB904).

Only the tokens that can be a v3 spelling are looked at, with the few tokens
before and after them; braces are tracked so that a ``fn`` knows the ``impl``,
``trait`` or ``mod`` it is defined in.

Protocol positions (where a *plain* word is v3, see :mod:`.spellings`):

- a method call or path on a receiver proven to be the SDK ``Context``: a name
  declared in the file with type ``Context`` / ``&Context`` / ``&mut Context``
  (parameters, fields, annotated ``let``s; never ``Context<'_>`` and never in a
  file that imports ``std::task::Context``), a ``let`` bound from such a name's
  ``with_stream(…)``, or the path ``Context::checkpoint``;
- a path through a binding module (``rapidbyte::connector::host``, or a module
  the file imports from one: ``host::checkpoint``);
- a ``fn`` defined in a protocol block: ``impl … Host for``, ``trait Host``,
  ``HostImports``, ``Guest``, ``impl Context``, the role traits (``init``,
  ``discover``, ``read``, ``write``, ``transform``), or the binding module
  ``mod host`` inside ``mod connector``.

A *distinctive* name (``emit_batch``) is v3 in any position except where it
names the file's own item: a free ``fn emit_batch``, a ``let`` or a field or
parameter of that name (then bare uses and paths through other modules are
that item), or a method of a non-protocol type (then ``.emit_batch(…)`` on a
receiver not known to be the context is that method). ``call_*`` guest calls,
bindgen accessors and ``*_impl`` twins are v3 everywhere.
"""

from __future__ import annotations

import bisect
import functools
import re

from .hits import Hits
from .spellings import V3Name, V3Spellings
from .text import scan_code

_PROTOCOL_TRAITS = {"Host", "HostImports", "Guest"}
_PROTOCOL_TYPES = {"Context", "WitHostImports"}
_OWNERS = {"Context", "Host", "HostImports", "WitHostImports", "Guest", "host_ffi"}
_RUST_FENCES = {"", "rust", "rs", "no_run", "ignore", "should_panic", "compile_fail", "edition2021"}


class _Patterns:
    def __init__(self, s: V3Spellings):
        words = set(s.methods) | set(s.always) | set(s.types) | set(s.fields) | set(s.plain_methods)
        words |= {owner for owner, _ in s.variants} | {"rapidbyte", "protocol_version", "PROTOCOL_VERSION", "Self"}
        fn_words = (set(s.role_methods) | set(s.export_methods)) - words
        alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        owners = "|".join(sorted({re.escape(owner) for owner, _ in s.variants}))
        self.words = re.compile(rf"(?<![\w$])(?:{alternation})\b")  # inside item headers
        fn_alternation = "|".join(sorted(map(re.escape, fn_words), key=len, reverse=True))
        # Identifiers are consumed whole (`ident`), so every other alternative starts at a token start
        # and needs no `\b` before it: a match per token, but no branch tried inside an identifier.
        self.master = re.compile(
            r"(?P<line>//[^\n]*)"
            r"|(?P<block>/\*)"
            r'|(?P<raw>(?:br|cr|r)(#*)")'
            r'|(?P<str>[bc]?"(?:[^"\\]|\\.)*")'
            r"|(?P<char>b?'(?:[^'\\\n]|\\[^\n]{1,10}?)')"
            r"|(?P<impl>impl\b[^{};]*\{)"
            r"|(?P<trait>trait\s+[A-Za-z_]\w*[^{};]*\{)"
            r"|(?P<mod>mod\s+[A-Za-z_]\w*\s*\{)"
            rf"|(?P<enum>enum\s+(?:{owners})\b[^{{}};]*\{{)"
            rf"|(?P<fnword>fn\s+(?:{fn_alternation})\b)"
            rf"|(?P<word>(?:{alternation})\b)"
            r"|(?P<ident>\w+)"
            r"|(?P<open>\{)|(?P<close>\})"
            r"|(?P<other>[^\w/\"'{}]+|[/'])",
            re.S,
        )
        self.prev = re.compile(
            r"(?:(?P<fn>\bfn)|(?P<let>\blet(?:\s+mut)?)"
            r"|(?P<recv>(?:\$|#)?[A-Za-z_]\w*)\s*(?:\(\s*\)\s*)?\.|(?P<dot>[\])?!]\s*\.)"
            r"|(?P<owner>(?:\$|#)?[A-Za-z_]\w*)\s*(?:<[^<>;{}]*>\s*)?::|(?P<path>::))\s*$"
        )
        self.linker_call = re.compile(r"\w*(?:func|export)\w*\s*\(\s*(?:[^(),;]*,\s*)?$")
        self.package = re.compile(r"rapidbyte:connector(?:/(%?[a-z][a-z0-9-]*))?@3\.0\.0")
        self.wit_strings = {name: v for name, v in s.wit_names.items() if "-" in name}
        self.linker_names = {name: v for name, v in s.wit_functions.items() if "-" not in name}
        self.variant_owners = {owner for owner, _ in s.variants}


@functools.lru_cache(maxsize=4)
def _patterns(s: V3Spellings) -> _Patterns:
    return _Patterns(s)


_CTX_DECL = re.compile(
    r"(?<![\w$])(\$?[A-Za-z_]\w*)\s*:\s*&?\s*(?:'[A-Za-z_]\w*\s+)?(?:mut\s+)?((?:[A-Za-z_]\w*\s*::\s*)*)Context\b(?!\s*<)"
)
_CTX_LET = re.compile(
    r"\blet\s+(?:mut\s+)?([A-Za-z_]\w*)\s*(?::[^=;]*)?=\s*&?\s*(?:self\s*\.\s*)?([A-Za-z_]\w*)\s*\.\s*(?:with_stream|clone)\s*\("
)
_TYPED = re.compile(
    r"(?<![\w$:])(\$?[A-Za-z_]\w*)\s*:(?!:)\s*&?\s*(?:'[A-Za-z_]\w*\s+)?(?:mut\s+)?(?:(?:impl|dyn)\s+)?"
    r"(?:[A-Za-z_]\w*\s*::\s*)*([A-Z]\w*)"
)
_STD_CONTEXT = re.compile(r"\btask\s*::\s*(?:\{[^}]*\bContext\b|Context\b)")
_SPAN = re.compile(r"`([^`\n]+)`")
_LINE_RUN = re.compile(r"//[^\n]*(?:\n[ \t]*//[^\n]*)*")
_FENCE = re.compile(r"\s*(?:```|~~~)\s*([\w-]*)")
_DOC = re.compile(r"\s*(?:///|//!|//|/\*\*|/\*!|/\*|\*)?")
_IDENT = re.compile(r"(?:\$|#)?[A-Za-z_]\w*")
_CONNECTOR = re.compile(r"\s*::\s*connector\s*::\s*")
_FOLLOWS_DECL = re.compile(r"\s*:(?!:)")
_PROTOCOL_VERSION = re.compile(r'\s*[(:=][^;\n"]{0,40}?"([23])"')
_VARIANT = re.compile(r"\s*::\s*([A-Za-z_]\w*)\b")
# a type parameter bound by a role trait (`S: Source`, `where D: rapidbyte_sdk::Destination`)
_ROLE_BOUND = re.compile(r"\b([A-Z]\w*)\s*:\s*(?:\?Sized\s*\+\s*|'\w+\s*\+\s*)*(?:[a-z_]\w*::)*([A-Z]\w*)\b")
# a role method called through its trait: `<T as Source>::init(`, `S::init(`
_ROLE_CALL = re.compile(r"(?:<\s*([A-Z]\w*)\s+as\s+(?:[a-z_]\w*::)*([A-Z]\w*)\s*>|\b([A-Z]\w*))\s*::\s*([a-z_]\w*)\s*\(")
_ALIAS = re.compile(r"\s*(?:as\s+([A-Za-z_]\w*)\s*)?;|\s*::\s*\{\s*self\b")


_LET_UNTYPED = re.compile(r"\blet\s+(?:mut\s+)?([A-Za-z_]\w*)\s*=")


def typed_names(text: str) -> set[str]:
    """Names this text only ever declares with a type other than ``Context`` (``queue: &mut Queue``);
    a name also bound by an untyped ``let`` somewhere may be anything there."""
    typed = {m.group(1).lstrip("$") for m in _TYPED.finditer(text) if m.group(2) != "Context"}
    return typed - {m.group(1) for m in _LET_UNTYPED.finditer(text)}


def context_names(text: str) -> set[str]:
    """Names proven to hold the SDK ``Context`` in this text (see the module docs)."""
    std = _STD_CONTEXT.search(text) is not None
    names: set[str] = set()
    for m in _CTX_DECL.finditer(text):
        prefix = m.group(2).replace(" ", "")
        if "task::" in prefix or (std and "rapidbyte" not in prefix and "sdk" not in prefix):
            continue
        names.add(m.group(1).lstrip("$"))
    for _ in range(2):  # `let s = ctx.with_stream(..)`, and from there once more
        for m in _CTX_LET.finditer(text):
            if m.group(2) in names:
                names.add(m.group(1))
    return names


class RustScanner:
    """Scan one Rust text (a file, a raw string, a code span) for v3 spellings."""

    def __init__(self, spellings: V3Spellings, text: str, ctx_names: set[str] | None = None,
                 std_context: bool | None = None, root: "RustScanner | None" = None,
                 parent: "RustScanner | None" = None):
        self.s = spellings
        self.p = _patterns(spellings)
        self.text = text
        self._ctx = ctx_names
        self._std_context = std_context
        self.root = root or self
        self.parent = parent  # the text this one is nested in (a raw string, a comment): same names
        self.stack: list[tuple] = []  # one label per open brace
        self.local_free: set[str] = root.local_free if root else set()  # own items with a v3 name (helpers, locals)
        self.local_methods: set[str] = root.local_methods if root else set()  # methods of non-protocol types
        self.modules: dict[str, V3Name] = {}  # local names of v3 binding modules (`use …::connector::host`)
        self.deferred: list[tuple] = []  # (scanner, hits, word…): decided once every text of the crate is seen
        self.skips: list[tuple[int, int]] = []  # comments and strings (not code)
        self.hits: Hits | None = None
        # field names the workspace's protocol crates declare on their own structs (the SDK's
        # `ConnectorError.details_json`): set by the caller, read through the root
        self.own_fields: frozenset[str] = frozenset()

    # names the text declares, computed when a decision needs them (most files never do)
    @property
    def ctx(self) -> set[str]:
        if self._ctx is None:
            self._ctx = self.parent.ctx if self.parent is not None else context_names(self.text)
        return self._ctx

    @property
    def std_context(self) -> bool:
        if self._std_context is None:
            parent = self.parent
            self._std_context = parent.std_context if parent is not None else _STD_CONTEXT.search(self.text) is not None
        return self._std_context

    @property
    def other_types(self) -> set[str]:  # receivers known not to be the context
        if self.root is not self:
            return self.root.other_types
        if getattr(self, "_other", None) is None:
            self._other = typed_names(self.text)
        return self._other

    # --------------------------------------------------------------- the scan
    def scan(self, hits: Hits | None = None, defer: bool = False) -> Hits:
        """Scan the text; unless ``defer``, also decide the names that depend on the file's own
        definitions (with ``defer``, call :meth:`finish` once every file of the crate is scanned)."""
        hits = hits if hits is not None else Hits()
        self.hits = hits
        text, master = self.text, self.p.master
        pos, n = 0, len(text)
        while pos < n:
            m = master.search(text, pos)
            if m is None:
                break
            kind = m.lastgroup
            pos = m.end()
            if kind == "ident" or kind == "other":
                continue
            if kind == "word":
                self._word(m.start(), pos, m.group(), hits)
            elif kind == "open":
                self.stack.append(("block",))
            elif kind == "close":
                if self.stack:
                    self.stack.pop()
            elif kind == "str":
                self.skips.append((m.start(), pos))
                self._string(m.start(), pos, hits)
            elif kind == "line":  # with the comment lines right below it (a doc block, a fenced example)
                run = _LINE_RUN.match(text, m.start())
                pos = run.end()
                self.skips.append((m.start(), pos))
                if "`" in run.group():
                    self._comment(m.start(), run.group(), hits)
            elif kind == "block":
                pos = _block_end(text, m.start())
                self.skips.append((m.start(), pos))
                body = text[m.start():pos]
                if "`" in body:
                    self._comment(m.start(), body, hits)
            elif kind == "raw":
                close = '"' + m.group(m.lastindex + 1)
                end = text.find(close, pos)
                end = n if end < 0 else end + len(close)
                self.skips.append((m.start(), end))
                self._code(pos, text[pos:max(pos, end - len(close))], hits)
                pos = end
            elif kind == "char":
                self.skips.append((m.start(), pos))
            elif kind == "impl":
                self._header_words(m, hits)
                self.stack.append(_impl_label(m.group()))
            elif kind == "trait":
                self._header_words(m, hits)
                self.stack.append(("trait", re.match(r"trait\s+([A-Za-z_]\w*)", m.group()).group(1)))
            elif kind == "mod":
                self._mod(m, hits)
            elif kind == "enum":
                self._enum(m, hits)
            elif kind == "fnword":
                word = m.group().split()[-1]
                self._definition(pos - len(word), pos, word, self._label(), hits)
        if self.root is self:
            self._role_calls(hits)
        if not defer and self.root is self:
            self.finish()
        return hits

    def _role_calls(self, hits: Hits) -> None:
        """A role method called through its trait (``S::init(…)`` with ``S: Source``,
        ``<T as Source>::init(…)``): the v3 name of a lifecycle step."""
        s, text = self.s, self.text
        if not s.role_methods or "::" not in text:
            return
        bound = {m.group(1) for m in _ROLE_BOUND.finditer(text) if m.group(2) in s.role_traits}
        skips = sorted(self.skips)
        starts = [a for a, _ in skips]
        for m in _ROLE_CALL.finditer(text):
            word = m.group(4)
            if word not in s.role_methods:
                continue
            if not (m.group(2) in s.role_traits if m.group(1) else m.group(3) in bound):
                continue
            k = bisect.bisect_right(starts, m.start()) - 1
            if k >= 0 and skips[k][0] <= m.start() < skips[k][1]:
                continue  # in a comment or a string
            hits.add(m.start(4), m.end(4), s.role_methods[word])

    # --------------------------------------------------------------- words
    def _label(self) -> tuple:
        return self.stack[-1] if self.stack else ("top",)

    def _impl_of(self) -> str:
        """The type of the innermost ``impl`` block around here ("" outside any)."""
        for label in reversed(self.stack):
            if label[0] == "impl":
                return label[2]
        return ""

    def _word(self, start: int, end: int, word: str, hits: Hits) -> None:
        s, text = self.s, self.text
        if start and (text[start - 1] == "$" or (text[start - 1] == "#" and text[start - 2:start - 1] != "r")):
            return  # a macro variable (`$emit_batch`) or a quote! interpolation (`#emit_batch`; `r#x` is x), not the name
        if word == "rapidbyte":
            self._binding_path(end, hits)
            return
        if word in ("protocol_version", "PROTOCOL_VERSION"):
            m = _PROTOCOL_VERSION.match(text, end)
            if m:
                hits.add(m.start(1) - 1, m.end(1) + 1, s.protocol_version, f'"{m.group(1)}"')
            return
        if word == "Self":
            label = self._impl_of()
            m = _VARIANT.match(text, end)
            if label and m and (label, m.group(1)) in s.variants:
                hits.add(m.start(1), m.end(1), s.variants[(label, m.group(1))], f"Self::{m.group(1)}")
            return
        if word in self.p.variant_owners:
            m = _VARIANT.match(text, end)
            if m and (word, m.group(1)) in s.variants:
                hits.add(m.start(1), m.end(1), s.variants[(word, m.group(1))], f"{word}::{m.group(1)}")
            return
        if word in s.always:
            hits.add(start, end, s.always[word])
            return
        if word in s.types:
            hits.add(start, end, s.types[word])
            return
        label = self._label()
        prev = self.p.prev.search(text, max(0, start - 160), start)
        if prev is not None and prev.group("fn"):
            self._definition(start, end, word, label, hits)
            return
        declared = _FOLLOWS_DECL.match(text, end) is not None
        if word in s.fields:  # a field: `.details_json`, `details_json: T` in a struct or its literal
            if word in self.root.own_fields:
                return  # the workspace's own struct field of that name (the adapter keeps it)
            if (prev is not None and (prev.group("recv") or prev.group("dot"))) or (
                    declared and _innermost_open(text, start) == "{"):
                hits.add(start, end, s.fields[word])
            return
        if (prev is not None and prev.group("let")) or (declared and (prev is None or prev.group("path") is None)
                                                        and (prev is None or not (prev.group("recv") or prev.group("dot")))):
            self.local_free.add(word)  # `let emit_batch = ..`, a field or parameter `emit_batch: T`
            return
        self.root.deferred.append((self, start, end, word, label, prev))

    def _definition(self, start: int, end: int, word: str, label: tuple, hits: Hits) -> None:
        s = self.s
        kind = label[0]
        if kind in ("impl", "trait"):
            if word in s.role_methods and label[1] in s.role_traits:
                hits.add(start, end, s.role_methods[word])
                return
            if word in s.export_methods and label[1] == "Guest":
                hits.add(start, end, s.export_methods[word])
                return
        if _protocol(label) and (word in s.methods or word in s.plain_methods):
            hits.add(start, end, s.methods.get(word) or s.plain_methods[word])
            return
        if kind == "mod" and label[2] and (word in s.methods or word in s.plain_methods):
            hits.add(start, end, s.methods.get(word) or s.plain_methods[word])  # a binding module's function
            return
        if kind in ("impl", "trait"):
            self.local_methods.add(word)
        else:
            self.local_free.add(word)

    def finish(self, local_free: set[str] | None = None, local_methods: set[str] | None = None) -> None:
        """Decide the deferred names: ``local_*`` are the definitions of the whole crate (default: this text's)."""
        s = self.s
        local_free = self.local_free if local_free is None else local_free
        local_methods = self.local_methods if local_methods is None else local_methods
        scanners = {}
        for scanner, start, end, word, label, prev in self.deferred:
            scanners[id(scanner)] = scanner
            hits = scanner.hits
            recv = prev.group("recv") if prev is not None else None
            owner = prev.group("owner") if prev is not None else None
            dotted = prev is not None and (recv is not None or prev.group("dot") is not None)
            is_ctx = recv is not None and recv.lstrip("$#") in scanner.ctx
            if word in s.methods:
                if dotted:  # on the context, or on a receiver of unknown type that is no method of the crate's own
                    other = recv is not None and recv.lstrip("$#") in scanner.other_types
                    report = is_ctx or (word not in local_methods and not other)
                elif owner is not None:
                    report = scanner._protocol_owner(owner, label) or word not in local_free | local_methods
                else:
                    report = word not in local_free
                if report:
                    hits.add(start, end, s.methods[word])
            elif word in s.plain_methods:
                if (dotted and is_ctx) or (owner is not None and scanner._protocol_owner(owner, label)):
                    hits.add(start, end, s.plain_methods[word])
        self.deferred = []
        if self.modules:
            self._module_paths(self.hits)

    def _protocol_owner(self, owner: str, label: tuple) -> bool:
        owner = owner.lstrip("$#")
        if owner == "Context":
            return not self.std_context
        if owner in _OWNERS or owner in self.modules or owner in self.s.interfaces:
            return True
        if owner == "Self":
            return _protocol(label)
        return any(owner == v.new for v in self.s.interfaces.values())  # host_io::checkpoint

    def _module_paths(self, hits: Hits) -> None:
        """``host::log(..)`` where ``host`` is a v3 binding module the file imported."""
        names = "|".join(map(re.escape, self.modules))
        starts = [a for a, _ in self.skips]
        for m in re.finditer(rf"(?<![\w$:])({names})\s*::(?!\s*\{{)", self.text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and self.skips[i][0] <= m.start() < self.skips[i][1]:
                continue
            hits.add(m.start(1), m.end(1), self.modules[m.group(1)])

    # --------------------------------------------------------------- binding paths
    def _binding_path(self, end: int, hits: Hits) -> None:
        text, s = self.text, self.s
        m = _CONNECTOR.match(text, end)
        if m is None:
            return
        after = m.end()
        in_use = re.search(r"\buse\b[^;{}]*(?:\{[^;]*)?$", text[max(0, after - 300):after]) is not None
        if text.startswith("{", after):
            close = _matching(text, after)
            for i_start, name, binding in _group_items(text, after + 1, close):
                if name in s.interfaces:
                    hits.add(i_start, i_start + len(name), s.interfaces[name], f"rapidbyte::connector::{name}")
                    if in_use and binding:
                        self.modules[binding] = s.interfaces[name]
            return
        ident = _IDENT.match(text, after)
        if ident is None or ident.group() not in s.interfaces:
            return
        name = ident.group()
        hits.add(ident.start(), ident.end(), s.interfaces[name], f"rapidbyte::connector::{name}")
        if in_use:
            rest = _ALIAS.match(text, ident.end())
            if rest is not None:
                self.modules[rest.group(1) or name] = s.interfaces[name]

    def _header_words(self, m: re.Match, hits: Hits) -> None:
        """Names in an item header (``impl From<ValidationResult> for HostTcpStream {``)."""
        for w in self.p.words.finditer(self.text, m.start() + 4, m.end() - 1):
            self._word(w.start(), w.end(), w.group(), hits)

    def _enum(self, m: re.Match, hits: Hits) -> None:
        """The definition of an SDK enum whose v3 variants are renamed (``enum CheckpointKind { Dest }``)."""
        owner = re.match(r"enum\s+(\w+)", m.group()).group(1)
        self.stack.append(("enum", owner))
        end = _matching(self.text, m.end() - 1)
        olds = "|".join(re.escape(old) for o, old in self.s.variants if o == owner)
        for v in re.finditer(rf"(?:^|[{{,])\s*(?:#\[[^\]]*\]\s*|//[^\n]*\n\s*)*({olds})\b", self.text[:end], re.M):
            if v.start(1) >= m.end():
                hits.add(v.start(1), v.end(1), self.s.variants[(owner, v.group(1))], f"{owner}::{v.group(1)}")

    def _mod(self, m: re.Match, hits: Hits) -> None:
        name = re.match(r"mod\s+([A-Za-z_]\w*)", m.group()).group(1)
        parent = self._label()
        binding = name in self.s.interfaces and parent[0] == "mod" and parent[1] == "connector"
        if binding:
            at = m.start() + m.group().index(name, 3)
            hits.add(at, at + len(name), self.s.interfaces[name], f"mod {name}")
        self.stack.append(("mod", name, binding and name == "host"))

    # --------------------------------------------------------------- strings and comments
    def _string(self, start: int, end: int, hits: Hits) -> None:
        text, p = self.text, self.p
        body_start = text.index('"', start) + 1
        body = text[body_start:end - 1]
        if "rapidbyte:connector" in body:
            for m in p.package.finditer(body):
                iface = (m.group(1) or "").lstrip("%")
                name = self.s.wit_interfaces.get(iface) if iface else None
                name = name if name is not None else self.s.package
                hits.add(body_start + m.start(), body_start + m.end(), name, m.group())
        # a WIT function name is a protocol string where a function is looked up by name (a linker's
        # `add_func("emit-batch", …)`, `get_func`, `get_export`); anywhere else it is a label (RB904)
        name = p.wit_strings.get(body) or p.linker_names.get(body)
        if name is not None and p.linker_call.search(text, max(0, start - 120), start):
            hits.add(start, end, name, f'"{body}"')

    def _comment(self, start: int, body: str, hits: Hits) -> None:
        """Code spans and fenced examples in a comment, scanned as Rust."""
        offset = 0
        in_fence = rust_fence = False
        for line in body.splitlines(keepends=True):
            prefix = _DOC.match(line).end()
            content = line[prefix:]
            fence = _FENCE.match(content)
            if fence is not None:
                in_fence = not in_fence
                rust_fence = in_fence and fence.group(1) in _RUST_FENCES
            elif in_fence:
                if rust_fence:
                    self._code(start + offset + prefix, content, hits)
            else:
                for span in _SPAN.finditer(content):
                    at = start + offset + prefix + span.start(1)
                    self._code(at, span.group(1), hits)
                    code = span.group(1)
                    for hit in scan_code(code, self.s).sorted():  # `rapidbyte:connector/host@3.0.0`, `emit-batch`
                        if hit.shown.isidentifier():
                            continue  # a Rust name: the scan as Rust above decides (the crate's own `fn`s, `$x`, `#x`)
                        hits.add(at + hit.start, at + hit.end, hit.name, hit.shown)
            offset += len(line)

    def _code(self, at: int, code: str, hits: Hits) -> None:
        """Code inside a raw string or a comment: hits go straight into ``hits`` (shifted)."""
        inner = RustScanner(self.s, code, root=self.root, parent=self)
        inner.modules = self.modules
        inner.scan(_Shifted(hits, at))


# ------------------------------------------------------------------- helpers


class _Shifted(Hits):
    """Hits of a text nested at ``at`` in another: added to the outer collection, shifted."""

    def __init__(self, outer: Hits, at: int):
        super().__init__(outer.offset + at)
        self.by_start = outer.by_start


def _innermost_open(text: str, at: int, limit: int = 400) -> str:
    """The unclosed bracket nearest before ``at`` (``(`` for a parameter, ``{`` for a field)."""
    depth = {")": 0, "]": 0, "}": 0}
    pairs = {"(": ")", "[": "]", "{": "}"}
    for i in range(at - 1, max(-1, at - limit), -1):
        c = text[i]
        if c in depth:
            depth[c] += 1
        elif c in pairs:
            if depth[pairs[c]]:
                depth[pairs[c]] -= 1
            else:
                return c
    return ""


def _block_end(text: str, start: int) -> int:
    depth, i, n = 0, start, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "/*":
            depth += 1
            i += 2
        elif two == "*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _matching(text: str, at: int) -> int:
    depth = 0
    for i in range(at, len(text)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _group_items(text: str, start: int, end: int):
    """(start, first identifier, the local module name it binds or None) of each top-level element
    of a use group: ``host`` and ``host as h`` and ``host::{self, ..}`` bind a module, ``host::X`` does not."""
    depth, item_start = 0, start
    for i in range(start, end + 1):
        c = text[i] if i < end else ","
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            chunk = text[item_start:i]
            m = re.match(r"\s*([A-Za-z_]\w*)", chunk)
            if m:
                name = m.group(1)
                plain = re.fullmatch(r"\s*\w+\s*(?:as\s+(\w+)\s*)?", chunk)
                self_group = re.match(r"\s*\w+\s*::\s*\{\s*self\b(?:\s+as\s+(\w+))?", chunk)
                binding = None
                if plain:
                    binding = plain.group(1) or name
                elif self_group:
                    binding = self_group.group(1) or name
                yield item_start + m.start(1), name, binding
            item_start = i + 1


def _strip_generics(header: str) -> str:
    out, depth = [], 0
    for c in header:
        if c == "<":
            depth += 1
        elif c == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def _last_ident(path: str) -> str:
    found = _IDENT.findall(path)
    return found[-1].lstrip("$#") if found else ""


def _impl_label(header: str) -> tuple:
    """("impl", trait, type) from ``impl<..> path::Trait<..> for path::Type<..> where .. {``."""
    body = _strip_generics(header[4:-1]).replace("->", " ")
    body = re.split(r"\bwhere\b", body)[0]
    parts = re.split(r"\bfor\b", body, maxsplit=1)
    if len(parts) == 2:
        trait_words = parts[0].split()
        type_words = [w for w in parts[1].split() if w not in ("dyn", "mut", "&")]
        return ("impl", _last_ident(trait_words[-1]) if trait_words else "",
                _last_ident(type_words[0]) if type_words else "")
    words = [w for w in body.split() if w not in ("unsafe",)]
    return ("impl", "", _last_ident(words[0]) if words else "")


def _protocol(label: tuple) -> bool:
    kind = label[0]
    if kind == "impl":
        return label[1] in _PROTOCOL_TRAITS or (not label[1] and label[2] in _PROTOCOL_TYPES)
    if kind == "trait":
        return label[1] in _PROTOCOL_TRAITS
    return False


def scan_rust(text: str, spellings: V3Spellings) -> Hits:
    return RustScanner(spellings, text).scan()

"""Consistent renaming of connector-local identifiers, so that no two corpus repositories are alike.

Only names a connector defines itself are renamed (Rust ``fn``/``struct``/
``enum``/``mod``/``const``/``static``/``trait``/``type`` items and module
files; Python ``def``/``class``, module-level assignments and module files),
and never a name that comes from outside the connector: anything spelled in
the SDK and runtime crates, the generated bindings, the canonical WIT packages,
the rule table or the adapters' own source, nor a language keyword or a
standard-library name. The rename is a whole-token substitution over every
text file of the repository (code, comments, strings, TOML, JSON, Markdown),
so a name keeps matching its uses, including the keys of a config file that
mirrors a config struct.

A renamed name keeps its protocol words and its style: ``PostgresSource``
becomes ``LedgerSource``, ``read_table`` becomes ``read_parcel``. Words that
hold a v3 token (``metrics``, ``HostSocket``'s ``Host``) are kept as they are,
so every repository needs the same migration and hits the same traps as its
template.
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import random
import re
import sys
from pathlib import Path

from . import words as wordlist

REPO = Path(__file__).resolve().parent.parent
IDENT = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*")
_KEBAB = re.compile(r"%?[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

RUST_KEYWORDS = set("""
as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut
pub ref return self Self static struct super trait true type union unsafe use where while abstract become box do final
macro override priv typeof unsized virtual yield try lib main build tests test bench
""".split())
# Standard-library names a connector might also define locally (trait methods, common methods).
RUST_STD = set("""
fmt from into try_from try_into next drop default clone eq ne partial_cmp cmp hash deref deref_mut as_ref as_mut
borrow borrow_mut read write flush poll index index_mut add sub mul div neg not to_string from_str len is_empty iter
iter_mut into_iter new with_capacity push pop insert remove get get_mut contains source description cause main
read_exact write_all read_to_end read_to_string as_str as_bytes to_owned to_vec unwrap expect map ok err and_then
or_else unwrap_or unwrap_or_default unwrap_or_else take replace split_once parse trim lines chars bytes collect
extend clear drain retain sort sort_by dedup first last min max sum count zip filter fold any all find position
Ok Err Some None Option Result Vec String Box Rc Arc Cell RefCell HashMap HashSet BTreeMap BTreeSet VecDeque
Duration Instant Display Debug Error Write Read Iterator Default Clone Copy PartialEq Eq PartialOrd Ord Hash From Into
Send Sync Sized Drop Fn FnMut FnOnce Future Pin Context Poll Waker io fmt std core alloc env fs net time thread sync
collections cell rc path process str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 bool char
""".split())


def _wit_words(text: str) -> set[str]:
    out: set[str] = set()
    for name in _KEBAB.findall(text):
        name = name.lstrip("%")
        parts = name.split("-")
        out.update(parts)
        out.add("_".join(parts))
        out.add("".join(p[:1].upper() + p[1:] for p in parts))
        out.add("_".join(parts).upper())
    return out


def _python_stdlib_names() -> set[str]:
    out = set(keyword.kwlist) | set(getattr(keyword, "softkwlist", [])) | set(dir(builtins))
    out |= set(sys.stdlib_module_names)
    for obj in (str, bytes, bytearray, dict, list, set, tuple, int, float, object, Exception, memoryview):
        out |= set(dir(obj))
    import importlib

    for name in ("json", "struct", "time", "hashlib", "hmac", "base64", "os", "io", "re", "math", "socket",
                 "collections", "dataclasses", "enum", "typing", "datetime", "decimal", "uuid", "zlib", "itertools",
                 "functools", "unicodedata", "string", "random", "operator", "codecs"):
        try:
            out |= set(dir(importlib.import_module(name)))
        except ImportError:  # pragma: no cover - every one is in the stdlib
            pass
    import io

    out |= set(dir(io.RawIOBase)) | set(dir(io.BufferedIOBase)) | set(dir(io.TextIOBase))
    return out


def _tokens(paths) -> set[str]:
    out: set[str] = set()
    for path in paths:
        try:
            out.update(IDENT.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return out


@functools.lru_cache(maxsize=1)
def protected_names() -> frozenset[str]:
    """Every name that comes from outside a connector; renaming one could change what the migration sees."""
    names: set[str] = set(RUST_KEYWORDS) | RUST_STD | _python_stdlib_names()
    td = REPO / "testdata"
    names |= _tokens((td / "rust" / "v3" / "crates").rglob("*.rs"))
    names |= _tokens((td / "rust" / "sdk-v4").rglob("*.rs"))
    names |= _tokens((td / "python" / "v3" / "transform-sql" / "wit_world").rglob("*.py"))
    names |= _tokens((REPO / "rules").glob("*.toml"))
    names |= _tokens((REPO / "rbmigrate" / "lang").rglob("*.py"))
    for version in ("v3", "v4"):
        for path in (REPO / "wit" / version).glob("*.wit"):
            text = path.read_text(encoding="utf-8")
            names |= _wit_words(text) | set(IDENT.findall(text))
    return frozenset(names)


@functools.lru_cache(maxsize=1)
def sticky_words() -> frozenset[str]:
    """Lower-case words kept inside renamed names: WIT protocol words and anything holding a v3 token."""
    out: set[str] = set()
    for version in ("v3", "v4"):
        for path in (REPO / "wit" / version).glob("*.wit"):
            for name in _KEBAB.findall(path.read_text(encoding="utf-8")):
                out.update(p for p in name.lstrip("%").split("-") if p)
    return frozenset(out | {"rapidbyte", "protocol", "version", "sdk", "wit", "world", "connector", "manifest"})


@functools.lru_cache(maxsize=1)
def v3_fragments() -> tuple[str, ...]:
    """Single-word v3 spellings (``host``, ``metric``, ``val``...): a word holding one is sticky, so
    renaming never changes which files the adapters' substring prefilters let through."""
    from rbmigrate.ruletable import default_table

    return tuple(sorted({w.lower() for w in default_table().v3_words if len(split_words(w)) == 1 and len(w) >= 3}))


# ------------------------------------------------------------------ words and styles

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def split_words(name: str) -> list[str]:
    out: list[str] = []
    for chunk in name.strip("_").split("_"):
        out.extend(_CAMEL.findall(chunk))
    return out


def style_of(name: str) -> str:
    core = name.strip("_")
    if core.isupper():
        return "screaming"
    if "_" in core or core.islower():
        return "snake"
    return "pascal" if core[:1].isupper() else "camel"


def build(words: list[str], style: str, lead: str) -> str:
    if style == "screaming":
        body = "_".join(w.upper() for w in words)
    elif style == "snake":
        body = "_".join(w.lower() for w in words)
    elif style == "pascal":
        body = "".join(w[:1].upper() + w[1:].lower() for w in words)
    else:
        body = words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    return lead + body


def is_sticky(word: str) -> bool:
    low = word.lower()
    return low in sticky_words() or low.isdigit() or any(frag in low for frag in v3_fragments())


# ------------------------------------------------------------------ definitions

_RUST_DEF = re.compile(r"\b(fn|struct|enum|mod|const|static|trait|type|union)\s+(?:mut\s+)?([A-Za-z_]\w*)")
_RUST_USE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+(?!crate::|self::|super::)[^;]*;", re.M | re.S)


def rust_definitions(files: dict[str, str]) -> tuple[set[str], set[str]]:
    """(names defined in the crate sources, names imported from outside it)."""
    defined: set[str] = set()
    outside: set[str] = set()
    for rel, text in files.items():
        if not rel.endswith(".rs"):
            continue
        for kind, name in _RUST_DEF.findall(text):
            if kind == "mod" or "_" in name.strip("_") or not name.islower():
                defined.add(name)
        for block in _RUST_USE.findall(text):
            outside.update(IDENT.findall(block))
        stem = Path(rel).stem
        if "/src/" in f"/{rel}" and stem not in ("lib", "main", "mod", "build"):
            defined.add(stem)
    return defined, outside


def python_definitions(files: dict[str, str]) -> tuple[set[str], set[str]]:
    """(names defined in the connector's modules, names imported from modules outside it)."""
    local_modules = {Path(rel).stem for rel in files if rel.endswith(".py")}
    defined: set[str] = set()
    outside: set[str] = set()
    for rel, text in files.items():
        if not rel.endswith(".py"):
            continue
        tree = ast.parse(text)
        stem = Path(rel).stem
        if stem not in ("app", "__init__"):
            defined.add(stem)
        local_classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
        for node in tree.body:
            targets = []
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            defined.update(targets)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defined.add(node.name)
            elif isinstance(node, ast.ClassDef):
                defined.add(node.name)
                external = [b for b in node.bases if not (isinstance(b, ast.Name) and b.id in local_classes)]
                if external and not all(isinstance(b, ast.Name) and b.id in ("Exception", "object") for b in external):
                    # methods of a class implementing someone else's interface keep their names
                    outside.update(m.name for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] not in local_modules:
                outside.update(a.asname or a.name for a in node.names)
    # a single lower-case word (``connect``, ``query``) is renamed only when private or a module
    keep = {n for n in defined if n in local_modules or n.startswith("_") or "_" in n.strip("_") or not n.islower()}
    return keep, outside


# ------------------------------------------------------------------ the renamer


class Renamer:
    """A per-repository word map and the identifier map built from it."""

    enabled = True  # False builds the unrenamed control copies of bench/check_corpus.py

    def __init__(self, rng: random.Random, reserved: set[str] | None = None):
        self.rng = rng
        self.word_map: dict[str, str] = {}
        self.used_words: set[str] = set()
        self.names: dict[str, str] = {}
        self.reserved = set(reserved or ())
        self._pool = [w for w in wordlist.NOUNS + wordlist.VERBS if not is_sticky(w)]

    def word(self, old: str) -> str:
        low = old.lower()
        if is_sticky(low) or (len(low) < 2):
            return low
        if low not in self.word_map:
            for _ in range(50):
                new = self.rng.choice(self._pool)
                if new not in self.used_words and new != low:
                    break
            else:  # pragma: no cover - the pool is far larger than any connector's vocabulary
                new = self.rng.choice(self._pool) + str(len(self.word_map))
            self.word_map[low] = new
            self.used_words.add(new)
        return self.word_map[low]

    def rename(self, name: str, existing: set[str]) -> str | None:
        """The new spelling of ``name``, or None when it must stay (protected or all its words are sticky)."""
        if name in self.names:
            return self.names[name]
        if not self.enabled:
            return None
        if name in protected_names() or name in self.reserved or name.startswith("__"):
            return None
        words = split_words(name)
        if not words:
            return None
        lead = name[: len(name) - len(name.lstrip("_"))]
        style = style_of(name)
        new_words = [self.word(w) for w in words]
        if [w.lower() for w in words] == new_words:
            return None
        new = build(new_words, style, lead)
        attempt = 0
        while new in existing or new in protected_names() or new in self.names.values():
            attempt += 1
            new = build(new_words + [self.rng.choice(self._pool)], style, lead) if attempt < 20 else f"{new}{attempt}"
        self.names[name] = new
        return new

    def plan(self, defined: set[str], outside: set[str], existing: set[str]) -> dict[str, str]:
        for name in sorted(defined - outside):
            self.rename(name, existing)
        return dict(self.names)


def substitute(text: str, mapping: dict[str, str]) -> str:
    """Replace every whole identifier token found in ``mapping``."""
    if not mapping:
        return text
    return IDENT.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)

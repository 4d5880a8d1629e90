"""TOML and JSON strings, and code of no known language (Markdown spans, untagged fences).

TOML and JSON: only strings are looked at, with the key they are the value of:
``protocol_version = "3"`` (RB601), a ``rapidbyte-sdk`` requirement on major 3
(RB602), ``version = "3.0.0"`` beside ``package = "rapidbyte:connector"`` in
``[package.metadata.component…]`` (RB603), a package string
``"rapidbyte:connector/host@3.0.0"``, and a string that is a whole protocol
name (a binding module path ``"wit_world.imports.host"``, a WIT name
``"emit-batch"``).

Code of no known language: distinctive spellings only, as whole tokens
(``ctx.emit_batch()``, ``ValidationResult``, ``rapidbyte::connector::host``,
``wit_world.imports.types``, ``CheckpointKind::Dest``, ``call_run_read``);
plain words need a language to know their position, so they are not looked at.
"""

from __future__ import annotations

import functools
import re

from .hits import Hits
from .spellings import V3Name, V3Spellings

_PACKAGE = re.compile(r"rapidbyte:connector(?:/(%?[a-z][a-z0-9-]*))?@3\.0\.0")
_SDK_V3 = re.compile(r"\s*(?:[\^~=]|>=)?\s*3(?:\.\d+){0,2}(?:\.\*)?\s*")


def _package_name(value_match: re.Match, s: V3Spellings) -> V3Name:
    iface = (value_match.group(1) or "").lstrip("%")
    name = s.wit_interfaces.get(iface) if iface else None
    return name if name is not None else s.package  # the interface's rule (every v3 interface is renamed)


def _whole(value: str, s: V3Spellings) -> V3Name | None:
    modules = _modules(s)
    if value in modules:
        return modules[value]
    if "-" in value and value in s.wit_names:
        return s.wit_names[value]
    return None


@functools.lru_cache(maxsize=4)
def _modules(s: V3Spellings) -> dict[str, V3Name]:
    return s.python_modules()


# ----------------------------------------------------------------------- TOML

_TOML = re.compile(
    r'(?P<comment>\#[^\n]*)'
    r'|(?P<mlb>"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2}))'
    r"|(?P<mll>'''(?:[^']|'(?!''))*'''(?:'{0,2}))"
    r'|(?P<basic>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<literal>'[^'\n]*')"
    r"|(?P<header>^[ \t]*\[\[?[^\]\n]*\]\]?)"
    r"|(?P<bare>[A-Za-z0-9_-]+)"
    r"|(?P<punct>[=.{}\[\],\n])",
    re.M | re.S,
)


def _toml_string(raw: str) -> str:
    if raw.startswith(('"""', "'''")):
        body = raw[3:-3]
    else:
        body = raw[1:-1]
    return body if raw.startswith("'") else body.replace('\\"', '"').replace("\\\\", "\\")


def scan_toml(text: str, s: V3Spellings) -> Hits:
    hits = Hits()
    table: list[str] = []
    key: list[str] = []  # the dotted key being read on this line
    prefixes: list[list[str]] = []  # key paths of open inline tables
    expecting_key = True
    tables: dict[tuple, dict[str, tuple[str, int, int]]] = {}  # table → key → (value, start, end)
    for m in _TOML.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind == "comment":
            continue
        if kind == "header":
            name = tok.strip().strip("[]")
            table = [part.strip().strip("\"'") for part in name.split(".")]
            key, prefixes, expecting_key = [], [], True
            continue
        if kind == "punct":
            if tok == "\n":
                if not prefixes:
                    key, expecting_key = [], True
            elif tok == "=":
                expecting_key = False
            elif tok == "{":
                prefixes.append(key)
                key, expecting_key = [], True
            elif tok == "}":
                key = prefixes.pop() if prefixes else []
                expecting_key = False
            elif tok == "," and prefixes:
                key, expecting_key = [], True
            continue
        if expecting_key:
            key = key + [tok.strip("\"'") if kind != "bare" else tok]
            continue
        if kind == "bare":
            value, start, end = tok, m.start(), m.end()
        else:
            value, start, end = _toml_string(tok), m.start(), m.end()
        path = tuple(table + [k for p in prefixes for k in p] + key)
        tables.setdefault(path[:-1], {})[path[-1] if path else ""] = (value, start, end)
        _toml_value(path, value, kind != "bare", start, end, tok, hits, s)
    for path, keys in tables.items():
        # `rapidbyte-sdk = { version = "3.2" }`, `[dependencies.rapidbyte-sdk]`: a registry requirement
        if path and path[-1] == "rapidbyte-sdk" and not {"path", "git", "workspace"} & keys.keys():
            version = keys.get("version")
            if version is not None and _SDK_V3.fullmatch(version[0]):
                hits.add(version[1], version[2], s.sdk_requirement, f"rapidbyte-sdk version {text[version[1]:version[2]]}")
        # [package.metadata.component(.target)]: version = "3.0.0" beside package = "rapidbyte:connector"
        if "component" not in path or "metadata" not in path:
            continue
        package = keys.get("package", ("",))[0]
        version = keys.get("version")
        if package.startswith("rapidbyte:connector") and version is not None and version[0] == "3.0.0":
            hits.add(version[1], version[2], s.component_target, text[version[1]:version[2]])
    return hits


def _toml_value(path: tuple, value: str, quoted: bool, start: int, end: int, raw: str, hits: Hits,
                s: V3Spellings) -> None:
    last = path[-1] if path else ""
    if last == "protocol_version" and value in ("2", "3"):
        hits.add(start, end, s.protocol_version, raw)
        return
    if quoted and last == "rapidbyte-sdk" and _SDK_V3.fullmatch(value):
        hits.add(start, end, s.sdk_requirement, f"rapidbyte-sdk = {raw}")
        return
    if not quoted:
        return
    if "rapidbyte:connector" in value:
        for m in _PACKAGE.finditer(raw):
            name = s.component_target if "component" in path and "metadata" in path else _package_name(m, s)
            hits.add(start + m.start(), start + m.end(), name, m.group())
        return
    name = _whole(value, s)
    if name is not None:
        hits.add(start, end, name, raw)


# ----------------------------------------------------------------------- JSON

_JSON = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_VERSION = re.compile(r'"protocol_version"\s*:\s*(?:"([23])"|([23])(?![\d.eE]))')


def scan_json(text: str, s: V3Spellings) -> Hits:
    hits = Hits()
    for m in _JSON_VERSION.finditer(text):
        g = 1 if m.group(1) is not None else 2
        start = m.start(g) - (1 if g == 1 else 0)
        end = m.end(g) + (1 if g == 1 else 0)
        hits.add(start, end, s.protocol_version, text[start:end])
    if "rapidbyte:connector" in text:
        for m in _PACKAGE.finditer(text):
            hits.add(m.start(), m.end(), _package_name(m, s), m.group())
    for m in _JSON.finditer(text):
        body = m.group()[1:-1]
        if "\\" in body or len(body) > 80:
            continue
        name = _whole(body, s)
        if name is not None:
            hits.add(m.start(), m.end(), name, m.group())
    return hits


# ----------------------------------------------------------------------- code of no known language


class _Generic:
    def __init__(self, s: V3Spellings):
        names: dict[str, V3Name] = {}
        names.update(s.methods)
        names.update(s.always)
        names.update(s.types)
        names.update(s.export_classes)
        names.update({k: v for k, v in s.wit_names.items() if "-" in k})
        for (owner, old), v in s.variants.items():
            names[f"{owner}::{old}"] = v
        for iface, v in s.interfaces.items():
            names[f"rapidbyte::connector::{iface}"] = v
        names.update(s.python_modules())
        for name, v in s.plain_methods.items():
            names[f"Context::{name}"] = v
        self.names = names
        alternation = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        self.rx = re.compile(rf"(?<![\w$-])(?:{alternation})(?![\w-])")


@functools.lru_cache(maxsize=4)
def _generic(s: V3Spellings) -> _Generic:
    return _Generic(s)


def scan_code(text: str, s: V3Spellings) -> Hits:
    """Distinctive spellings as whole tokens in code of no known language."""
    g = _generic(s)
    hits = Hits()
    for m in _PACKAGE.finditer(text):
        hits.add(m.start(), m.end(), _package_name(m, s), m.group())
    for m in g.rx.finditer(text):
        word = m.group()
        if m.start() and text[m.start() - 1] == "." and word.startswith("wit_world"):
            continue
        hits.add(m.start(), m.end(), g.names[word], word)
    return hits

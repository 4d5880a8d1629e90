"""The Cargo workspace a crate belongs to, and which of its crates define the protocol.

Units are crates, but protocol names cross crates: a platform repository defines
``ValidationResult`` in a types crate, re-exports it from the SDK and uses it in
the runtime and the engine. Renames must move definitions and uses in lockstep,
so every crate of the workspace resolves paths through the *protocol crates*:

- the SDK (package ``rapidbyte-sdk``);
- every workspace crate the SDK depends on (directly or not) that defines a v3
  protocol item a rule renames (a type such as ``ValidationResult`` or the owner
  enum of a renamed variant such as ``StateScope``).

Their items are the SDK's items (``Target("sdk")``): a definition there is
renamed like the SDK's own, and ``rapidbyte_types::ValidationResult`` in any
crate of the workspace is the same item as ``rapidbyte_sdk::ValidationResult``.
The workspace is read from disk once per process (cached on the manifests'
modification times); it depends only on the original files, so every unit of a
run sees the same answer.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ...inputs import depends_on
from ...skipdirs import SKIP_DIRS

SDK_PACKAGE = "rapidbyte-sdk"
_MAX_UP = 6


@dataclass(frozen=True)
class Crate:
    package: str  # `rapidbyte-types`
    ident: str  # `rapidbyte_types`: how other crates name it in paths
    root: Path
    deps: tuple[str, ...] = ()  # package names of its dependencies


@dataclass
class Workspace:
    root: Path | None  # the workspace root, None for a crate on its own
    crates: dict[str, Crate] = field(default_factory=dict)  # package -> crate
    protocol: frozenset[str] = frozenset()  # crate idents whose items are the protocol's
    scanned: tuple[Path, ...] = ()  # crates whose sources decided `protocol` (declared as inputs on each load)

    def crate_of(self, path: Path) -> Crate | None:
        path = Path(path).resolve()
        best = None
        for crate in self.crates.values():
            if path == crate.root or crate.root in path.parents:
                if best is None or len(crate.root.parts) > len(best.root.parts):
                    best = crate
        return best

    def is_protocol(self, crate_root: Path) -> bool:
        crate = self.crate_of(crate_root)
        return crate is not None and crate.ident in self.protocol


def _read_toml(path: Path) -> dict:
    depends_on(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _crate(root: Path) -> Crate | None:
    data = _read_toml(root / "Cargo.toml")
    package = data.get("package")
    if not isinstance(package, dict) or not isinstance(package.get("name"), str):
        return None
    name = package["name"]
    lib = data.get("lib")
    ident = lib.get("name") if isinstance(lib, dict) and isinstance(lib.get("name"), str) else name.replace("-", "_")
    deps: list[str] = []
    for table in ("dependencies", "dev-dependencies", "build-dependencies"):
        section = data.get(table)
        if isinstance(section, dict):
            for key, spec in section.items():
                deps.append(spec.get("package", key) if isinstance(spec, dict) else key)
    return Crate(name, ident, root.resolve(), tuple(deps))


def find_root(crate_root: Path) -> Path | None:
    """The nearest folder at or above ``crate_root`` whose Cargo.toml has a ``[workspace]`` listing it."""
    folder = Path(crate_root).resolve()
    for _ in range(_MAX_UP):
        manifest = folder / "Cargo.toml"
        depends_on(manifest)
        if manifest.is_file() and "workspace" in _read_toml(manifest):
            return folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def _members(root: Path) -> list[Path]:
    ws = _read_toml(root / "Cargo.toml").get("workspace", {})
    members = ws.get("members", []) if isinstance(ws, dict) else []
    excluded = {(root / e).resolve() for e in ws.get("exclude", [])} if isinstance(ws, dict) else set()
    out: list[Path] = []
    for pattern in members if isinstance(members, list) else []:
        literal = Path(*[part for part in Path(pattern).parts if not glob.has_magic(part)][:1] or ["."])
        depends_on(root / literal)  # its listing (a member added or removed)
        for match in sorted(glob.glob(str(root / pattern))):
            path = Path(match).resolve()
            if path not in excluded and (path / "Cargo.toml").is_file() and path not in out:
                out.append(path)
    if (root / "Cargo.toml").is_file() and "package" in _read_toml(root / "Cargo.toml"):
        out.append(root.resolve())
    return out


def _sources(root: Path):
    """The crate's ``src/**/*.rs`` (each declared as an input, with every folder listed)."""
    src = root / "src"
    depends_on(src)
    for path in sorted(src.rglob("*.rs")) if src.is_dir() else ():
        if not SKIP_DIRS & set(path.relative_to(root).parts):
            depends_on(path, path.parent)
            yield path


def _defines(root: Path, names: frozenset[str]) -> bool:
    """Does the crate define (struct, enum, type, trait) one of ``names``?"""
    if not names:
        return False
    pattern = re.compile(rb"\b(?:struct|enum|type|trait|union)\s+(?:" + b"|".join(
        re.escape(n.encode()) for n in sorted(names)) + rb")\b")
    for path in _sources(root):
        try:
            if pattern.search(path.read_bytes()):
                return True
        except OSError:
            continue
    return False


def _stamp(root: Path) -> tuple:
    manifests = [root / "Cargo.toml", *(p / "Cargo.toml" for p in _members(root))]
    depends_on(*manifests)
    out = []
    for m in manifests:
        try:
            out.append((str(m), m.stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


def load(crate_root: Path, protocol_names: frozenset[str]) -> Workspace:
    """The workspace of the crate at ``crate_root`` (``protocol_names``: the v3 item names a rule renames)."""
    root = find_root(crate_root)
    if root is None:
        crate = _crate(Path(crate_root))
        crates = {crate.package: crate} if crate is not None else {}
        return _protocol(Workspace(None, crates), protocol_names)
    ws = _load(root, _stamp(root), protocol_names)
    for scanned in ws.scanned:  # (read once per process: declared on every load)
        for _ in _sources(scanned):
            pass
    return ws


@functools.lru_cache(maxsize=16)
def _load(root: Path, stamp: tuple, protocol_names: frozenset[str]) -> Workspace:
    crates = {}
    for member in _members(root):
        crate = _crate(member)
        if crate is not None:
            crates[crate.package] = crate
    return _protocol(Workspace(root, crates), protocol_names)


def _protocol(ws: Workspace, names: frozenset[str]) -> Workspace:
    sdk = ws.crates.get(SDK_PACKAGE)
    protocol: set[str] = set()
    scanned: list[Path] = []
    if sdk is not None:
        protocol.add(sdk.ident)
        seen: set[str] = set()
        todo = list(sdk.deps)
        while todo:
            package = todo.pop()
            if package in seen or package not in ws.crates:
                continue
            seen.add(package)
            crate = ws.crates[package]
            todo.extend(crate.deps)
            scanned.append(crate.root)
            if _defines(crate.root, names):
                protocol.add(crate.ident)
    ws.protocol = frozenset(protocol)
    ws.scanned = tuple(scanned)
    return ws


# ----------------------------------------------------------------- where items live

_ITEM = re.compile(rb"^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?(?:struct|enum|type|trait|union|fn|const|static|mod)[ \t]+"
                   rb"([A-Za-z_][A-Za-z0-9_]*)", re.M)
_PUB_USE = re.compile(rb"^[ \t]*pub[ \t]+use[ \t]+([^;]+);", re.M)


def _module_of(root: Path, path: Path) -> tuple[str, ...] | None:
    parts = path.relative_to(root / "src").parts
    stem = parts[-1][:-3]
    if len(parts) == 1 and stem in ("lib", "main"):
        return ()
    return tuple(parts[:-1]) if stem == "mod" else tuple(parts[:-1]) + (stem,)


@functools.lru_cache(maxsize=64)
def _items(root: Path, stamp: tuple) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for path in _sources(root):
        module = _module_of(root, path)
        if module is None:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for m in _ITEM.finditer(data):
            out.setdefault(m.group(1).decode(), []).append(module)
        for m in _PUB_USE.finditer(data):
            for name in re.findall(rb"([A-Za-z_][A-Za-z0-9_]*)\s*(?:[,}]|$)", m.group(1).strip()):
                out.setdefault(name.decode(), []).append(module)
    return {name: tuple(sorted(set(mods), key=lambda m: (len(m), m))) for name, mods in out.items()}


def _source_stamp(*roots: Path) -> tuple[tuple[str, int], ...]:
    """(path, mtime) of the crates' sources: the key of what is read from them (a file gone since it was
    listed is left out)."""
    out = []
    for root in roots:
        for path in _sources(root):
            try:
                out.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                continue
    return tuple(out)


def home(crate_root: Path, name: str) -> tuple[str, ...] | None:
    """The module path (inside the crate) where ``name`` is defined or re-exported, nearest the root first."""
    root = Path(crate_root).resolve()
    found = _items(root, _source_stamp(root)).get(name)
    return found[0] if found else None


_STRUCT_BODY = re.compile(rb"\bstruct[ \t]+[A-Za-z_]\w*[ \t]*(?:<[^>{;]*>)?[^{;]*\{([^}]*)\}")
_FIELD_DECL = re.compile(rb"^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?([A-Za-z_]\w*)[ \t]*:(?!:)", re.M)
_BINDING_TREE = re.compile(rb"^(?:pub[ \t]+)?mod[ \t]+(?:rapidbyte|exports)\b", re.M)


@functools.lru_cache(maxsize=64)
def _fields(root: Path, stamp: tuple) -> frozenset[str]:
    out: set[str] = set()
    for path in _sources(root):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if b"struct" not in data or _BINDING_TREE.search(data):
            continue  # a checked-in binding tree: its records are the WIT's (RB001)
        for body in _STRUCT_BODY.finditer(data):
            out.update(m.group(1).decode() for m in _FIELD_DECL.finditer(body.group(1)))
    return frozenset(out)


def own_fields(crate_root: Path, protocol_names: frozenset[str]) -> frozenset[str]:
    """Field names the crate's and the workspace's protocol crates declare on their own structs (binding
    trees aside): ``ConnectorError.details_json`` of a types crate is the SDK's field, not the WIT's."""
    root = Path(crate_root).resolve()
    ws = load(root, protocol_names)
    roots = {root} | {c.root for c in ws.crates.values() if c.ident in ws.protocol}
    out: set[str] = set()
    for r in sorted(roots):
        out |= _fields(r, _source_stamp(r))
    return frozenset(out)


# ----------------------------------------------------------------- the guest's state store

_GUEST_IMPL = re.compile(rb"\bimpl\b[^{;]*\bGuest[ \t]+for\b[^{;]*\{")
_USE_ALIAS = re.compile(rb"\buse\s+((?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)\s+as\s+([A-Za-z_]\w*)\s*;")
_USE_NAME = re.compile(rb"\buse\s+((?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*::([A-Za-z_]\w*))\s*;")
_STATIC = re.compile(rb"\bstatic\s+(?:mut\s+)?(#?[A-Za-z_]\w*)\s*:")
_PATH = rb"((?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)"
_STATE_CALL = re.compile(_PATH + rb"::([a-z_]\w*)\s*\(\s*&\s*(?:mut\s+)?(#?[A-Za-z_]\w*)\s*[,)]")
_CTOR = re.compile(_PATH + rb"::([A-Z]\w*)::([a-z_]\w*)\s*\(")
_EXPORT_FN = re.compile(rb"\bfn\s+([a-z_]\w*)\s*\(")


@dataclass(frozen=True)
class StateUse:
    """A guest export hands a static state slot to ``name`` of another module (or builds the state with it)."""

    export: str  # the export function (`open`)
    where: str  # `crates/rapidbyte-sdk-macros/src/glue.rs:67`


def _closing(data: bytes, start: int) -> int:
    """The offset just past the brace matching the one before ``start``."""
    depth = 1
    for i in range(start, len(data)):
        c = data[i]
        if c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(data)


def _resolve(path: bytes, aliases: dict[bytes, bytes]) -> tuple[str, ...]:
    segs = path.lstrip(b":").split(b"::")
    if segs[0] in aliases:
        segs = aliases[segs[0]].lstrip(b":").split(b"::") + segs[1:]
    return tuple(s.decode() for s in segs)


@functools.lru_cache(maxsize=16)
def _state_uses(root: Path, stamp: tuple) -> dict[tuple[str, ...], dict[str, tuple[StateUse, ...]]]:
    """(crate ident, *module) → {item: its uses}: the functions every guest export glue of the workspace hands
    its static state slot to (``rt::with_state(&#slot, …)``, in ``quote!`` bodies too), and the type (and
    constructor) of the state it installs. In v3 one component instance keeps one opened connector; in v4
    ``open`` returns a session that every later call names, so that store must be keyed by session."""
    out: dict[tuple[str, ...], dict[str, list[StateUse]]] = {}
    for path, data in _read_stamped(stamp):
        if b"Guest" not in data or b"static" not in data:
            continue
        statics = {m.group(1) for m in _STATIC.finditer(data)}
        aliases = {m.group(2): m.group(1) for m in _USE_ALIAS.finditer(data)}
        aliases.update({m.group(2): m.group(1) for m in _USE_NAME.finditer(data)})
        for impl in _GUEST_IMPL.finditer(data):
            start, end = impl.end(), _closing(data, impl.end())
            body = data[start:end]
            for call in _STATE_CALL.finditer(body):
                if call.group(3) not in statics:
                    continue
                fns = list(_EXPORT_FN.finditer(body, 0, call.start()))
                if not fns:
                    continue
                signature = body[fns[-1].start():body.find(b"{", fns[-1].end())]
                if b"ession" in signature:  # a v4 export: it takes (or `open` returns) the session already
                    continue
                export = fns[-1].group(1).decode()
                line = data.count(b"\n", 0, start + call.start()) + 1
                where = f"{Path(os.path.relpath(path, root)).as_posix()}:{line}"
                segs = _resolve(call.group(1), aliases)
                out.setdefault(segs, {}).setdefault(call.group(2).decode(), []).append(StateUse(export, where))
                statement_end = body.find(b";", call.end())
                for ctor in _CTOR.finditer(body, call.end(), statement_end if statement_end >= 0 else len(body)):
                    owner = _resolve(ctor.group(1), aliases)
                    kind = ctor.group(2).decode()
                    for item in (kind, f"{kind}::{ctor.group(3).decode()}"):  # the type and its constructor
                        out.setdefault(owner, {}).setdefault(item, []).append(StateUse(export, where))
    return {mod: {name: tuple(dict.fromkeys(uses)) for name, uses in items.items()} for mod, items in out.items()}


def _read_stamped(stamp: tuple):
    for name, _mtime in stamp:
        path = Path(name)
        try:
            yield path, path.read_bytes()
        except OSError:
            continue


def state_uses(crate_root: Path, protocol_names: frozenset[str]) -> dict[tuple[str, ...], dict[str, tuple[StateUse, ...]]]:
    """module → {item: its uses}: what the workspace's guest glue keeps in the items of the crate at
    ``crate_root``, a protocol crate (read once per unit; every source of the workspace is an input of it).
    Any other crate has none: the glue keeps its state in the SDK."""
    root = Path(crate_root).resolve()
    ws = load(root, protocol_names)
    crate = ws.crate_of(root)
    if ws.root is None or crate is None or crate.ident not in ws.protocol:
        return {}
    stamp = _source_stamp(*(c.root for c in sorted(ws.crates.values(), key=lambda c: c.package)))
    found = _state_uses(Path(ws.root).resolve(), stamp)
    return {mod[1:]: items for mod, items in found.items() if mod[:1] == (crate.ident,)}

"""Find the connectors under the paths given to `verify`, and what each one targets.

A Python connector is a folder with `manifest.json` (`id`, `role`, `protocol_version`) and `app.py`.
A Rust connector is a Cargo crate (`Cargo.toml` with `[package]`) whose role comes from its
build script (`ManifestBuilder::source(..)`) or its `#[connector(role)]` attribute, and whose
protocol from `[package.metadata.component] target = "...@4.0.0"`, else the build script's
`.protocol_version("4")`, else the SDK dependency's major version.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..skipdirs import hidden_or_skipped

ROLES = ("source", "transform", "destination")
V3_PROTOCOLS = {"2", "3"}
# Besides the folders never looked into (and every dot-folder): a WIT package and its deps/ hold no connector.
_ALSO_SKIP = frozenset({"wit", "deps"})
_ROLE_RE = re.compile(r"ManifestBuilder::(source|destination|transform)\s*\(\s*\"([^\"]+)\"")
_ATTR_RE = re.compile(r"#\[\s*(?:rapidbyte_sdk::)?connector\s*\(\s*(source|destination|transform)\s*\)\s*\]")
_PROTO_RE = re.compile(r"\.protocol_version\(\s*\"(\d+)\"\s*\)")
_TARGET_RE = re.compile(r"rapidbyte:connector/rapidbyte-(source|destination|transform)@(\d+)\.\d+\.\d+")


class ConnectorError(ValueError):
    """A folder that looks like a connector but cannot be verified as one (bad manifest, ...)."""


@dataclass
class Connector:
    root: Path  # absolute
    language: str  # python | rust
    role: str  # source | transform | destination
    protocol: int  # 3 or 4 (what the connector says it targets)
    id: str = ""
    name: str = ""  # folder name / crate name
    manifest: dict = field(default_factory=dict)
    found_under: Path | None = None  # the path given to verify under which it was found

    @property
    def world(self) -> str:
        return f"rapidbyte-{self.role}"


def _protocol(value: object) -> int:
    text = str(value).strip()
    if text in V3_PROTOCOLS:
        return 3
    if text == "4":
        return 4
    raise ConnectorError(f"unknown protocol_version {value!r} (expected \"2\", \"3\" or \"4\")")


def python_connector(root: Path) -> Connector:
    root = root.resolve()
    path = root / "manifest.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConnectorError(f"{path}: cannot read the manifest: {exc}") from None
    if not isinstance(doc, dict):
        raise ConnectorError(f"{path}: the manifest must be a JSON object")
    role = doc.get("role")
    if role not in ROLES:
        raise ConnectorError(f"{path}: role must be one of {', '.join(ROLES)}, not {role!r}")
    if "protocol_version" not in doc:
        raise ConnectorError(f"{path}: no protocol_version")
    return Connector(root=root, language="python", role=role, protocol=_protocol(doc["protocol_version"]),
                     id=str(doc.get("id") or root.name), name=root.name, manifest=doc)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def rust_connector(root: Path) -> Connector:
    import tomllib

    root = root.resolve()
    try:
        cargo = tomllib.loads(_read(root / "Cargo.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise ConnectorError(f"{root / 'Cargo.toml'}: {exc}") from None
    package = cargo.get("package") or {}
    name = str(package.get("name") or root.name)
    if "rapidbyte-sdk" not in (cargo.get("dependencies") or {}):
        raise ConnectorError(f"{root}: not a connector crate (it does not depend on rapidbyte-sdk)")
    build_rs = _read(root / "build.rs")
    sources = "\n".join(_read(p) for p in sorted((root / "src").rglob("*.rs"))) if (root / "src").is_dir() else ""
    role = cid = None
    target = ((package.get("metadata") or {}).get("component") or {}).get("target", "")
    m = _TARGET_RE.search(str(target))
    protocol = None
    if m:
        role, protocol = m.group(1), (4 if m.group(2) == "4" else 3)
    m = _ROLE_RE.search(build_rs)
    if m:
        role = role or m.group(1)
        cid = m.group(2)
    if role is None:
        m = _ATTR_RE.search(sources)
        if m:
            role = m.group(1)
    if role is None:
        raise ConnectorError(f"{root}: not a connector crate, or its role is unknown (no ManifestBuilder role, #[connector(..)] or "
                             "[package.metadata.component] target)")
    if protocol is None:
        m = _PROTO_RE.search(build_rs)
        if m:
            protocol = _protocol(m.group(1))
    if protocol is None:
        dep = (cargo.get("dependencies") or {}).get("rapidbyte-sdk")
        version = dep.get("version") if isinstance(dep, dict) else dep
        if isinstance(version, str) and version.strip().lstrip("^=~").startswith("4"):
            protocol = 4
    return Connector(root=root, language="rust", role=role, protocol=protocol or 3, id=cid or name, name=name,
                     manifest={"package": package, "dependencies": cargo.get("dependencies") or {}})


def is_python_connector(folder: Path) -> bool:
    return (folder / "manifest.json").is_file() and (folder / "app.py").is_file()


def is_rust_crate(folder: Path) -> bool:
    return (folder / "Cargo.toml").is_file() and "[package]" in _read(folder / "Cargo.toml")


def find_connectors(paths: list[Path]) -> tuple[list[Connector], list[tuple[str, str]]]:
    """Every connector under `paths` (a path may be a connector itself). Returns (connectors, problems):
    problems are (path, message) for folders that look like connectors but are not usable."""
    found: dict[Path, Connector] = {}
    problems: list[tuple[str, str]] = []

    def consider(folder: Path) -> bool:
        try:
            if is_python_connector(folder):
                c = python_connector(folder)
            elif is_rust_crate(folder):
                try:
                    c = rust_connector(folder)
                except ConnectorError as exc:
                    if "does not depend on rapidbyte-sdk" in str(exc):
                        return True  # an SDK or runtime crate: not ours to verify, but do not descend
                    raise
            else:
                return False
        except ConnectorError as exc:
            problems.append((str(folder), str(exc)))
            return True
        c.found_under = current[0]
        found.setdefault(c.root, c)
        return True

    current: list[Path] = [Path.cwd()]
    for top in paths:
        top = Path(top).resolve()
        if top.is_file():
            top = top.parent
        current[0] = top
        if consider(top):
            continue
        for dirpath, dirnames, _ in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not hidden_or_skipped(d, _ALSO_SKIP))
            here = Path(dirpath)
            if here != top and consider(here):
                dirnames[:] = []
    return [found[k] for k in sorted(found)], problems

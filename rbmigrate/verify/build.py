"""Build a connector for the WIT version it targets.

Python: componentize-py (`rbmigrate.hosts.build_python_component`, cached by content hash), world
`rapidbyte-<role>` from the manifest, WIT from the connector's vendored `wit/` if it has one, else the
canonical `wit/v3` or `wit/v4` by the manifest's protocol_version.

Rust: `cargo check` against the SDK the crate depends on (with `sdk_dir`, the SDK crates are replaced by
the ones in that folder, in a scratch workspace: the codemod does not upgrade the SDK). A wasm component
is built only when the `wasm32-wasip2` target is installed; otherwise the result says so ("not
available"), never success.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .connectors import Connector

WASM_TARGET = "wasm32-wasip2"


@dataclass
class BuildOutcome:
    status: str  # passed | failed | not-available
    seconds: float = 0.0
    wasm: Path | None = None  # the component, when one was built
    message: str = ""
    details: list[str] = field(default_factory=list)
    wit_dir: Path | None = None
    cached: bool = False


def wit_package_version(wit_dir: Path) -> str | None:
    """The version of the `rapidbyte:connector` package declared in a WIT folder (top level only)."""
    for f in sorted(Path(wit_dir).glob("*.wit")):
        m = re.search(r"^\s*package\s+rapidbyte:connector@(\d+)\.\d+\.\d+\s*;", f.read_text(errors="replace"), re.M)
        if m:
            return m.group(1)
    return None


def python_wit_dir(conn: Connector) -> Path:
    from ..resources import wit_dir

    vendored = conn.root / "wit"
    if vendored.is_dir() and any(vendored.glob("*.wit")):
        return vendored
    return wit_dir(f"v{conn.protocol}")


def build_python(conn: Connector, cache_dir: Path) -> BuildOutcome:
    from ..hosts import BuildError, build_python_component
    from ..hosts.build import build_key

    t0 = time.monotonic()
    wit = python_wit_dir(conn)
    details = [f"componentize-py -d {wit} -w {conn.world} componentize app"]
    declared = wit_package_version(wit)
    if declared is not None and int(declared) != conn.protocol:
        details.append(f"note: manifest protocol_version is {conn.protocol} but {wit} declares "
                       f"rapidbyte:connector@{declared}.0.0")
    try:
        cached = (Path(cache_dir) / "components" / f"{build_key(conn.root, wit, [conn.world], 'app')}.wasm").exists()
        wasm = build_python_component(conn.root, wit, conn.world, cache_dir=cache_dir)
    except BuildError as exc:
        return BuildOutcome("failed", time.monotonic() - t0, None, "componentize-py failed",
                            details + _tail(exc.output or str(exc)), wit)
    except OSError as exc:
        return BuildOutcome("failed", time.monotonic() - t0, None, f"cannot build: {exc}", details, wit)
    message = f"component built ({'cached' if cached else 'componentize-py'})"
    if conn.protocol == 4 and wit_package_version(wit) == "4":  # else conformance names what it really is
        problem = typecheck_python(conn, cache_dir, details, wit)
        if problem is not None:
            return BuildOutcome("failed", time.monotonic() - t0, wasm, problem, details, wit, cached)
        message += "; type check against the v4 bindings passed"
    return BuildOutcome("passed", time.monotonic() - t0, wasm, message, details, wit, cached)


def typecheck_python(conn: Connector, cache_dir: Path, details: list[str], wit: Path) -> str | None:
    """mypy against the v4 bindings of the WIT the component was built from (RB918, the counterpart of
    `cargo check`); a failure message, or None."""
    from ..lang.python import typecheck
    from ..ruletable import default_table

    try:
        errors = typecheck.check(typecheck.connector_files(conn.root), conn.world, default_table(), cache_dir, wit_dir=wit)
    except typecheck.TypeCheckUnavailable as exc:
        details.append(f"type check: {exc}")
        return f"the type check against the v4 bindings could not run: {exc}"
    details.append(f"mypy --check-untyped-defs against the {conn.world} bindings: {len(errors)} error(s) involving them")
    details += [f"{e.path}:{e.line}:{e.col}: {e.text()}" for e in errors[:20]]
    if errors:
        return f"type check against the v4 bindings failed ({len(errors)} error{'s' if len(errors) != 1 else ''})"
    return None


def _tail(text: str, n: int = 25) -> list[str]:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-n:]


# ---- Rust ------------------------------------------------------------------------------------------

def installed_targets() -> set[str] | None:
    """`rustup target list --installed`, or None when rustup is missing (then only the host target counts)."""
    rustup = shutil.which("rustup")
    if rustup is None:
        return None
    proc = subprocess.run([rustup, "target", "list", "--installed"], capture_output=True, text=True, check=False)
    return {ln.strip() for ln in proc.stdout.splitlines() if ln.strip()} if proc.returncode == 0 else None


def host_target() -> str:
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    return re.search(r"^host: (\S+)$", out, re.M).group(1)


def _sdk_dependency(conn: Connector) -> tuple[str | None, str | None]:
    """(path, version) of the crate's rapidbyte-sdk dependency."""
    dep = conn.manifest.get("dependencies", {}).get("rapidbyte-sdk")
    if isinstance(dep, dict):
        return dep.get("path"), dep.get("version")
    return None, dep if isinstance(dep, str) else None


def _enclosing_workspace(root: Path) -> Path | None:
    for parent in root.parents:
        manifest = parent / "Cargo.toml"
        if manifest.is_file() and "[workspace]" in manifest.read_text(errors="replace"):
            return parent
    return None


#: `workspace.package` keys a scratch workspace offers for `key.workspace = true` (the crate's own
#: workspace, when it has one, overrides them).
_WORKSPACE_PACKAGE = {
    "version": "0.0.0", "edition": "2021", "license": "Apache-2.0", "rust-version": "1.80",
    "repository": "https://invalid.example/rbmigrate-scratch", "homepage": "https://invalid.example/",
    "documentation": "https://invalid.example/", "description": "", "authors": [], "keywords": [],
    "categories": [], "publish": False,
}


def _workspace_toml(members: list[str], source_ws: Path | None) -> str:
    import tomllib

    package = dict(_WORKSPACE_PACKAGE)
    if source_ws is not None:
        try:
            package.update(tomllib.loads((source_ws / "Cargo.toml").read_text()).get("workspace", {})
                           .get("package", {}))
        except tomllib.TOMLDecodeError:
            pass
    lines = ["[workspace]", 'resolver = "2"', "members = [" + ", ".join(json.dumps(m) for m in members) + "]", "",
             "[workspace.package]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in package.items() if isinstance(v, (str, int, bool, list))]
    return "\n".join(lines) + "\n"


def scratch_workspace(conn: Connector, sdk_dir: Path, work: Path) -> tuple[Path, Path]:
    """A workspace where the crate's SDK path dependency holds the crates of `sdk_dir`.

    Returns (workspace root, crate dir). Files get fresh mtimes (shutil.copy), so cargo never reuses
    artifacts of another crate that sat at the same relative path."""
    rel, _ = _sdk_dependency(conn)
    if rel is None:
        raise ValueError(f"{conn.name}: rapidbyte-sdk is not a path dependency; cannot swap in --rust-sdk")
    parts = Path(rel).parts
    ups = 0
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    ws = work / "ws"
    between = (["connectors"] + [f"d{i}" for i in range(ups)])[: max(0, ups - 1)]  # `ups` levels below ws/
    crate = ws.joinpath(*between, conn.root.name)
    sdk_target = ws.joinpath(*parts[ups:]) if ups else crate.joinpath(*parts)
    if not (Path(sdk_dir) / sdk_target.name).is_dir():
        raise ValueError(f"--rust-sdk {sdk_dir} has no {sdk_target.name}/ crate")
    shutil.copytree(conn.root, crate, copy_function=shutil.copy,
                    ignore=shutil.ignore_patterns("target", ".git"))
    sdk_target.parent.mkdir(parents=True, exist_ok=True)
    for child in sorted(Path(sdk_dir).iterdir()):
        if child.is_dir() and (child / "Cargo.toml").exists():
            shutil.copytree(child, sdk_target.parent / child.name, copy_function=shutil.copy,
                            ignore=shutil.ignore_patterns("target"))
    members = sorted({crate.relative_to(ws).as_posix()} |
                     {(sdk_target.parent / c.name).relative_to(ws).as_posix()
                      for c in Path(sdk_dir).iterdir() if c.is_dir() and (c / "Cargo.toml").exists()})
    text = _workspace_toml(members, _enclosing_workspace(conn.root))
    (ws / "Cargo.toml").write_text(text)
    return ws, crate


def _cargo(args: list[str], cwd: Path, target_dir: Path, timeout: float = 900) -> tuple[int, list[dict], str]:
    env = dict(os.environ)
    env.update(CARGO_TARGET_DIR=str(target_dir), CARGO_TERM_COLOR="never", CARGO_INCREMENTAL="0",
               CARGO_PROFILE_DEV_DEBUG="0")
    env.pop("RUSTFLAGS", None)
    proc = subprocess.run(["cargo", *args, "--message-format=json"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    messages = []
    for line in proc.stdout.splitlines():
        try:
            messages.append(json.loads(line))
        except ValueError:
            continue
    return proc.returncode, messages, proc.stderr


def _diagnostics(messages: list[dict], level: str) -> list[str]:
    out = []
    for m in messages:
        if m.get("reason") == "compiler-message" and m["message"]["level"] == level:
            out.append((m["message"].get("rendered") or m["message"]["message"]).rstrip())
    return out


def _manifest_protocol(messages: list[dict], name: str) -> str | None:
    for m in messages:
        if m.get("reason") == "build-script-executed" and (f"#{name}@" in m.get("package_id", "")
                                                           or m.get("package_id", "").endswith(f"/{name}#")
                                                           or f"/{name}#" in m.get("package_id", "")):
            f = Path(m["out_dir"]) / "rapidbyte_manifest.json"
            if f.exists():
                try:
                    return str(json.loads(f.read_text()).get("protocol_version"))
                except ValueError:
                    return None
    return None


def build_rust(conn: Connector, cache_dir: Path, sdk_dir: Path | None = None) -> BuildOutcome:
    """`cargo check` (host target); then a wasm build when the wasm32-wasip2 target is installed."""
    t0 = time.monotonic()
    if shutil.which("cargo") is None:
        return BuildOutcome("not-available", 0.0, None, "cargo is not installed: the crate was not checked")
    target_dir = Path(cache_dir) / "cargo-target" / hashlib.sha256(str(conn.root).encode()).hexdigest()[:16]
    details: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rbmigrate-cargo-") as tmp:
        try:
            if sdk_dir is not None:
                ws, crate = scratch_workspace(conn, Path(sdk_dir), Path(tmp))
                details.append(f"scratch workspace with the SDK from {sdk_dir}")
            else:
                path, _ = _sdk_dependency(conn)
                if path is not None and not (conn.root / path).resolve().is_dir():
                    return BuildOutcome("failed", time.monotonic() - t0, None,
                                        f"the SDK path dependency {path} does not exist next to the crate; "
                                        "give --rust-sdk DIR (a folder holding rapidbyte-sdk/)", details)
                ws = _enclosing_workspace(conn.root) or conn.root
        except (OSError, ValueError) as exc:
            return BuildOutcome("failed", time.monotonic() - t0, None, str(exc), details)
        host = host_target()
        code, messages, stderr = _cargo(["check", "--target", host, "-p", conn.name], ws, target_dir)
        errors = _diagnostics(messages, "error")
        warnings = _diagnostics(messages, "warning")
        proto = _manifest_protocol(messages, conn.name)
        if code != 0:
            details += errors[:10] or _tail(stderr)
            return BuildOutcome("failed", time.monotonic() - t0, None,
                                f"cargo check failed ({len(errors)} error{'s' if len(errors) != 1 else ''})", details)
        details.append(f"cargo check --target {host}: ok, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
        details += warnings[:5]
        if proto is not None:
            details.append(f"build script manifest: protocol_version {proto}")
            if proto != str(conn.protocol) and not (conn.protocol == 3 and proto in ("2", "3")):
                return BuildOutcome("failed", time.monotonic() - t0, None,
                                    f"the build script records protocol_version {proto}, the crate targets "
                                    f"v{conn.protocol}", details)
        targets = installed_targets()
        if targets is None or WASM_TARGET not in targets:
            why = "rustup is not installed" if targets is None else f"the {WASM_TARGET} target is not installed"
            return BuildOutcome("not-available", time.monotonic() - t0, None,
                                f"cargo check passed; no wasm build was possible: {why} "
                                f"(rustup target add {WASM_TARGET}), so the component was not built, "
                                "instantiated or run", details)
        code, messages, stderr = _cargo(["build", "--release", "--target", WASM_TARGET, "-p", conn.name], ws,
                                        target_dir)
        if code != 0:
            details += _diagnostics(messages, "error")[:10] or _tail(stderr)
            return BuildOutcome("failed", time.monotonic() - t0, None, f"cargo build --target {WASM_TARGET} failed",
                                details)
        wasm = target_dir / WASM_TARGET / "release" / f"{conn.name.replace('-', '_')}.wasm"
        if not wasm.exists():
            return BuildOutcome("failed", time.monotonic() - t0, None, f"cargo build produced no {wasm.name}", details)
        out_dir = Path(cache_dir) / "components"
        out_dir.mkdir(parents=True, exist_ok=True)
        data = wasm.read_bytes()
        kept = out_dir / f"rust-{hashlib.sha256(data).hexdigest()}.wasm"
        if not kept.exists():
            kept.write_bytes(data)
        return BuildOutcome("passed", time.monotonic() - t0, kept, f"cargo build --target {WASM_TARGET}", details)


def build(conn: Connector, cache_dir: Path, sdk_dir: Path | None = None) -> BuildOutcome:
    if conn.language == "python":
        return build_python(conn, cache_dir)
    return build_rust(conn, cache_dir, sdk_dir)

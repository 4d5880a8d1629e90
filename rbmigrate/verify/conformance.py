"""Does a built component conform to the v4 world of its role?

Four checks, each reported on its own:

- `interface`: the `rapidbyte:connector/*` imports and exports the component declares
  (`wasm-tools component wit`). A component still exporting a v3 role interface
  (`source-connector`, `dest-connector`, `transform-connector` @3) or importing v3 `host` fails here
  with a message that says so.
- `targets`: `wasm-tools component targets` against a world that `include`s the v4 role world plus the
  WASI imports the component really has (componentize-py components import WASI and export an extra
  instance; protocol-v4 "practical notes").
- `instantiate`: instantiation with the reference v4 host (its host-io functions, the sandboxed WASI).
- `signatures`: every function of the exported role interface, and every imported host-io function,
  has exactly the canonical type (wasmtime's component type introspection, compared with a dummy
  component made from the canonical WIT with `wasm-tools component embed --dummy`).

`open-info` is checked after the scenario ran (`check_open_info`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import tools

PKG = "rapidbyte:connector"
V4 = "4.0.0"


def role_interface(role: str) -> str:
    """The interface the v4 world of a role exports (world `rapidbyte-<role>` of the canonical wit/v4)."""
    from ..lang.wit.model import load_package
    from ..resources import wit_dir

    world = load_package(wit_dir("v4")).worlds.get(f"rapidbyte-{role}")
    if world is None or len(world.exports) != 1:
        raise ValueError(f"wit/v4 has no world exporting the {role} role")
    return world.exports[0]


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    details: list[str] = field(default_factory=list)


@dataclass
class ConformanceOutcome:
    status: str  # passed | failed
    seconds: float
    checks: list[Check] = field(default_factory=list)

    @property
    def message(self) -> str:
        bad = [c for c in self.checks if not c.ok]
        if not bad:
            return ", ".join(c.name for c in self.checks) + ": ok"
        return "; ".join(f"{c.name}: {c.message}" for c in bad)


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([tools.find("wasm-tools"), *args], capture_output=True, text=True, timeout=timeout, check=False)


# ---- interface (what the component declares) -----------------------------------------------------

_IMPORT = re.compile(r"^\s*import\s+([\w:/.@-]+)\s*;", re.M)
_EXPORT = re.compile(r"^\s*export\s+([\w:/.@-]+)\s*[;:]", re.M)


def declared(wasm: Path, out_dir: Path) -> tuple[list[str], list[str], str]:
    """(imports, exports, error) from `wasm-tools component wit WASM --out-dir OUT_DIR`."""
    proc = _run(["component", "wit", str(wasm), "--out-dir", str(out_dir)])
    if proc.returncode != 0:
        return [], [], (proc.stderr or proc.stdout).strip()
    text = (out_dir / "component.wit").read_text()
    return _IMPORT.findall(text), _EXPORT.findall(text), ""


def interface_check(role: str, imports: list[str], exports: list[str]) -> Check:
    want = f"{PKG}/{role_interface(role)}@{V4}"
    v3_exports = [e for e in exports if e.startswith(f"{PKG}/") and e.endswith("@3.0.0")]
    v3_imports = [i for i in imports if i.startswith(f"{PKG}/") and i.endswith("@3.0.0")]
    ours = [e for e in exports if e.startswith(f"{PKG}/")]
    details = [f"exports: {', '.join(ours) or 'none from ' + PKG}",
               f"imports: {', '.join(i for i in imports if i.startswith(PKG + '/')) or 'none from ' + PKG}"]
    if v3_exports or v3_imports:
        what = ", ".join(v3_exports + v3_imports)
        return Check("interface", False, f"the component still speaks protocol v3 ({what}); a migrated {role} "
                     f"must export {want} and import {PKG}/host-io@{V4}", details)
    if want not in exports:
        return Check("interface", False, f"the component does not export {want} "
                     f"(it exports {', '.join(ours) or 'no ' + PKG + ' interface'})", details)
    others = [e for e in ours if e != want]
    if others:
        return Check("interface", False, f"the component exports other role interfaces too: {', '.join(others)}",
                     details)
    foreign = [i for i in imports if not (i.startswith("wasi:") or i.startswith(f"{PKG}/"))]
    if foreign:
        return Check("interface", False, f"the component imports interfaces no Rapidbyte host provides: "
                     f"{', '.join(foreign)}", details)
    return Check("interface", True, f"exports {want}", details)


# ---- targets ---------------------------------------------------------------------------------------

def targets_check(wasm: Path, role: str, imports: list[str], extracted: Path, work: Path) -> Check:
    from ..resources import wit_dir

    root = work / "targets"
    (root / "deps" / "rapidbyte-connector").mkdir(parents=True)
    for f in sorted(wit_dir("v4").glob("*.wit")):
        shutil.copy(f, root / "deps" / "rapidbyte-connector" / f.name)
    for f in sorted((extracted / "deps").glob("*.wit")) if (extracted / "deps").is_dir() else []:
        text = f.read_text()
        if re.search(rf"^\s*package\s+{PKG}@", text, re.M):
            continue  # the component's own rendering of the protocol: the canonical package stands in
        (root / "deps" / f.stem).mkdir()
        shutil.copy(f, root / "deps" / f.stem / f.name)
    wasi = [i for i in imports if i.startswith("wasi:")]
    world = ["package rbmigrate:conformance;", "", "world check {",
             f"  include {PKG}/rapidbyte-{role}@{V4};"] + [f"  import {i};" for i in wasi] + ["}", ""]
    (root / "check.wit").write_text("\n".join(world))
    proc = _run(["component", "targets", str(root), str(wasm), "--world", "check"])
    if proc.returncode == 0:
        return Check("targets", True, f"wasm-tools component targets {PKG}/rapidbyte-{role}@{V4} (+ {len(wasi)} "
                     "WASI imports): ok")
    lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
    return Check("targets", False, f"wasm-tools component targets {PKG}/rapidbyte-{role}@{V4} failed: "
                 + (lines[-1] if lines else f"exit {proc.returncode}"), lines[-8:])


# ---- signatures --------------------------------------------------------------------------------

def render_type(t: Any) -> str:
    """A structural rendering of a wasmtime component value type (names of fields and cases kept)."""
    from wasmtime.component import _types as T

    simple = {"Bool": "bool", "S8": "s8", "S16": "s16", "S32": "s32", "S64": "s64", "U8": "u8", "U16": "u16",
              "U32": "u32", "U64": "u64", "F32": "f32", "F64": "f64", "Char": "char", "String": "string"}
    name = type(t).__name__
    if name in simple:
        return simple[name]
    if isinstance(t, T.ListType):
        return f"list<{render_type(t.element)}>"
    if isinstance(t, T.RecordType):
        return "record{" + ", ".join(f"{k}: {render_type(v)}" for k, v in t.fields) + "}"
    if isinstance(t, T.TupleType):
        return "tuple<" + ", ".join(render_type(e) for e in t.elements) + ">"
    if isinstance(t, T.VariantType):
        return "variant{" + ", ".join(k if v is None else f"{k}({render_type(v)})" for k, v in t.cases) + "}"
    if isinstance(t, T.EnumType):
        return "enum{" + ", ".join(t.names) + "}"
    if isinstance(t, T.OptionType):
        return f"option<{render_type(t.payload)}>"
    if isinstance(t, T.ResultType):
        ok = "_" if t.ok is None else render_type(t.ok)
        err = "_" if t.err is None else render_type(t.err)
        return f"result<{ok}, {err}>"
    if isinstance(t, T.FlagsType):
        return "flags{" + ", ".join(t.names) + "}"
    return name.lower()


def interface_functions(items: dict, engine: Any, iface: str) -> dict[str, str] | None:
    """{function: "(params) -> result"} of one instance in a component's imports or exports."""
    from wasmtime.component import _types as T

    ext = items.get(iface)
    if ext is None:
        return None
    ty = ext.ty
    if not isinstance(ty, T.ComponentInstanceType):
        return None
    out = {}
    for fname, fext in ty.exports(engine).items():
        ft = fext.ty
        if isinstance(ft, T.FuncType):
            params = ", ".join(f"{n}: {render_type(p)}" for n, p in ft.params)
            result = "" if ft.result is None else f" -> {render_type(ft.result)}"
            out[fname] = f"({params}){result}"
    return out


def canonical_component(role: str, cache_dir: Path) -> Path:
    """A dummy component with exactly the canonical v4 role world (cached by the WIT's content hash)."""
    from ..resources import wit_dir

    wit = wit_dir("v4")
    h = hashlib.sha256(f"{role}\0{_run(['--version']).stdout.strip()}\0".encode())
    for f in sorted(wit.glob("*.wit")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    out = Path(cache_dir) / "canonical" / f"{role}-{h.hexdigest()[:32]}.wasm"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        core = Path(tmp) / "core.wasm"
        comp = Path(tmp) / "component.wasm"
        for args in (["component", "embed", "--dummy", str(wit), "-w", f"rapidbyte-{role}", "-o", str(core)],
                     ["component", "new", str(core), "-o", str(comp)]):
            proc = _run(args)
            if proc.returncode != 0:
                raise RuntimeError(f"wasm-tools {' '.join(args[:2])} failed: {proc.stderr.strip()}")
        shutil.move(str(comp), out)
    return out


def signature_check(component: Any, role: str, cache_dir: Path) -> Check:
    from ..hosts.engine import engine, load_component

    eng = engine()
    canonical = load_component(canonical_component(role, cache_dir), cache_dir)
    iface = f"{PKG}/{role_interface(role)}@{V4}"
    want = interface_functions(canonical.type.exports(eng), eng, iface) or {}
    got = interface_functions(component.type.exports(eng), eng, iface)
    problems = []
    if got is None:
        return Check("signatures", False, f"no exported instance {iface}")
    for fname, sig in want.items():
        if fname not in got:
            problems.append(f"missing export {fname}{sig}")
        elif got[fname] != sig:
            problems.append(f"{fname}: expected {fname}{sig}, found {fname}{got[fname]}")
    problems += [f"extra export {f}{s} (not in the canonical {iface})" for f, s in got.items() if f not in want]
    host_io = f"{PKG}/host-io@{V4}"
    canon_io = interface_functions(canonical.type.imports(eng), eng, host_io) or {}
    used_io = interface_functions(component.type.imports(eng), eng, host_io) or {}
    for fname, sig in used_io.items():
        if fname not in canon_io:
            problems.append(f"imports {host_io}#{fname}, which the canonical host-io does not have")
        elif canon_io[fname] != sig:
            problems.append(f"imports {host_io}#{fname}{sig}; canonical: {fname}{canon_io[fname]}")
    if problems:
        return Check("signatures", False, problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                     problems)
    return Check("signatures", True, f"{len(want)} exported and {len(used_io)} imported host-io functions match "
                 "the canonical v4 signatures")


# ---- instantiation -------------------------------------------------------------------------------

def instantiate_check(component: Any, role: str, sandbox: Any, cache_dir: Path) -> Check:
    from ..hosts import host_v4
    from ..hosts.events import PipelineResult
    from ..hosts.net import Allowlist
    from ..hosts.runtime import GuestFailure, Stage
    from ..hosts.state import StateStore

    result = PipelineResult(version=4)
    stage = Stage(role, 4, result, StateStore(), sandbox.host_options(cache_dir=cache_dir), Allowlist([]))
    try:
        stage.instantiate(component, host_v4.install)
    except GuestFailure as exc:
        return Check("instantiate", False, f"the reference v4 host cannot instantiate it: {exc.event.message}",
                     [exc.event.message])
    finally:
        stage.finish()
        stage.instance = stage.store = None
    return Check("instantiate", True, "instantiated by the reference v4 host (sandboxed WASI, host-io)")


def check_component(wasm: Path, role: str, sandbox: Any, cache_dir: Path,
                    static: tuple[list[Check], float] | None = None) -> ConformanceOutcome:
    """Every check of one component (``static``: what :func:`static_checks` already found for it)."""
    t0 = time.monotonic()
    checks, seconds = static if static is not None else static_checks(wasm, role)
    t0 -= seconds
    if len(checks) < 2 or not checks[0].ok:  # unreadable, or a v3 or foreign component: nothing to instantiate
        return ConformanceOutcome("failed", time.monotonic() - t0, checks)
    return _dynamic_checks(wasm, role, sandbox, cache_dir, list(checks), t0)


def static_checks(wasm: Path, role: str) -> tuple[list[Check], float]:
    """The checks `wasm-tools` makes of the component's bytes (interface, targets), and their time: pure
    subprocess work, which ``verify`` runs for several components at once."""
    t0 = time.monotonic()
    checks: list[Check] = []
    with tempfile.TemporaryDirectory(prefix="rbmigrate-conformance-") as tmp:
        work = Path(tmp)
        extracted = work / "component-wit"
        try:
            imports, exports, err = declared(wasm, extracted)
        except (OSError, subprocess.SubprocessError) as exc:
            imports, exports, err = [], [], str(exc)
        if err:
            checks.append(Check("interface", False, f"wasm-tools cannot read the component: {err}"))
            return checks, time.monotonic() - t0
        checks.append(interface_check(role, imports, exports))
        checks.append(targets_check(wasm, role, imports, extracted, work))
    return checks, time.monotonic() - t0


def _dynamic_checks(wasm: Path, role: str, sandbox: Any, cache_dir: Path, checks: list[Check],
                    t0: float) -> ConformanceOutcome:
    from ..hosts.engine import load_component

    try:
        component = load_component(wasm, cache_dir)
    except Exception as exc:  # noqa: BLE001
        checks.append(Check("instantiate", False, f"wasmtime cannot compile the component: {exc}"))
        return ConformanceOutcome("failed", time.monotonic() - t0, checks)
    checks.append(instantiate_check(component, role, sandbox, cache_dir))
    try:
        checks.append(signature_check(component, role, cache_dir))
    except RuntimeError as exc:
        checks.append(Check("signatures", False, str(exc)))
    status = "passed" if all(c.ok for c in checks) else "failed"
    return ConformanceOutcome(status, time.monotonic() - t0, checks)


def check_open_info(open_info: dict | None, role: str, connector: Any) -> Check:
    """open-info of the scenario's v4 run: id and role from the manifest, protocol "4", capabilities."""
    if open_info is None:
        return Check("open-info", False, "open did not return an open-info (the stage was not opened)")
    problems = []
    if open_info.get("protocol_version") != "4":
        problems.append(f"protocol-version is {open_info.get('protocol_version')!r}, must be \"4\"")
    if open_info.get("role") != role:
        problems.append(f"role is {open_info.get('role')!r}, the manifest says {role!r}")
    if connector.id and open_info.get("connector_id") != connector.id:
        problems.append(f"connector-id is {open_info.get('connector_id')!r}, the manifest says {connector.id!r}")
    if connector.language == "python":
        want = list(connector.manifest.get("capabilities") or [])
        if list(open_info.get("capabilities") or []) != want:
            problems.append(f"capabilities are {open_info.get('capabilities')!r}, the manifest says {want!r}")
    if problems:
        return Check("open-info", False, "; ".join(problems), problems)
    return Check("open-info", True, f"connector-id {open_info.get('connector_id')}, role {role}, protocol 4")

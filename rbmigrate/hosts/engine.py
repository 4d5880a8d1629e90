"""One wasmtime engine per process (epoch interruption on, a ticker thread), and the compile cache.

Compiling a componentize-py component takes seconds; `load_component` caches the compiled
artifact (`Component.serialize()`) by content hash, so later runs only deserialize (milliseconds).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .spec import default_cache_dir

#: Seconds per epoch tick; deadlines are rounded up to whole ticks.
TICK_S = 0.05
_CONFIG_TAG = "epoch-interruption=1"

_lock = threading.Lock()
_engine: Any = None
_memo: dict[str, Any] = {}
atexit.register(_memo.clear)  # drop compiled components before wasmtime's ffi module is torn down


def engine() -> Any:
    """The process-wide engine. Its epoch advances every TICK_S seconds on a daemon thread."""
    global _engine
    with _lock:
        if _engine is None:
            import wasmtime

            cfg = wasmtime.Config()
            cfg.epoch_interruption = True
            _engine = wasmtime.Engine(cfg)
            threading.Thread(target=_tick, args=(_engine,), name="rbmigrate-epoch", daemon=True).start()
        return _engine


def _tick(eng: Any) -> None:
    while True:
        time.sleep(TICK_S)
        eng.increment_epoch()


def deadline_ticks(seconds: float) -> int:
    return max(1, int(seconds / TICK_S + 0.999))


def _artifact_key(wasm: bytes) -> str:
    import wasmtime

    h = hashlib.sha256()
    version = getattr(wasmtime, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("wasmtime")
    h.update(f"wasmtime {version}\0{_CONFIG_TAG}\0{os.uname().machine}\0".encode())
    h.update(wasm)
    return h.hexdigest()


def load_component(path: Path, cache_dir: Path | None = None) -> Any:
    """Compile (or fetch from the cache) the component at `path` for `engine()`."""
    from wasmtime import WasmtimeError
    from wasmtime.component import Component

    wasm = Path(path).read_bytes()
    key = _artifact_key(wasm)
    with _lock:
        hit = _memo.get(key)
    if hit is not None:
        return hit
    eng = engine()
    cdir = Path(cache_dir or default_cache_dir()) / "compiled"
    cached = cdir / f"{key}.cwasm"
    comp = None
    if cached.exists():
        try:
            comp = Component.deserialize_file(eng, str(cached))
        except WasmtimeError:
            comp = None  # stale or truncated artifact: recompile below
    if comp is None:
        comp = Component(eng, wasm)
        try:
            cdir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".cwasm-", dir=cdir)
            with os.fdopen(fd, "wb") as f:
                f.write(comp.serialize())
            os.replace(tmp, cached)
        except OSError:
            pass  # an unwritable cache only costs time
    with _lock:
        _memo[key] = comp
    return comp

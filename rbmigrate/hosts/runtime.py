"""One sandboxed guest instance of a pipeline stage, and the version-neutral cores of the host functions.

The v3 and v4 bindings (host_v3.py, host_v4.py) translate WIT values and delegate here.
Sandbox: WASI with no preopens, no environment, no arguments, no ambient network (wasmtime's
default denies every socket address), stdout/stderr captured; a per-call epoch deadline; a per-
instance memory limit.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from . import engine as _engine
from . import protocol
from .batch import BatchFormatError, decode_batch
from .errors import HostError, normalise_error
from .events import (
    BatchEvent, CasOutcome, CheckpointEvent, ConnectEvent, DlqEvent, ErrorEvent, LogEvent, MetricEvent, PipelineResult,
    StateWrite,
)
from .frames import FrameTable
from .net import Allowlist, SocketTable
from .spec import HostOptions
from .state import StateStore
from .values import enable_err_lowering, enable_fast_bytes, from_wit, split_result


class GuestFailure(Exception):
    """A guest call did not return ok; `event` says why (already recorded in the result)."""

    def __init__(self, event: ErrorEvent) -> None:
        super().__init__(f"{event.stage} {event.call}: {event.kind}: {event.message}")
        self.event = event


class _Capture:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.dropped = 0

    def __call__(self, data: bytes) -> None:
        room = self.limit - self.size
        if room > 0:
            self.parts.append(data[:room])
            self.size += min(len(data), room)
        self.dropped += max(0, len(data) - max(room, 0))

    def since(self, mark: int) -> str:
        return b"".join(self.parts)[mark:].decode("utf-8", "replace")

    def text(self) -> str:
        out = b"".join(self.parts).decode("utf-8", "replace")
        if self.dropped:
            out += f"\n[... {self.dropped} more bytes not kept]"
        return out


class Stage:
    """A guest instance at one pipeline position, with its frames, sockets and recorder."""

    def __init__(self, name: str, version: int, result: PipelineResult, state: StateStore,
                 options: HostOptions, allow: Allowlist) -> None:
        self.name = name
        self.version = version
        self.result = result
        self.state = state
        self.options = options
        self.frames = FrameTable(options.max_frame_bytes)
        self.sockets = SocketTable(allow, options.connect_timeout_s, options.socket_poll_s, self.remaining)
        self.stdout = _Capture(options.max_output_bytes)
        self.stderr = _Capture(options.max_output_bytes)
        self.context_stream = ""
        self.inbox: list[bytes] = []  # sealed frames from the previous stage (current stream)
        self.outbox: list[bytes] = []  # frames this stage emitted (current stream)
        self.emitted = 0
        self.dead = False  # a trap poisons a component instance: it cannot be entered again
        self.store: Any = None
        self.instance: Any = None
        self.component: Any = None
        self._call_started = 0.0
        self._stderr_mark = 0  # stderr bytes captured before the current call

    # ---- lifecycle -------------------------------------------------------------------------
    def remaining(self) -> float:
        return max(0.0, self._call_started + self.options.deadline_s - time.monotonic())

    def instantiate(self, component: Any, install: Callable[[Any, "Stage"], None]) -> None:
        import wasmtime
        from wasmtime.component import Linker

        eng = _engine.engine()
        self.component = component
        enable_err_lowering()
        enable_fast_bytes()
        linker = Linker(eng)
        linker.add_wasip2()
        install(linker, self)
        store = wasmtime.Store(eng)
        wasi = wasmtime.WasiConfig()  # nothing inherited: no dirs, env, args or network
        wasi.stdout_custom = self.stdout
        wasi.stderr_custom = self.stderr
        store.set_wasi(wasi)
        store.set_limits(memory_size=self.options.memory_limit)
        self.store = store
        self._call_started = time.monotonic()
        self._stderr_mark = self.stderr.size
        store.set_epoch_deadline(_engine.deadline_ticks(self.options.deadline_s))
        try:
            self.instance = linker.instantiate(store, component)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, never raised
            self.dead = True
            raise GuestFailure(self._failure("instantiate", exc)) from None

    def func(self, iface: str, name: str) -> Any:
        idx = self.component.get_export_index(iface)
        fidx = self.component.get_export_index(name, idx) if idx is not None else None
        fn = self.instance.get_func(self.store, fidx) if fidx is not None else None
        if fn is None:
            raise GuestFailure(self._record(ErrorEvent(
                self.name, name, self.context_stream, "protocol", f"the component does not export {iface}#{name}")))
        return fn

    def call(self, iface: str, name: str, *args: Any, label: str | None = None) -> Any:
        """Call an export; return the ok payload, or raise GuestFailure (recorded)."""
        label = label or name
        self.result.calls.append((self.name, label, self.context_stream))
        if self.dead:
            raise GuestFailure(self._record(ErrorEvent(
                self.name, label, self.context_stream, "trap", "the instance trapped earlier and cannot be entered")))
        fn = self.func(iface, name)
        self._call_started = time.monotonic()
        self._stderr_mark = self.stderr.size
        self.store.set_epoch_deadline(_engine.deadline_ticks(self.options.deadline_s))
        try:
            value = fn(self.store, *args)
        except Exception as exc:  # noqa: BLE001
            self.dead = True
            raise GuestFailure(self._failure(label, exc)) from None
        ok, payload = split_result(value)
        if ok:
            return payload
        raw = from_wit(payload)
        err = normalise_error(raw)
        raise GuestFailure(self._record(ErrorEvent(
            self.name, label, self.context_stream, "connector-error",
            f"{err.get('category')}/{err.get('code')}: {err.get('message')}", error=err, raw=raw)))

    def _failure(self, label: str, exc: BaseException) -> ErrorEvent:
        from wasmtime import WasmtimeError

        text = str(exc)
        stderr = self.stderr.since(self._stderr_mark)  # what the guest printed during this call
        tail = stderr[-4000:]
        if isinstance(exc, WasmtimeError):
            first = text.strip().splitlines()[-1] if text.strip() else text
            if "wasm trap: interrupt" in text or text.strip().endswith("interrupt"):
                kind, msg = "deadline", f"deadline of {self.options.deadline_s:g}s exceeded (epoch interruption)"
            elif _out_of_memory(text, stderr):
                kind = "memory"
                msg = (f"memory limit of {self.options.memory_limit} bytes per instance exhausted"
                       f" ({guest_exception(stderr) or first.strip()})")
            elif label == "instantiate":
                kind, msg = "instantiate", text
            else:
                kind, msg = "trap", _trap_summary(text, stderr)
        elif isinstance(exc, GuestFailure):
            return exc.event
        else:  # a host function raised: wasmtime-py re-raises the original exception after the trap
            kind, msg = "host", f"host function failed: {type(exc).__name__}: {exc}"
        return self._record(ErrorEvent(self.name, label, self.context_stream, kind, msg, stderr_tail=tail))

    def _record(self, event: ErrorEvent) -> ErrorEvent:
        self.result.errors.append(event)
        return event

    def finish(self) -> None:
        self.sockets.close_all()
        self.result.connects.extend(ConnectEvent(self.name, h, p, outcome) for h, p, outcome in self.sockets.connects)
        self.sockets.connects.clear()
        self.result.stdout[self.name] = self.stdout.text()
        self.result.stderr[self.name] = self.stderr.text()

    # ---- version-neutral host-function cores -------------------------------------------------
    def emit(self, handle: int) -> None:
        data = self.frames.take(handle)
        rows = schema = stream = err = None
        try:
            batch = decode_batch(data)
            rows, schema, stream = batch.rows, batch.schema, batch.stream
        except BatchFormatError as exc:
            err = str(exc)
        self.result.batches.append(BatchEvent(self.name, self.context_stream, self.emitted, len(data),
                                              rows, schema, stream, err, data))
        self.emitted += 1
        self.outbox.append(data)

    def next(self) -> int | None:
        if not self.inbox:
            return None
        return self.frames.adopt(self.inbox.pop(0))

    def log(self, level: str, raw_level: Any, msg: str) -> None:
        self.result.logs.append(LogEvent(self.name, self.context_stream, level, msg, raw_level))

    def checkpoint(self, kind: str, stream: str, id_: int, cursor: Any, records: int, nbytes: int, raw: dict) -> None:
        self.result.checkpoints.append(CheckpointEvent(self.name, self.context_stream, kind, stream, id_, cursor,
                                                       records, nbytes, raw))

    def metric(self, name: str, value: float, labels: list[tuple[str, str]], mtype: str | None, raw: dict) -> None:
        self.result.metrics.append(MetricEvent(self.name, self.context_stream, name, value, labels, mtype, raw))

    def dlq(self, stream: str, record_json: str, message: str, category: str, raw: dict) -> None:
        try:
            record = json.loads(record_json)
        except ValueError:
            record = record_json
        self.result.dlq.append(DlqEvent(self.name, self.context_stream, stream, record, message, category, raw))

    def state_get(self, scope: str, key: str) -> str | None:
        return self.state.get(scope, key)

    def state_put(self, scope: str, key: str, value: str) -> None:
        self.state.put(scope, key, value)
        self.result.state.writes.append(StateWrite(self.name, "put", scope, key, value))

    def state_cas(self, scope: str, key: str, expected: str | None, new_value: str) -> bool:
        ok = self.state.cas(scope, key, expected, new_value)
        self.result.state.writes.append(StateWrite(self.name, "cas", scope, key, new_value, expected, ok))
        self.result.state.cas.append(CasOutcome(self.name, scope, key, expected, new_value, ok))
        return ok


class HostIO:
    """What both reference hosts do the same way. Each version names its package version and the
    connector-error field that holds details, and says how it reads its WIT values: a state scope
    (``scope``), a log level (``log``) and the telemetry payloads (``checkpoint``, ``metric``, ``dlq``)."""

    version: int = 0
    details = ""  # connector-error field: details_json (v3) or details (v4)

    def __init__(self, stage: Stage) -> None:
        self.stage = stage

    def scope(self, raw: Any) -> str:
        raise NotImplementedError

    def log(self, level: Any, msg: str) -> None:
        raise NotImplementedError

    def checkpoint(self, *args: Any) -> None:
        raise NotImplementedError

    def metric(self, *args: Any) -> None:
        raise NotImplementedError

    def dlq(self, *args: Any) -> None:
        raise NotImplementedError

    def state_get(self, scope: Any, key: str) -> str | None:
        return self.stage.state_get(self.scope(scope), key)

    def state_put(self, scope: Any, key: str, value: str) -> None:
        self.stage.state_put(self.scope(scope), key, value)

    def state_cas(self, scope: Any, key: str, expected: str | None, new_value: str) -> bool:
        return self.stage.state_cas(self.scope(scope), key, expected, new_value)

    def read_tcp(self, handle: int, length: int) -> Any:
        from wasmtime.component import Variant

        got = self.stage.sockets.read(handle, length)
        if got is None:
            return Variant("eof")
        if got == "would-block":
            return Variant("would-block")
        return Variant("data", got)

    def write_tcp(self, handle: int, data: bytes) -> Any:
        # wasmtime-py lowers `variant { written(u64), would-block }` untagged (its cases' Python
        # classes do not overlap): an int is `written`, None is `would-block`.
        got = self.stage.sockets.write(handle, bytes(data))
        return None if got == "would-block" else got

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """:func:`guarded` with this version's details field."""
        return guarded(fn, self.details)

    def functions(self) -> dict[str, Callable[..., Any]]:
        """Every host function, by its v4 name (:func:`install_host` spells them per version)."""
        st, g = self.stage, self.guard
        return {
            "batch-emit": g(st.emit),
            "batch-next": trapping(st.next),
            "log": plain(self.log),
            "telemetry-checkpoint": g(self.checkpoint),
            "telemetry-metric": g(self.metric),
            "telemetry-dlq": g(self.dlq),
            "state-get": trapping(self.state_get),
            "state-put": g(self.state_put),
            "state-cas": g(self.state_cas),
            "frame-new": g(st.frames.new),
            "frame-write": g(lambda handle, chunk: st.frames.write(handle, bytes(chunk))),
            "frame-seal": g(st.frames.seal),
            "frame-len": g(st.frames.length),
            "frame-read": g(st.frames.read),
            "frame-drop": plain(st.frames.drop),
            "tcp-connect": g(st.sockets.connect),
            "tcp-read": g(self.read_tcp),
            "tcp-write": g(self.write_tcp),
            "tcp-close": plain(st.sockets.close),
        }


def install_host(linker: Any, host: HostIO) -> None:
    """Link the host interface of ``host.version``: :meth:`HostIO.functions` under that version's
    names (`protocol.HOST_FUNCTIONS`) and the type interfaces beside it."""
    if host.version == 3:
        version, host_iface, types = protocol.V3_VERSION, protocol.V3_HOST, protocol.V3_TYPE_INTERFACES
        names = list(protocol.HOST_FUNCTIONS)
        spelled = {v4: v3 for v3, v4 in protocol.HOST_FUNCTIONS.items()}
    else:
        version, host_iface, types = protocol.V4_VERSION, protocol.V4_HOST, protocol.V4_TYPE_INTERFACES
        names = list(protocol.HOST_FUNCTIONS.values())
        spelled = {v4: v4 for v4 in names}
    funcs = {spelled[name]: fn for name, fn in host.functions().items()}
    with linker.root() as root:
        for name in types:
            with root.add_instance(protocol.qualified(name, version)):
                pass
        with root.add_instance(protocol.qualified(host_iface, version)) as inst:
            for name in names:
                inst.add_func(name, funcs[name])


def _out_of_memory(text: str, stderr: str) -> bool:
    probes = ("MemoryError", "out of memory", "memory allocation of", "cannot allocate memory",
              "memory size limit", "exceeds memory limits")
    return any(p in text or p in stderr[-4000:] for p in probes)


_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))(?::.*)?$")


def guest_exception(stderr: str) -> str | None:
    """The last Python exception line (`ValueError: ...`) a componentize-py guest printed."""
    found = None
    for line in stderr.splitlines():
        if _EXC_LINE.match(line.strip()):
            found = line.strip()
    return found


def _trap_summary(text: str, stderr: str) -> str:
    trap = next((ln.strip() for ln in text.splitlines() if "wasm trap" in ln), "")
    if not trap:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        trap = lines[-1] if lines else "unknown trap"
    msg = f"guest trapped ({trap})"
    exc = guest_exception(stderr)
    if exc:
        msg = f"guest raised {exc} and trapped ({trap})"
    return msg


def lower_error(exc: HostError, details_key: str) -> Any:
    """A HostError as the connector-error Record a host function returns in its err case."""
    from .values import ErrValue, to_wit

    return ErrValue(to_wit(exc.fields(details_key)))


def guarded(fn: Callable[..., Any], details_key: str) -> Callable[..., Any]:
    """Wrap a host function core whose WIT result can carry an err: HostError -> err record."""

    def host_func(_store: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except HostError as exc:
            return lower_error(exc, details_key)

    return host_func


def trapping(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a host function whose WIT result is `result<option<T>, E>`: wasmtime-py 50 cannot lower
    its err case, so a HostError traps the guest (wasmtime-py re-raises it to the host caller)."""

    def host_func(_store: Any, *args: Any) -> Any:
        return fn(*args)

    return host_func


def plain(fn: Callable[..., Any]) -> Callable[..., Any]:
    def host_func(_store: Any, *args: Any) -> None:
        fn(*args)
        return None

    return host_func

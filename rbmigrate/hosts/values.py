"""Conversions between plain Python data and wasmtime-py component values.

wasmtime-py represents a WIT record as `wasmtime.component.Record` with kebab-case attribute
names, enums as their case name (`str`), options as value-or-None, tuples as tuples and
variants as `Variant(tag, payload)` (results too, when the ok and err types overlap).
Plain data here uses snake_case dict keys.
"""

from __future__ import annotations

from typing import Any


def to_wit(value: Any) -> Any:
    """dict (snake_case keys) -> Record (kebab-case), recursively through lists and tuples."""
    from wasmtime.component import Record

    if isinstance(value, dict):
        rec = Record()
        for k, v in value.items():
            setattr(rec, k.replace("_", "-"), to_wit(v))
        return rec
    if isinstance(value, list):
        return [to_wit(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_wit(v) for v in value)
    return value


def from_wit(value: Any) -> Any:
    """Record -> dict (snake_case keys), Variant -> {"tag":.., "value":..}, recursively."""
    from wasmtime.component import Record, Variant

    if isinstance(value, Record):
        return {k.replace("-", "_"): from_wit(v) for k, v in vars(value).items()}
    if isinstance(value, Variant):
        return {"tag": value.tag, "value": from_wit(value.payload)}
    if isinstance(value, list):
        return [from_wit(v) for v in value]
    if isinstance(value, tuple):
        return tuple(from_wit(v) for v in value)
    return value


def split_result(value: Any) -> tuple[bool, Any]:
    """(is_ok, payload) of a value lifted from a WIT `result<T, connector-error>` export.

    Tagged results come as Variant('ok'|'err', payload). Untagged ones (T is not a record) come
    as the bare ok value, or as the connector-error Record for err.
    """
    from wasmtime.component import Record, Variant

    if isinstance(value, Variant) and value.tag in ("ok", "err"):
        return value.tag == "ok", value.payload
    if isinstance(value, Record) and hasattr(value, "category") and hasattr(value, "backoff-class"):
        return False, value
    return True, value


class ErrValue:
    """A host-function return value meaning: the err case of the function's WIT `result`.

    wasmtime-py 50 picks the result case of a host return by Python class, and gives up when the
    ok type's classes include `object` (`option<T>`, or a variant lowered untagged such as
    `tcp-write-result`): every value then lowers as ok. `enable_err_lowering()` teaches
    `ResultType.convert_to_c` to lower an ErrValue as err; every other value is untouched.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_patched = False


def enable_err_lowering() -> None:
    global _patched
    if _patched:
        return
    import ctypes

    from wasmtime import _ffi as ffi
    from wasmtime.component import _types as T

    original = T.ResultType.convert_to_c

    def convert_to_c(self: Any, store: Any, val: Any, ptr: Any) -> None:
        if not isinstance(val, ErrValue):
            return original(self, store, val, ptr)
        err_ty = self.err
        raw = None
        if err_ty is not None:
            slot = ffi.wasmtime_component_val_t()
            err_ty.convert_to_c(store, val.value, ctypes.pointer(slot))
            raw = ffi.wasmtime_component_val_new(ctypes.byref(slot))
        ptr.contents.kind = ffi.WASMTIME_COMPONENT_RESULT
        ptr.contents.of.result.is_ok = False
        ptr.contents.of.result.val = raw

    T.ResultType.convert_to_c = convert_to_c
    _patched = True


_fast_bytes = False


def enable_fast_bytes() -> None:
    """`list<u8>` crosses the component boundary as bytes in one copy, not one value per byte.

    wasmtime-py 50 lowers and lifts a `list<u8>` element by element, a Python call per byte: the frames
    every batch moves through `frame-write`/`frame-read` spent most of a scenario's time there. A
    `wasmtime_component_val_t` of kind u8 is its kind byte and, at the union's offset, the value byte;
    the rest is zero, and it owns nothing. So a whole list is one strided copy each way (bytearray slice
    assignment, `ctypes.string_at`), with the same values, the same C allocation (the vallist wasmtime
    allocates and frees) and the same errors for anything that is not bytes."""
    global _fast_bytes
    if _fast_bytes:
        return
    import ctypes

    from wasmtime import _ffi as ffi
    from wasmtime.component import _types as T

    size = ctypes.sizeof(ffi.wasmtime_component_val_t)
    offset = ffi.wasmtime_component_val_t.of.offset
    kind = bytes([ffi.WASMTIME_COMPONENT_U8.value])
    lower, lift = T.ListType.convert_to_c, T.ListType.convert_from_c

    def convert_to_c(self: Any, store: Any, val: Any, ptr: Any) -> None:
        if not isinstance(val, bytes) or not self._is_bytes():
            return lower(self, store, val, ptr)
        n = len(val)
        raw = ffi.wasmtime_component_vallist_t()
        ffi.wasmtime_component_vallist_new_uninit(raw, n)
        if n:
            buf = bytearray(n * size)
            buf[0::size] = kind * n
            buf[offset::size] = val
            ctypes.memmove(raw.data, (ctypes.c_char * len(buf)).from_buffer(buf), len(buf))
        ptr.contents.kind = ffi.WASMTIME_COMPONENT_LIST
        ptr.contents.of.list = raw

    def convert_from_c(self: Any, c: Any) -> Any:
        if not self._is_bytes():
            return lift(self, c)
        assert c.kind == ffi.WASMTIME_COMPONENT_LIST.value
        try:
            n = c.of.list.size
            return ctypes.string_at(c.of.list.data, n * size)[offset::size] if n else b""
        finally:
            ffi.wasmtime_component_vallist_delete(ctypes.byref(c.of.list))

    T.ListType.convert_to_c = convert_to_c
    T.ListType.convert_from_c = convert_from_c
    _fast_bytes = True

"""The batch wire format of docs/batch-format.md: one UTF-8 JSON document per frame.

The reference hosts decode every emitted frame with `decode_batch` to record batches as rows.
Guests cannot import rbmigrate; they reimplement `encode_batch` (a few lines of `json.dumps`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

FORMAT = "rapidbyte-json-rows/1"
TYPES = ("int64", "float64", "numeric", "bool", "string", "timestamp", "timestamptz", "date", "json", "bytes")

_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(NaN|[+-]?Infinity)$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$")
_TIMESTAMPTZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX = re.compile(r"^(?:[0-9a-f]{2})*$")
_FLOAT_WORDS = ("NaN", "Infinity", "-Infinity")


class BatchFormatError(ValueError):
    """The frame is not a valid `rapidbyte-json-rows/1` batch (a reader reports a `frame` error)."""


@dataclass(frozen=True)
class Batch:
    stream: str
    schema: list[dict]  # [{"name": .., "type": .., "nullable": ..}]
    rows: list[list[Any]]

    @property
    def columns(self) -> list[str]:
        return [c["name"] for c in self.schema]


def encode_batch(stream: str, schema: list[dict], rows: list[list[Any]]) -> bytes:
    """Encode a batch (validated like `decode_batch` would) as compact UTF-8 JSON."""
    doc = {"format": FORMAT, "stream": stream, "schema": schema, "rows": rows}
    _check(doc)
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def decode_batch(data: bytes | bytearray | memoryview, *, strict: bool = True) -> Batch:
    """Decode one frame. `strict` also checks every value against its column's logical type."""
    raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BatchFormatError("batch starts with a BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BatchFormatError(f"batch is not UTF-8: {exc}") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError and the NaN/Infinity rejection
        raise BatchFormatError(f"batch is not one JSON document: {exc}") from None
    _check(doc, strict=strict)
    schema = [{"name": c["name"], "type": c["type"], "nullable": bool(c.get("nullable", True))} for c in doc["schema"]]
    return Batch(stream=doc["stream"], schema=schema, rows=doc["rows"])


def _reject_constant(name: str) -> Any:
    raise ValueError(f"bare {name} is not JSON (write it as the string \"{name}\")")


def _check(doc: Any, *, strict: bool = True) -> None:
    if not isinstance(doc, dict):
        raise BatchFormatError("batch must be a JSON object")
    if doc.get("format") != FORMAT:
        raise BatchFormatError(f"unknown batch format {doc.get('format')!r} (expected {FORMAT!r})")
    if not isinstance(doc.get("stream"), str):
        raise BatchFormatError("batch `stream` must be a string")
    schema = doc.get("schema")
    if not isinstance(schema, list) or not schema:
        raise BatchFormatError("batch `schema` must be a non-empty list")
    names: set[str] = set()
    for i, col in enumerate(schema):
        if not isinstance(col, dict) or not isinstance(col.get("name"), str):
            raise BatchFormatError(f"schema column {i} needs a string `name`")
        if col["name"] in names:
            raise BatchFormatError(f"duplicate column name {col['name']!r}")
        names.add(col["name"])
        if col.get("type") not in TYPES:
            raise BatchFormatError(f"column {col['name']!r}: unknown type {col.get('type')!r}")
        if not isinstance(col.get("nullable", True), bool):
            raise BatchFormatError(f"column {col['name']!r}: `nullable` must be a bool")
    rows = doc.get("rows")
    if not isinstance(rows, list) or not rows:
        raise BatchFormatError("batch `rows` must be a non-empty list (emit no batch for no rows)")
    width = len(schema)
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise BatchFormatError(f"row {r} must be a list of {width} values")
        if strict:
            for col, value in zip(schema, row):
                problem = _value_problem(col["type"], value)
                if value is None and not col.get("nullable", True):
                    problem = "null in a non-nullable column"
                if problem:
                    raise BatchFormatError(f"row {r}, column {col['name']!r} ({col['type']}): {problem}: {value!r}")


def _value_problem(typ: str, value: Any) -> str | None:
    if value is None or typ == "json":
        return None
    if typ == "int64":
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    elif typ == "float64":
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)) or (
            value in _FLOAT_WORDS
        )
    elif typ == "numeric":
        ok = isinstance(value, str) and bool(_NUMERIC.match(value))
    elif typ == "bool":
        ok = isinstance(value, bool)
    elif typ == "string":
        ok = isinstance(value, str)
    elif typ == "timestamp":
        ok = isinstance(value, str) and bool(_TIMESTAMP.match(value))
    elif typ == "timestamptz":
        ok = isinstance(value, str) and bool(_TIMESTAMPTZ.match(value))
    elif typ == "date":
        ok = isinstance(value, str) and bool(_DATE.match(value))
    elif typ == "bytes":
        ok = isinstance(value, str) and bool(_HEX.match(value))
    else:  # pragma: no cover - TYPES is checked first
        ok = False
    return None if ok else "value does not match the type"

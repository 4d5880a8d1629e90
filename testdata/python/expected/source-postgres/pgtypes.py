"""PostgreSQL text-format values -> batch values (docs/batch-format.md).

A decoder turns the raw bytes of one text-format value into its batch JSON
value, or raises DecodeError. What counts as undecodable (deterministic, see
docs/connectors.md):

- bytes that are not valid UTF-8 (possible with a SQL_ASCII database);
- numeric `NaN` / `Infinity` / `-Infinity` when the connector runs with
  `numeric_mode: "strict"` (the batch `numeric` type is an exact finite decimal);
- timestamp / timestamptz / date values `infinity`, `-infinity` or BC dates,
  which have no ISO 8601 form in the batch format;
- any value that does not parse as its declared type (never produced by a
  healthy server, but checked: an int that is not an int, a bool that is not
  t/f, JSON that is not JSON).
"""

import json

# type OIDs from pg_type.dat
_OID_TYPES = {
    20: "int64", 21: "int64", 23: "int64", 26: "int64",
    700: "float64", 701: "float64",
    1700: "numeric",
    16: "bool",
    25: "string", 1043: "string", 1042: "string", 19: "string", 18: "string",
    1114: "timestamp", 1184: "timestamptz", 1082: "date",
    114: "json", 3802: "json",
    17: "bytes",
}

_INFO_SCHEMA_TYPES = {
    "smallint": "int64", "integer": "int64", "bigint": "int64",
    "real": "float64", "double precision": "float64",
    "numeric": "numeric",
    "boolean": "bool",
    "text": "string", "character varying": "string", "character": "string", "name": "string",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "date": "date",
    "json": "json", "jsonb": "json",
    "bytea": "bytes",
}

BATCH_FORMAT = "rapidbyte-json-rows/1"
_SPECIAL = ("NaN", "Infinity", "-Infinity")


class DecodeError(Exception):
    def __init__(self, reason, index=None):
        super().__init__(reason)
        self.reason = reason
        self.index = index


def logical_from_oid(oid):
    return _OID_TYPES.get(oid, "string")


def logical_from_information_schema(data_type):
    return _INFO_SCHEMA_TYPES.get(data_type, "string")


def _text(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError("invalid UTF-8 at byte %d" % exc.start)


def _int(raw):
    text = _text(raw)
    try:
        return int(text)
    except ValueError:
        raise DecodeError("%r is not an integer" % text)


def _float(raw):
    text = _text(raw)
    if text in _SPECIAL:
        return text
    try:
        return float(text)
    except ValueError:
        raise DecodeError("%r is not a float" % text)


def _numeric_lenient(raw):
    return _text(raw)


def _numeric_strict(raw):
    text = _text(raw)
    if text in _SPECIAL:
        raise DecodeError("numeric value %r is not a finite decimal (numeric_mode=strict)" % text)
    return text


def _bool(raw):
    if raw == b"t":
        return True
    if raw == b"f":
        return False
    raise DecodeError("%r is not a boolean" % _text(raw))


def _no_infinity(text, what):
    if text in ("infinity", "-infinity") or text.endswith(" BC"):
        raise DecodeError("%s value %r has no ISO 8601 form" % (what, text))


def _timestamp(raw):
    text = _text(raw)
    _no_infinity(text, "timestamp")
    return text.replace(" ", "T", 1)


def _timestamptz(raw):
    # the session runs with TimeZone=UTC, so the server prints "+00"
    text = _text(raw)
    _no_infinity(text, "timestamptz")
    if not text.endswith("+00"):
        raise DecodeError("timestamptz %r is not in UTC" % text)
    return text[:-3].replace(" ", "T", 1) + "Z"


def _date(raw):
    text = _text(raw)
    _no_infinity(text, "date")
    return text


def _json(raw):
    text = _text(raw)
    try:
        return json.loads(text)
    except ValueError:
        raise DecodeError("invalid JSON")


def _bytes(raw):
    text = _text(raw)
    if not text.startswith("\\x"):
        raise DecodeError("bytea value is not in hex output format")
    return text[2:]


_DECODERS = {
    "int64": _int, "float64": _float, "bool": _bool, "string": _text,
    "timestamp": _timestamp, "timestamptz": _timestamptz, "date": _date,
    "json": _json, "bytes": _bytes,
}


def decoder(logical, strict_numeric=False):
    if logical == "numeric":
        return _numeric_strict if strict_numeric else _numeric_lenient
    return _DECODERS.get(logical, _text)


def decode_row(decoders, raw_row):
    """Decode a DataRow (bytes or None per column); raises DecodeError with .index."""
    row = []
    for index, dec in enumerate(decoders):
        raw = raw_row[index]
        if raw is None:
            row.append(None)
            continue
        try:
            row.append(dec(raw))
        except DecodeError as exc:
            exc.index = index
            raise
    return row


def raw_record(schema, raw_row):
    """The undecoded row as a JSON-able object (column -> server text) for the DLQ."""
    record = {}
    for index, col in enumerate(schema):
        raw = raw_row[index]
        record[col["name"]] = None if raw is None else raw.decode("utf-8", "backslashreplace")
    return record


def encode_batch(stream, schema, rows):
    return json.dumps({"format": BATCH_FORMAT, "stream": stream, "schema": schema, "rows": rows},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")

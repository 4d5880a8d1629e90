"""SQLite side of transform-sql: loading a batch, exact decimal functions, output typing.

Type mapping (batch logical type -> SQLite storage in table `input`):

    int64 -> INTEGER     float64 -> REAL ("NaN"/"Infinity"/"-Infinity" stay TEXT)
    numeric -> TEXT (the exact decimal string; use the dec_* functions or CAST)
    bool -> INTEGER 0/1  string, timestamp, timestamptz, date -> TEXT
    json -> TEXT (JSON text)                 bytes -> BLOB

Exact decimal functions registered on the connection (NULL in, NULL out):
dec_add(a, b), dec_sub(a, b), dec_mul(a, b), dec_div(a, b, scale), dec_round(a, places),
dec_cmp(a, b) (-1/0/1), dec_abs(a). Their results are decimal TEXT.

Output typing, per column of the query result:
1. `output_types[name]` from the config, when given;
2. else, when the name is a column of `input` and every value has that
   column's storage class, the input column's type (and nullability);
3. else inferred from the values: all integers -> int64, numbers -> float64,
   blobs -> bytes, anything else (or all NULL) -> string.
"""

import decimal
import json

_CTX = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)
_SPECIAL_FLOATS = ("NaN", "Infinity", "-Infinity")
_AFFINITY = {"int64": "INTEGER", "float64": "REAL", "bool": "INTEGER", "bytes": "BLOB"}


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _dec(value):
    if isinstance(value, bytes):
        raise ValueError("blob is not a decimal")
    if isinstance(value, float):
        value = repr(value)
    try:
        d = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise ValueError("%r is not a decimal" % (value,))
    if not d.is_finite():
        raise ValueError("%r is not a finite decimal" % (value,))
    return d


def _text(d):
    return format(d, "f")


def _nullsafe(fn):
    def wrapper(*args):
        if any(a is None for a in args):
            return None
        return fn(*args)
    return wrapper


def dec_add(a, b):
    return _text(_CTX.add(_dec(a), _dec(b)))


def dec_sub(a, b):
    return _text(_CTX.subtract(_dec(a), _dec(b)))


def dec_mul(a, b):
    return _text(_CTX.multiply(_dec(a), _dec(b)))


def dec_div(a, b, scale):
    quotient = _CTX.divide(_dec(a), _dec(b))
    return _text(quotient.quantize(decimal.Decimal(1).scaleb(-int(scale)), context=_CTX,
                                   rounding=decimal.ROUND_HALF_UP))


def dec_round(a, places):
    return _text(_dec(a).quantize(decimal.Decimal(1).scaleb(-int(places)), context=_CTX,
                                  rounding=decimal.ROUND_HALF_UP))


def dec_cmp(a, b):
    return int(_dec(a).compare(_dec(b)))


def dec_abs(a):
    return _text(abs(_dec(a)))


FUNCTIONS = {
    "dec_add": (2, dec_add), "dec_sub": (2, dec_sub), "dec_mul": (2, dec_mul), "dec_div": (3, dec_div),
    "dec_round": (2, dec_round), "dec_cmp": (2, dec_cmp), "dec_abs": (1, dec_abs),
}


def register(db):
    for name, (nargs, fn) in FUNCTIONS.items():
        db.create_function(name, nargs, _nullsafe(fn), deterministic=True)


def _to_sqlite(kind, value):
    if value is None:
        return None
    if kind == "bool":
        return 1 if value else 0
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "bytes":
        return bytes.fromhex(value)
    return value


def load_input(db, schema, rows):
    db.execute("DROP TABLE IF EXISTS input")
    cols = ", ".join("%s %s" % (_quote(c["name"]), _AFFINITY.get(c["type"], "TEXT")) for c in schema)
    db.execute("CREATE TABLE input (%s)" % cols)
    kinds = [c["type"] for c in schema]
    marks = ", ".join("?" for _ in schema)
    db.executemany("INSERT INTO input VALUES (%s)" % marks,
                   ([_to_sqlite(k, v) for k, v in zip(kinds, row)] for row in rows))


# --- output conversion ------------------------------------------------------

def _float_out(v):
    if isinstance(v, str) and v in _SPECIAL_FLOATS:
        return v
    f = float(v)
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    return f


def _numeric_out(v):
    if isinstance(v, float):
        return _text(_dec(v))
    return str(v)


def _json_out(v):
    return json.loads(v) if isinstance(v, str) else v


def _bytes_out(v):
    return v.hex() if isinstance(v, bytes) else str(v).encode("utf-8").hex()


def _timestamp_out(v):
    return str(v).replace(" ", "T", 1)


_CONVERT = {
    "int64": int, "float64": _float_out, "numeric": _numeric_out, "bool": bool, "string": str,
    "timestamp": _timestamp_out, "timestamptz": _timestamp_out, "date": str, "json": _json_out,
    "bytes": _bytes_out,
}


def _storage_ok(kind, v):
    """Does a SQLite value have the storage class an input column of `kind` produces?"""
    if kind in ("int64", "bool"):
        return isinstance(v, int)
    if kind == "float64":
        return isinstance(v, (int, float)) or v in _SPECIAL_FLOATS
    if kind == "bytes":
        return isinstance(v, bytes)
    if kind == "json":
        if not isinstance(v, str):
            return False
        try:
            json.loads(v)
        except ValueError:
            return False
        return True
    return isinstance(v, str)


def _infer(values):
    present = [v for v in values if v is not None]
    if not present:
        return "string"
    if all(isinstance(v, int) for v in present):
        return "int64"
    if all(isinstance(v, (int, float)) for v in present):
        return "float64"
    if all(isinstance(v, bytes) for v in present):
        return "bytes"
    return "string"


def _nullable(fn):
    def convert(v):
        return None if v is None else fn(v)
    return convert


def output_schema(input_schema, names, rows, output_types):
    by_name = {c["name"]: c for c in input_schema}
    schema = []
    converters = []
    for index, name in enumerate(names):
        values = [row[index] for row in rows]
        nullable = True
        if name in output_types:
            kind = output_types[name]
        elif name in by_name and all(v is None or _storage_ok(by_name[name]["type"], v) for v in values):
            kind = by_name[name]["type"]
            nullable = by_name[name].get("nullable", True) or any(v is None for v in values)
        else:
            kind = _infer(values)
            if kind == "string":
                converters.append(_nullable(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)))
                schema.append({"name": name, "type": kind, "nullable": True})
                continue
        converters.append(_nullable(_CONVERT[kind]))
        schema.append({"name": name, "type": kind, "nullable": nullable})
    return schema, converters

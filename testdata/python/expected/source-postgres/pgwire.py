"""Minimal PostgreSQL frontend/backend protocol 3.0 client (pure stdlib).

Shared by the first-party connectors `source-postgres` and `dest-postgres`
(each connector directory is built on its own, so each carries an identical
copy of this file; `tests/test_pgwire.py` checks the copies stay identical).

The client never touches sockets itself: it talks to a *transport*, any object
with three methods

    send(data: bytes) -> None    # write all of `data`
    recv(n: int) -> bytes        # up to n bytes, at least 1; b"" at end of stream
    close() -> None

Inside a wasm guest the transport wraps the host's `tcp-connect` /
`socket-*` functions; in CPython tests it wraps a real socket.

Supported: startup, trust / cleartext / md5 / SCRAM-SHA-256 authentication,
simple query (RowDescription, DataRow, CommandComplete, EmptyQueryResponse,
ReadyForQuery), COPY ... FROM STDIN (text format), ErrorResponse (raised as
`PgError`, which carries the SQLSTATE and a connector error category).
ParameterStatus, BackendKeyData, NoticeResponse and NotificationResponse are
consumed and ignored.
"""

import base64
import hashlib
import hmac
import os
import struct

PROTOCOL_VERSION = 196608  # 3.0
SCRAM_MECHANISM = "SCRAM-SHA-256"


class PgError(Exception):
    """An error reported by the server (ErrorResponse) or a protocol failure.

    `fields` maps the one-letter ErrorResponse field codes to their values
    ("S" severity, "C" SQLSTATE, "M" message, "D" detail, ...).
    """

    def __init__(self, message, sqlstate="", fields=None, category=None):
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate
        self.fields = dict(fields or {})
        self.category = category or category_for_sqlstate(sqlstate)

    @classmethod
    def from_fields(cls, fields):
        code = fields.get("C", "")
        msg = fields.get("M", "unknown server error")
        if fields.get("D"):
            msg = msg + " (" + fields["D"] + ")"
        return cls(msg, code, fields)


class ProtocolError(PgError):
    """The server sent something this client does not understand."""

    def __init__(self, message):
        super().__init__(message, "", None, "internal")


class ConnectionLost(PgError):
    """The transport reached end of stream in the middle of a conversation."""

    def __init__(self, message="connection closed by server"):
        super().__init__(message, "08006", None, "transient_network")


def category_for_sqlstate(sqlstate):
    """Connector error category (snake_case name) for a SQLSTATE code."""
    cls = (sqlstate or "")[:2]
    if sqlstate in ("42501",):
        return "permission"
    if cls == "28":
        return "auth"
    if cls == "08":
        return "transient_network"
    if cls in ("40", "53", "55", "57", "58"):
        return "transient_db"
    if cls in ("22", "23"):
        return "data"
    if cls in ("42", "3F"):
        return "schema"
    if cls in ("0A", "F0", "XX", "P0"):
        return "internal"
    if sqlstate == "":
        return "internal"
    return "transient_db" if cls in ("25", "54") else "internal"


def is_retryable_category(category):
    return category in ("transient_network", "transient_db", "rate_limit")


class Result:
    """Outcome of one statement of a simple query."""

    def __init__(self):
        self.columns = []  # list of dicts: name, type_oid, type_size, type_mod, format
        self.rows = []  # list of lists of (str | None); text format values
        self.command = ""  # CommandComplete tag, e.g. "SELECT 3", "INSERT 0 5"

    @property
    def rowcount(self):
        parts = self.command.split()
        if parts and parts[-1].isdigit():
            return int(parts[-1])
        return 0

    def __repr__(self):
        return "Result(command=%r, columns=%d, rows=%d)" % (
            self.command, len(self.columns), len(self.rows))


def quote_ident(name):
    """Quote an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(value):
    """Quote a value as an SQL string literal (standard_conforming_strings on)."""
    if value is None:
        return "NULL"
    text = str(value)
    if "\x00" in text:
        raise ValueError("NUL byte in SQL literal")
    return "'" + text.replace("'", "''") + "'"


def copy_text_escape(value):
    """Escape one value for COPY ... FROM STDIN in text format (None -> \\N)."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\x00" in text:
        raise ValueError("NUL byte in COPY value")
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def copy_text_row(values):
    """One COPY text-format line (with trailing newline) for a row of values."""
    return "\t".join(copy_text_escape(v) for v in values) + "\n"


# --- SCRAM-SHA-256 (RFC 5802 / RFC 7677), no channel binding ---------------

def _saslprep(password):
    # PostgreSQL falls back to the raw bytes when SASLprep fails; plain ASCII
    # passwords are unchanged by SASLprep. We use the raw UTF-8 bytes.
    return password.encode("utf-8")


class _HmacSha256:
    """HMAC-SHA256 (RFC 2104) on hashlib alone, with the keyed states precomputed.

    The CPython inside componentize-py has no OpenSSL: `hmac.new` then takes a
    slow path that imports a module the component does not bundle, and
    `hashlib.pbkdf2_hmac` does not exist. So SCRAM builds its HMAC here.
    """

    def __init__(self, key):
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\x00")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, msg):
        inner = self.inner.copy()
        inner.update(msg)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def hmac_sha256(key, msg):
    return _HmacSha256(key).digest(msg)


def _hi(password, salt, iterations):
    """SCRAM Hi(): PBKDF2-HMAC-SHA256 with one output block."""
    fast = getattr(hashlib, "pbkdf2_hmac", None)
    if fast is not None:
        return fast("sha256", password, salt, iterations)
    prf = _HmacSha256(password).digest
    u = prf(salt + b"\x00\x00\x00\x01")
    acc = int.from_bytes(u, "big")
    for _ in range(iterations - 1):
        u = prf(u)
        acc ^= int.from_bytes(u, "big")
    return acc.to_bytes(32, "big")


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


class ScramClient:
    """Client side of SCRAM-SHA-256, one exchange."""

    def __init__(self, user, password, nonce=None, sasl_name=""):
        # PostgreSQL takes the user from the startup message and ignores the
        # SCRAM user name, so libpq (and this client) send an empty one.
        self.user = user
        self.password = password
        self.nonce = nonce or base64.b64encode(os.urandom(18)).decode()
        self.client_first_bare = "n=" + sasl_name + ",r=" + self.nonce
        self.server_signature = None

    def client_first(self):
        return ("n,," + self.client_first_bare).encode()

    def client_final(self, server_first):
        server_first = server_first.decode()
        attrs = dict(part.split("=", 1) for part in server_first.split(","))
        nonce, salt, iterations = attrs["r"], base64.b64decode(attrs["s"]), int(attrs["i"])
        if not nonce.startswith(self.nonce):
            raise ProtocolError("SCRAM server nonce does not extend the client nonce")
        salted = _hi(_saslprep(self.password), salt, iterations)
        client_key = hmac_sha256(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        final_no_proof = "c=" + base64.b64encode(b"n,,").decode() + ",r=" + nonce
        auth_message = ",".join([self.client_first_bare, server_first, final_no_proof]).encode()
        client_sig = hmac_sha256(stored_key, auth_message)
        proof = base64.b64encode(_xor(client_key, client_sig)).decode()
        server_key = hmac_sha256(salted, b"Server Key")
        self.server_signature = hmac_sha256(server_key, auth_message)
        return (final_no_proof + ",p=" + proof).encode()

    def verify_server_final(self, server_final):
        attrs = dict(part.split("=", 1) for part in server_final.decode().split(","))
        if "e" in attrs:
            raise PgError("SCRAM authentication failed: " + attrs["e"], "28P01")
        if not hmac.compare_digest(base64.b64decode(attrs.get("v", "")), self.server_signature):
            raise PgError("SCRAM server signature mismatch", "28000")


def md5_password(user, password, salt):
    inner = hashlib.md5(password.encode() + user.encode()).hexdigest()
    return "md5" + hashlib.md5(inner.encode() + salt).hexdigest()


# --- the connection ---------------------------------------------------------

class Connection:
    """One PostgreSQL session over a transport."""

    def __init__(self, transport):
        self.transport = transport
        self.buf = bytearray()
        self.parameters = {}
        self.backend_pid = None
        self.transaction_status = "I"
        self.notices = []
        self.closed = False

    # -- framing --
    def _fill(self, need):
        while len(self.buf) < need:
            chunk = self.transport.recv(max(65536, need - len(self.buf)))
            if not chunk:
                self.closed = True
                raise ConnectionLost()
            self.buf += chunk

    def _read_message(self):
        self._fill(5)
        tag = chr(self.buf[0])
        (length,) = struct.unpack_from("!i", self.buf, 1)
        if length < 4:
            raise ProtocolError("bad message length %d" % length)
        self._fill(1 + length)
        body = bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        return tag, body

    def _send(self, tag, body=b""):
        self.transport.send(tag + struct.pack("!i", len(body) + 4) + body)

    @staticmethod
    def _cstr(text):
        return text.encode("utf-8") + b"\x00"

    # -- startup --
    def startup(self, user, database, password=None, options=None):
        params = {"user": user, "database": database, "client_encoding": "UTF8",
                  "DateStyle": "ISO, MDY", "TimeZone": "UTC", "extra_float_digits": "3",
                  "application_name": "rapidbyte"}
        params.update(options or {})
        body = struct.pack("!i", PROTOCOL_VERSION)
        for key, value in params.items():
            body += self._cstr(key) + self._cstr(str(value))
        body += b"\x00"
        self.transport.send(struct.pack("!i", len(body) + 4) + body)
        scram = None
        while True:
            tag, data = self._read_message()
            if tag == "R":
                (code,) = struct.unpack_from("!i", data, 0)
                if code == 0:  # AuthenticationOk
                    continue
                if code == 3:  # cleartext
                    self._need_password(password)
                    self._send(b"p", self._cstr(password))
                elif code == 5:  # md5
                    self._need_password(password)
                    self._send(b"p", self._cstr(md5_password(user, password, data[4:8])))
                elif code == 10:  # SASL: list of mechanisms
                    mechs = [m.decode() for m in data[4:].split(b"\x00") if m]
                    if SCRAM_MECHANISM not in mechs:
                        raise PgError("unsupported SASL mechanisms: %s" % ", ".join(mechs),
                                      "28000", None, "auth")
                    self._need_password(password)
                    scram = ScramClient(user, password)
                    first = scram.client_first()
                    self._send(b"p", self._cstr(SCRAM_MECHANISM) + struct.pack("!i", len(first)) + first)
                elif code == 11:  # SASLContinue
                    if scram is None:
                        raise ProtocolError("SASLContinue without SASL start")
                    self._send(b"p", scram.client_final(data[4:]))
                elif code == 12:  # SASLFinal
                    if scram is None:
                        raise ProtocolError("SASLFinal without SASL start")
                    scram.verify_server_final(data[4:])
                else:
                    raise PgError("unsupported authentication request %d" % code, "28000", None, "auth")
            elif tag == "E":
                raise PgError.from_fields(self._error_fields(data))
            elif tag == "S":
                self._parameter_status(data)
            elif tag == "K":
                self.backend_pid = struct.unpack_from("!i", data, 0)[0]
            elif tag == "N":
                self.notices.append(self._error_fields(data))
            elif tag == "Z":
                self.transaction_status = chr(data[0])
                return self
            else:
                raise ProtocolError("unexpected message %r during startup" % tag)

    @staticmethod
    def _need_password(password):
        if password is None:
            raise PgError("server requested a password but none is configured", "28P01", None, "auth")

    def _parameter_status(self, data):
        parts = data.split(b"\x00")
        if len(parts) >= 2:
            self.parameters[parts[0].decode()] = parts[1].decode()

    @staticmethod
    def _error_fields(data):
        fields = {}
        for part in data.split(b"\x00"):
            if part:
                fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
        return fields

    # -- simple query --
    def execute(self, sql, copy_rows=None):
        """Run a simple query (possibly several statements); return a list of Result.

        `copy_rows` is an iterable of already-encoded COPY text lines (bytes or
        str), sent when the server answers with CopyInResponse.
        Raises PgError on ErrorResponse, after the server is ready again.
        """
        results = []
        rows = []
        for item in self.stream(sql, copy_rows):
            if isinstance(item, Result):
                item.rows = rows
                results.append(item)
                rows = []
            elif isinstance(item, list):
                rows.append([None if v is None else v.decode("utf-8") for v in item])
        return results

    def query(self, sql):
        """Run one statement and return its Result (the last one if several)."""
        results = self.execute(sql)
        return results[-1] if results else Result()

    def stream(self, sql, copy_rows=None):
        """Generator over a simple query's output.

        Yields, per statement: ("columns", [...]) once, then each row as a list
        of undecoded text-format values (bytes, or None for NULL) as it
        arrives, then the finished Result (whose `rows` stays empty: rows are
        streamed, not buffered). Decoding is left to the caller so that a value
        that is not valid UTF-8 can be handled per row. Callers must exhaust
        the generator, or the session is out of step with the server.
        """
        self._send(b"Q", self._cstr(sql))
        error = None
        current = None
        while True:
            tag, data = self._read_message()
            if tag == "T":
                current = Result()
                current.columns = self._row_description(data)
                yield ("columns", current.columns)
            elif tag == "D":
                yield self._data_row(data)
            elif tag == "C":
                if current is None:
                    current = Result()
                current.command = data.rstrip(b"\x00").decode()
                yield current
                current = None
            elif tag == "I":
                yield Result()
                current = None
            elif tag == "G":  # CopyInResponse
                try:
                    self._copy_in(copy_rows)
                except Exception as exc:  # tell the server, keep the protocol in sync
                    self._send(b"f", self._cstr("client error: %s" % exc))
                    if error is None:
                        error = exc
            elif tag == "H" or tag == "W":  # CopyOut / CopyBoth: not supported
                self._send(b"f", self._cstr("COPY TO is not supported by this client"))
            elif tag == "d" or tag == "c":
                pass
            elif tag == "E":
                if error is None:
                    error = PgError.from_fields(self._error_fields(data))
            elif tag == "N":
                self.notices.append(self._error_fields(data))
                del self.notices[:-20]
            elif tag in ("S", "A"):
                if tag == "S":
                    self._parameter_status(data)
            elif tag == "K":
                pass
            elif tag == "Z":
                self.transaction_status = chr(data[0])
                if error is not None:
                    raise error
                return
            else:
                raise ProtocolError("unexpected message %r" % tag)

    def _copy_in(self, rows):
        if rows is None:
            raise PgError("server expects COPY data but none was given", "08P01", None, "internal")
        pending = []
        size = 0
        for line in rows:
            if isinstance(line, str):
                line = line.encode("utf-8")
            pending.append(line)
            size += len(line)
            if size >= 65536:
                self._send(b"d", b"".join(pending))
                pending, size = [], 0
        if pending:
            self._send(b"d", b"".join(pending))
        self._send(b"c")

    def copy_in(self, sql, rows):
        """Run `COPY ... FROM STDIN` with an iterable of lines; return the row count."""
        results = self.execute(sql, copy_rows=rows)
        return results[-1].rowcount if results else 0

    @staticmethod
    def _row_description(data):
        (count,) = struct.unpack_from("!h", data, 0)
        pos = 2
        cols = []
        for _ in range(count):
            end = data.index(b"\x00", pos)
            name = data[pos:end].decode("utf-8")
            pos = end + 1
            table_oid, attnum, type_oid, size, mod, fmt = struct.unpack_from("!ihihih", data, pos)
            pos += 18
            cols.append({"name": name, "table_oid": table_oid, "attnum": attnum,
                         "type_oid": type_oid, "type_size": size, "type_mod": mod, "format": fmt})
        return cols

    @staticmethod
    def _data_row(data):
        (count,) = struct.unpack_from("!h", data, 0)
        pos = 2
        row = []
        for _ in range(count):
            (length,) = struct.unpack_from("!i", data, pos)
            pos += 4
            if length < 0:
                row.append(None)
            else:
                row.append(data[pos:pos + length])
                pos += length
        return row

    def close(self):
        if not self.closed:
            try:
                self._send(b"X")
            except Exception:
                pass
            self.closed = True
        try:
            self.transport.close()
        except Exception:
            pass


def connect(transport, user, database, password=None, options=None):
    """Open a session on `transport` and authenticate; returns a Connection."""
    conn = Connection(transport)
    try:
        conn.startup(user, database, password, options)
    except BaseException:
        conn.close()
        raise
    return conn

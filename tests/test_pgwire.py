"""The connectors' PostgreSQL wire client (testdata/python/v3/*/pgwire.py), tested in CPython
against the real throwaway PostgreSQL of tests/conftest.py, through a real-socket transport."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from connector_support import SocketTransport, load_module

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"


pgwire = load_module(V3 / "source-postgres" / "pgwire.py", "rb_test_pgwire")
pgtypes = load_module(V3 / "source-postgres" / "pgtypes.py", "rb_test_pgtypes")


@pytest.fixture(scope="module")
def server(pg):
    """The session cluster of tests/conftest.py (tests/pg.py: host, port, dbname, passwords)."""
    return pg


def _connect(server, user="rb_trust", password=None, **kw):
    return pgwire.connect(SocketTransport(server.host, server.port, **kw), user, server.dbname, password)


@pytest.fixture
def conn(server):
    c = _connect(server)
    yield c
    c.close()


# --- pure functions ---------------------------------------------------------

def test_copies_of_the_client_are_identical():
    # each connector directory is built on its own, so source and dest carry a copy
    a = (V3 / "source-postgres" / "pgwire.py").read_bytes()
    b = (V3 / "dest-postgres" / "pgwire.py").read_bytes()
    assert a == b


def test_scram_matches_rfc7677_vector():
    # RFC 7677 section 3 (user "user", password "pencil")
    client = pgwire.ScramClient("user", "pencil", nonce="rOprNGfwEbeRWgbNEkqO", sasl_name="user")
    assert client.client_first() == b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    server_first = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    final = client.client_final(server_first)
    assert final == (b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    client.verify_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    with pytest.raises(pgwire.PgError):
        client.verify_server_final(b"v=" + base64.b64encode(b"x" * 32))
    with pytest.raises(pgwire.PgError):
        pgwire.ScramClient("u", "p", nonce="abc").client_final(b"r=xyz,s=AAAA,i=1")


def test_hmac_and_pbkdf2_work_without_openssl(monkeypatch):
    # componentize-py's CPython has no OpenSSL: no hashlib.pbkdf2_hmac, and hmac.new's fallback
    # imports a module the component does not bundle; the client carries its own HMAC/PBKDF2.
    import hashlib
    import hmac

    for key in (b"", b"k", b"x" * 64, b"y" * 100):
        assert pgwire.hmac_sha256(key, b"message") == hmac.new(key, b"message", hashlib.sha256).digest()
    reference = hashlib.pbkdf2_hmac("sha256", b"pencil", b"salt", 4096)
    monkeypatch.delattr(hashlib, "pbkdf2_hmac")
    assert pgwire._hi(b"pencil", b"salt", 4096) == reference
    test_scram_matches_rfc7677_vector()  # the whole exchange on the fallback path


def test_md5_password_hash():
    # md5(md5(password + user) + salt), as libpq computes it
    import hashlib

    inner = hashlib.md5(b"secretbob").hexdigest()
    assert pgwire.md5_password("bob", "secret", b"\x01\x02\x03\x04") == \
        "md5" + hashlib.md5(inner.encode() + b"\x01\x02\x03\x04").hexdigest()


@pytest.mark.parametrize("sqlstate,category", [
    ("28P01", "auth"), ("28000", "auth"), ("08006", "transient_network"), ("40001", "transient_db"),
    ("40P01", "transient_db"), ("57014", "transient_db"), ("53300", "transient_db"), ("22P02", "data"),
    ("23505", "data"), ("42P01", "schema"), ("42703", "schema"), ("42501", "permission"), ("XX000", "internal"),
    ("0A000", "internal"), ("", "internal"),
])
def test_sqlstate_categories(sqlstate, category):
    assert pgwire.category_for_sqlstate(sqlstate) == category


def test_copy_text_escaping_rules():
    assert pgwire.copy_text_row([1, None, "a\tb", "x\\y", "l1\nl2\r"]) == "1\t\\N\ta\\tb\tx\\\\y\tl1\\nl2\\r\n"
    with pytest.raises(ValueError):
        pgwire.copy_text_escape("nul\x00")
    assert pgwire.quote_ident('we"ird') == '"we""ird"'
    assert pgwire.quote_literal("it's") == "'it''s'"
    assert pgwire.quote_literal(None) == "NULL"


# --- against the server -----------------------------------------------------

@pytest.mark.parametrize("user,password", [("rb_trust", None), ("rb_md5", "md5"), ("rb_scram", "scram")])
def test_each_auth_method(server, user, password):
    pw = server.passwords[user] if password else None
    c = _connect(server, user, pw)
    try:
        assert c.query("SELECT current_user").rows == [[user]]
        assert c.parameters["client_encoding"] == "UTF8"
        assert c.parameters["TimeZone"] == "UTC"
        assert c.backend_pid
        method = c.query("SELECT 1").rows
        assert method == [["1"]]
    finally:
        c.close()


@pytest.mark.parametrize("user", ["rb_md5", "rb_scram"])
def test_wrong_password_is_an_auth_error(server, user):
    with pytest.raises(pgwire.PgError) as info:
        _connect(server, user, "definitely-wrong")
    assert info.value.sqlstate == "28P01"
    assert info.value.category == "auth"


def test_missing_password_is_an_auth_error(server):
    with pytest.raises(pgwire.PgError) as info:
        _connect(server, "rb_scram", None)
    assert info.value.category == "auth"


def test_simple_query_values_nulls_unicode_and_multiple_statements(conn):
    results = conn.execute(
        "SELECT 1::int AS a, NULL::text AS b, 'zoë ✓ 𝄞'::text AS c, 12.50::numeric AS d; "
        "SELECT x FROM generate_series(1, 3) x; SELECT 1 WHERE false")
    assert [r.command for r in results] == ["SELECT 1", "SELECT 3", "SELECT 0"]
    first = results[0]
    assert [c["name"] for c in first.columns] == ["a", "b", "c", "d"]
    assert [c["type_oid"] for c in first.columns] == [23, 25, 25, 1700]
    assert first.rows == [["1", None, "zoë ✓ 𝄞", "12.50"]]
    assert results[1].rows == [["1"], ["2"], ["3"]]
    assert results[2].rows == []


def test_empty_query_and_command_tags(conn):
    assert conn.execute("") and conn.execute("")[0].command == ""
    results = conn.execute("CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1), (2); "
                           "UPDATE t SET a = a + 1; DELETE FROM t WHERE a = 3")
    assert [r.command for r in results] == ["CREATE TABLE", "INSERT 0 2", "UPDATE 2", "DELETE 1"]
    assert results[1].rowcount == 2


def test_error_response_then_session_still_usable(conn):
    with pytest.raises(pgwire.PgError) as info:
        conn.query("SELECT * FROM no_such_table_here")
    assert info.value.sqlstate == "42P01"
    assert info.value.category == "schema"
    assert info.value.fields["S"] == "ERROR"
    assert conn.transaction_status == "I"
    conn.execute("BEGIN")
    with pytest.raises(pgwire.PgError) as info:
        conn.query("SELECT 1/0")
    assert info.value.sqlstate == "22012" and info.value.category == "data"
    assert conn.transaction_status == "E"
    conn.execute("ROLLBACK")
    assert conn.query("SELECT 2").rows == [["2"]]


def test_notices_and_parameter_status_are_consumed(conn):
    res = conn.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$; SELECT 7")
    assert res[-1].rows == [["7"]]
    assert any(n.get("M") == "hello from plpgsql" for n in conn.notices)
    conn.execute("SET application_name = 'rb-test-app'")
    assert conn.parameters["application_name"] == "rb-test-app"


def test_tiny_reads_and_many_rows_stream(server):
    # 1..7 byte reads force every message to be reassembled from pieces
    c = _connect(server, max_chunk=7)
    try:
        assert c.query("SELECT string_agg(x::text, ',') FROM generate_series(1, 50) x").rows[0][0].count(",") == 49
    finally:
        c.close()
    c = _connect(server)
    try:
        seen = 0
        columns = None
        for item in c.stream("SELECT x, md5(x::text) FROM generate_series(1, 30000) x"):
            if isinstance(item, tuple):
                columns = item[1]
            elif isinstance(item, list):
                seen += 1
                assert isinstance(item[0], bytes)
            else:
                assert item.command == "SELECT 30000"
        assert seen == 30000 and [col["name"] for col in columns] == ["x", "md5"]
    finally:
        c.close()


def test_copy_in_round_trips_awkward_text(conn):
    conn.execute("CREATE TEMP TABLE c (id int, s text, b bytea, j jsonb)")
    awkward = ["tab\there", "new\nline", "back\\slash", "\\N", "cr\rlf", "", "ünï", "'quote\"", "x" * 100000]
    rows = [[i, s, "\\x" + s.encode().hex(), json.dumps({"s": s})] for i, s in enumerate(awkward)]
    rows.append([99, None, None, None])
    assert conn.copy_in("COPY c (id, s, b, j) FROM STDIN", (pgwire.copy_text_row(r) for r in rows)) == len(rows)
    got = conn.query("SELECT id, s, b = convert_to(s, 'UTF8'), j->>'s' FROM c ORDER BY id").rows
    for i, s in enumerate(awkward):
        assert got[i] == [str(i), s, "t", s]
    assert got[-1] == ["99", None, None, None]


def test_copy_error_is_reported_and_session_recovers(conn):
    conn.execute("CREATE TEMP TABLE e (id int)")
    with pytest.raises(pgwire.PgError) as info:
        conn.copy_in("COPY e FROM STDIN", ["1\n", "not-an-int\n"])
    assert info.value.sqlstate == "22P02" and info.value.category == "data"
    assert conn.query("SELECT count(*) FROM e").rows == [["0"]]

    def broken_rows():
        yield "1\n"
        raise RuntimeError("producer failed")

    with pytest.raises(RuntimeError):
        conn.copy_in("COPY e FROM STDIN", broken_rows())
    assert conn.query("SELECT count(*) FROM e").rows == [["0"]]


def test_quoting_round_trips_through_the_server(conn):
    name = 'odd "name" ✓'
    conn.execute("CREATE TEMP TABLE %s (%s text)" % (pgwire.quote_ident(name), pgwire.quote_ident(name)))
    value = "it's a \\ \"test\" ✓"
    conn.execute("INSERT INTO %s VALUES (%s)" % (pgwire.quote_ident(name), pgwire.quote_literal(value)))
    assert conn.query("SELECT * FROM %s" % pgwire.quote_ident(name)).rows == [[value]]


def test_terminated_backend_is_a_lost_connection(server):
    c = _connect(server)
    try:
        with pytest.raises(pgwire.PgError) as info:
            c.query("SELECT pg_terminate_backend(pg_backend_pid())")
        assert info.value.sqlstate == "57P01" or isinstance(info.value, pgwire.ConnectionLost)
        with pytest.raises(pgwire.PgError) as info:
            c.query("SELECT 1")
        assert info.value.category in ("transient_network", "transient_db")
    finally:
        c.close()


# --- the source's text-value decoders, fed by the real server -----------------

def test_decoders_on_real_server_output(conn):
    res = conn.query(
        "SELECT 42::bigint, 1.5::float8, 'NaN'::float8, 12.50::numeric, 'NaN'::numeric, true, "
        "'2024-01-02 03:04:05.123456'::timestamp, '2024-01-02 03:04:05+02'::timestamptz, '2024-02-29'::date, "
        "'{\"a\": [1, null]}'::jsonb, '\\x00ff'::bytea, 'infinity'::timestamp, 'txt'::varchar")
    oids = [c["type_oid"] for c in res.columns]
    kinds = [pgtypes.logical_from_oid(o) for o in oids]
    assert kinds == ["int64", "float64", "float64", "numeric", "numeric", "bool", "timestamp", "timestamptz",
                     "date", "json", "bytes", "timestamp", "string"]
    raw = [None if v is None else v.encode() for v in res.rows[0]]
    lenient = [pgtypes.decoder(k) for k in kinds]
    decoded = [lenient[i](raw[i]) for i in range(11)]
    assert decoded == [42, 1.5, "NaN", "12.50", "NaN", True, "2024-01-02T03:04:05.123456",
                       "2024-01-02T01:04:05Z", "2024-02-29", {"a": [1, None]}, "00ff"]
    with pytest.raises(pgtypes.DecodeError):
        lenient[11](raw[11])  # infinity has no ISO 8601 form
    with pytest.raises(pgtypes.DecodeError) as info:
        pgtypes.decode_row([pgtypes.decoder(k, strict_numeric=True) for k in kinds[:5]], raw[:5])
    assert info.value.index == 4 and "strict" in info.value.reason
    with pytest.raises(pgtypes.DecodeError) as info:
        pgtypes.decoder("string")(b"caf\xe9")
    assert "UTF-8" in info.value.reason

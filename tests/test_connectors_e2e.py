"""Acceptance of the first-party v3 Python connectors (testdata/python/v3/), built with componentize-py
and run on the reference v3 host against the real test PostgreSQL:

source-postgres -> transform-sql -> dest-postgres, with the destination compared row for row with the
result PostgreSQL itself computes for the same filter and computed columns.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from connector_support import SocketTransport, load_module

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"
WIT_V3 = ROOT / "wit" / "v3"

pytestmark = pytest.mark.slow

N_ROWS = 12_000
BAD_ID = 4_321  # the one row whose numeric text does not decode in numeric_mode=strict
CHECKPOINT_ROWS = 2_500

# the transform under test: a filter plus computed columns (one exact decimal)
TRANSFORM_SQL = (
    "SELECT id, name, qty, qty * 2 AS qty2, dec_mul(amount, '1.5') AS amount_x, amount, price, active, "
    "created_at, updated_at, day, meta, blob FROM input WHERE id % 5 <> 0 AND (qty IS NULL OR qty < 90)"
)
TRANSFORM_CONFIG = {"query": TRANSFORM_SQL, "output_types": {"amount_x": "numeric"}}
# the same result computed by PostgreSQL (the DLQ'd row excluded)
EXPECTED_SQL = (
    "SELECT id, name, qty, qty * 2 AS qty2, amount * 1.5 AS amount_x, amount, price, active, "
    "created_at, updated_at, day, meta, blob FROM {src} WHERE id % 5 <> 0 AND (qty IS NULL OR qty < 90) "
    "AND id <> " + str(BAD_ID)
)


pgwire = load_module(V3 / "source-postgres" / "pgwire.py", "rb_e2e_pgwire")
sqlfuncs = load_module(V3 / "transform-sql" / "sqlfuncs.py", "rb_e2e_sqlfuncs")


# --- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="session")
def components(rb_cache_dir):
    from rbmigrate.hosts import BuildError, build_python_component

    try:
        return {
            "cache_dir": rb_cache_dir,  # also the hosts' compiled-component cache
            "source": build_python_component(V3 / "source-postgres", WIT_V3, "rapidbyte-source",
                                             cache_dir=rb_cache_dir),
            # dest-postgres vendors its own copy of the v3 WIT package and builds from it
            "destination": build_python_component(V3 / "dest-postgres", V3 / "dest-postgres" / "wit",
                                                  "rapidbyte-destination", cache_dir=rb_cache_dir),
            "transform": build_python_component(V3 / "transform-sql", WIT_V3, "rapidbyte-transform",
                                                cache_dir=rb_cache_dir),
        }
    except BuildError as exc:  # componentize-py is a declared dependency: a failure is a real failure
        pytest.fail(f"building the v3 connectors failed:\n{exc}", pytrace=False)


class Db:
    """A throwaway database on the test cluster, with a session for seeding and checking."""

    def __init__(self, cluster, name):
        self.cluster = cluster
        self.name = name
        self.conn = pgwire.connect(SocketTransport(cluster.host, cluster.port), "rb_trust", name)

    def q(self, sql):
        return self.conn.query(sql).rows

    def x(self, sql):
        return self.conn.execute(sql)

    def config(self, user="rb_trust", **extra):
        cfg = self.cluster.config(user, self.name)  # host, port, user, password, database
        cfg.update(extra)
        return cfg


@pytest.fixture(scope="module")
def db(pg):
    name = pg.create_database("rb_e2e_" + uuid.uuid4().hex[:10])
    d = Db(pg, name)
    try:
        yield d
    finally:
        d.conn.close()
        pg.drop_database(name)


SEED = """
CREATE TABLE {t} (
    id bigint PRIMARY KEY, name text, qty integer, amount numeric(14, 2), price double precision,
    active boolean, created_at timestamp, updated_at timestamptz, day date, meta jsonb, blob bytea);
INSERT INTO {t}
SELECT g,
       CASE WHEN g % 11 = 0 THEN NULL
            WHEN g % 7 = 0 THEN 'zoë ✓ 𝄞 ' || g || E' tab\\there\\nnew \\\\ back'
            ELSE 'item-' || g END,
       CASE WHEN g % 13 = 0 THEN NULL ELSE (g * 7) % 100 END,
       CASE WHEN g % 17 = 0 THEN NULL ELSE round((g * 1.37)::numeric, 2) END,
       CASE WHEN g % 19 = 0 THEN NULL ELSE g / 7.0 END,
       CASE WHEN g % 23 = 0 THEN NULL ELSE g % 2 = 0 END,
       TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1 minute 0.123456 second',
       CASE WHEN g % 29 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-06-01 12:00:00+02' + g * INTERVAL '1 hour' END,
       DATE '2023-12-31' + (g % 400),
       CASE WHEN g % 31 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g % 3)) END,
       CASE WHEN g % 37 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END
FROM generate_series(1, {n}) g;
UPDATE {t} SET amount = 'NaN' WHERE id = {bad};
"""


@pytest.fixture(scope="module")
def seeded(db):
    db.x(SEED.format(t="items", n=N_ROWS, bad=BAD_ID))
    return db


def _run(components, db, stream, *, transform=True, source_cfg=None, dest_cfg=None, destination=True):
    from rbmigrate.hosts import HostOptions, PipelineSpec, run_pipeline

    spec = PipelineSpec(
        source=components["source"],
        transform=components["transform"] if transform else None,
        destination=components["destination"] if destination else None,
        source_config=source_cfg or db.config("rb_scram", numeric_mode="strict", batch_size=1000),
        destination_config=dest_cfg or db.config("rb_md5", schema="out"),
        transform_config=TRANSFORM_CONFIG if transform else None,
        streams=[stream],
    )
    options = HostOptions(allow=[(db.cluster.host, db.cluster.port)], deadline_s=180.0,
                          cache_dir=components["cache_dir"])
    return run_pipeline(3, spec, options)


def _stream(**kw):
    from rbmigrate.hosts import StreamSpec

    base = dict(name="items", sync_mode="incremental", cursor_field="id", cursor_type="int64",
                on_data_error="dlq", write_mode="append", limits={"checkpoint_interval_rows": CHECKPOINT_ROWS})
    base.update(kw)
    return StreamSpec(**base)


def _assert_ok(result):
    assert result.errors == [], [(e.stage, e.call, e.kind, e.message, e.stderr_tail[-2000:]) for e in result.errors]


def _summary(result, stage):
    (s,) = [s for s in result.summaries if s.stage == stage]
    return s.fields


def _assert_equal_tables(db, actual, expected_sql):
    """Row for row: same multiset (EXCEPT ALL both ways) and same text of every row in id order."""
    diff = db.q("SELECT (SELECT count(*) FROM ((%s) EXCEPT ALL (SELECT * FROM %s)) a), "
                "(SELECT count(*) FROM ((SELECT * FROM %s) EXCEPT ALL (%s)) b)"
                % (expected_sql, actual, actual, expected_sql))
    assert diff == [["0", "0"]]
    want = db.q("SELECT e::text FROM (%s) e ORDER BY id" % expected_sql)
    got = db.q("SELECT a::text FROM %s a ORDER BY id" % actual)
    assert len(got) == len(want) > 0
    assert got == want


def _assert_monotonic_checkpoints(result):
    for stage in ("source", "transform", "destination"):
        cps = [c for c in result.checkpoints if c.stage == stage]
        if not cps:
            continue
        assert [c.id for c in cps] == list(range(1, len(cps) + 1)), stage
        assert all(a.records <= b.records for a, b in zip(cps, cps[1:])), stage
        assert all(a.bytes <= b.bytes for a, b in zip(cps, cps[1:])), stage
        values = [c.cursor["value"] for c in cps if c.cursor is not None]
        assert values == sorted(values), stage


# --- pure transform helpers (fast) -----------------------------------------

def test_transform_decimal_functions_are_exact():
    assert sqlfuncs.dec_mul("12.50", "1.5") == "18.750"
    assert sqlfuncs.dec_add("0.1", "0.2") == "0.3"
    assert sqlfuncs.dec_sub("1", "0.001") == "0.999"
    assert sqlfuncs.dec_div("1", "3", 4) == "0.3333"
    assert sqlfuncs.dec_round("2.345", 2) == "2.35"
    assert sqlfuncs.dec_cmp("10.0", "9.99") == 1
    assert sqlfuncs.dec_mul("123456789012345678901234567890.12", "10") == "1234567890123456789012345678901.20"
    with pytest.raises(ValueError):
        sqlfuncs.dec_mul("NaN", "1")


def test_transform_output_typing():
    import sqlite3

    db = sqlite3.connect(":memory:")
    sqlfuncs.register(db)
    schema = [{"name": "id", "type": "int64", "nullable": False}, {"name": "amt", "type": "numeric", "nullable": True},
              {"name": "ok", "type": "bool", "nullable": True}, {"name": "j", "type": "json", "nullable": True},
              {"name": "b", "type": "bytes", "nullable": True}, {"name": "f", "type": "float64", "nullable": True}]
    rows = [[1, "12.50", True, {"a": [1]}, "00ff", "NaN"], [2, None, False, None, None, 2.5]]
    sqlfuncs.load_input(db, schema, rows)
    cur = db.execute("SELECT id, amt, ok, j, b, f, id * 2 AS twice, dec_mul(amt, 2) AS amt2, id / 2.0 AS half "
                     "FROM input ORDER BY id")
    names = [d[0] for d in cur.description]
    result = cur.fetchall()
    out, convs = sqlfuncs.output_schema(schema, names, result, {"amt2": "numeric"})
    assert [(c["name"], c["type"], c["nullable"]) for c in out] == [
        ("id", "int64", False), ("amt", "numeric", True), ("ok", "bool", True), ("j", "json", True),
        ("b", "bytes", True), ("f", "float64", True), ("twice", "int64", True), ("amt2", "numeric", True),
        ("half", "float64", True)]
    assert [[c(v) if v is not None else None for c, v in zip(convs, r)] for r in result] == [
        [1, "12.50", True, {"a": [1]}, "00ff", "NaN", 2, "25.00", 0.5],
        [2, None, False, None, None, 2.5, 4, None, 1.0]]


# --- the pipeline -----------------------------------------------------------

def test_full_pipeline_append_then_incremental(components, seeded):
    db = seeded
    db.x("DROP SCHEMA IF EXISTS out CASCADE; CREATE SCHEMA out")
    first = _run(components, db, _stream())
    _assert_ok(first)

    # the catalog (discover) describes the seeded table
    (items,) = [s for s in first.catalog["streams"] if s["name"] == "items"]
    assert items["primary_key"] == ["id"]
    assert [(c["name"], c["data_type"]) for c in items["schema"]][:4] == [
        ("id", "int64"), ("name", "string"), ("qty", "int64"), ("amount", "numeric")]

    _assert_equal_tables(db, "out.items", EXPECTED_SQL.format(src="items"))

    # exactly the bad row went to the DLQ, as the server's text
    assert len(first.dlq) == 1
    bad = first.dlq[0]
    assert bad.stage == "source" and bad.stream == "items" and bad.category == "data"
    assert bad.record["id"] == str(BAD_ID) and bad.record["amount"] == "NaN"
    assert "numeric_mode=strict" in bad.error_message

    src = _summary(first, "source")
    assert src["records_read"] == N_ROWS - 1 and src["records_skipped"] == 1
    expected_count = int(db.q("SELECT count(*) FROM (%s) e" % EXPECTED_SQL.format(src="items"))[0][0])
    assert _summary(first, "transform")["records_out"] == expected_count
    assert _summary(first, "destination")["records_written"] == expected_count
    assert src["bytes_read"] == sum(b.size for b in first.batches if b.stage == "source")

    # checkpoints: every CHECKPOINT_ROWS rows, then a final one; monotonic everywhere
    _assert_monotonic_checkpoints(first)
    source_cps = [c for c in first.checkpoints if c.stage == "source"]
    assert [c.records for c in source_cps] == [2500, 5000, 7500, 10000, 12000]
    assert [c.cursor for c in source_cps] == [{"field": "id", "value": v} for v in (2500, 5000, 7500, 10000, 12000)]
    assert source_cps[0].raw["envelope"] is True and source_cps[-1].raw["envelope"] is False
    assert len([c for c in first.checkpoints if c.stage == "destination"]) == _summary(first, "destination")[
        "batches_written"]
    assert len([c for c in first.checkpoints if c.stage == "transform"]) == _summary(first, "transform")[
        "batches_processed"]
    assert first.state.final[("per-stream", "items.cursor")] == "12000"

    # metrics of every stage
    names = {(m.stage, m.name) for m in first.metrics}
    assert {("source", "records_read"), ("source", "read_secs"), ("transform", "records_out"),
            ("destination", "records_written"), ("destination", "write_secs")} <= names
    read = [m for m in first.metrics if m.stage == "source" and m.name == "records_read"]
    assert read[0].value == N_ROWS - 1 and read[0].labels == [("stream", "items")]

    # incremental second run: new rows only, from the first run's last checkpoint
    db.x("INSERT INTO items SELECT g, 'late-' || g, g %% 100, g * 0.5, g * 1.0, true, TIMESTAMP '2025-01-01', "
         "NULL, DATE '2025-01-01', '[]', '\\x00' FROM generate_series(%d, %d) g" % (N_ROWS + 1, N_ROWS + 600))
    last = source_cps[-1].cursor["value"]
    second = _run(components, db, _stream(cursor_last_value=last))
    _assert_ok(second)
    assert _summary(second, "source")["records_read"] == 600
    assert min(r[0] for r in second.rows("source")) == N_ROWS + 1
    assert second.dlq == []
    _assert_monotonic_checkpoints(second)
    assert [c.cursor["value"] for c in second.checkpoints if c.stage == "source"][-1] == N_ROWS + 600
    _assert_equal_tables(db, "out.items", EXPECTED_SQL.format(src="items"))

    # a third run with nothing new emits no batch and keeps the cursor
    third = _run(components, db, _stream(cursor_last_value=N_ROWS + 600))
    _assert_ok(third)
    assert third.batches == []
    (cp,) = [c for c in third.checkpoints if c.stage == "source"]
    assert cp.cursor == {"field": "id", "value": N_ROWS + 600} and cp.records == 0


def test_upsert_mode(components, db):
    db.x("DROP TABLE IF EXISTS up_src; DROP SCHEMA IF EXISTS up CASCADE; CREATE SCHEMA up")
    db.x(SEED.format(t="up_src", n=3000, bad=BAD_ID).replace("WHERE id = %d" % BAD_ID, "WHERE id = 1234"))
    expected = EXPECTED_SQL.format(src="up_src").replace(str(BAD_ID), "1234")
    stream = _stream(name="up_src", sync_mode="full_refresh", write_mode="upsert", primary_key=["id"])
    dest = db.config("rb_scram", schema="up")
    first = _run(components, db, stream, dest_cfg=dest)
    _assert_ok(first)
    _assert_equal_tables(db, "up.up_src", expected)
    assert db.q("SELECT count(*) FROM pg_constraint WHERE conrelid = 'up.up_src'::regclass AND contype = 'p'") == [["1"]]

    # change, add and (irrelevantly) delete source rows; a second full run upserts
    db.x("UPDATE up_src SET name = 'renamed-' || id, amount = amount + 1 WHERE id % 4 = 1 AND id <> 1234; "
         "INSERT INTO up_src (id, name, qty, amount) SELECT g, 'new', 1, 2.25 FROM generate_series(3001, 3100) g")
    second = _run(components, db, stream, dest_cfg=dest)
    _assert_ok(second)
    _assert_equal_tables(db, "up.up_src", expected)
    _assert_monotonic_checkpoints(second)
    assert _summary(second, "destination")["records_written"] == int(
        db.q("SELECT count(*) FROM (%s) e" % expected)[0][0])


@pytest.mark.parametrize("load_method", ["copy", "insert"])
def test_replace_mode(components, db, load_method):
    schema = "rp_" + load_method
    db.x("DROP TABLE IF EXISTS rp_src; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (schema, schema))
    db.x(SEED.format(t="rp_src", n=2000, bad=BAD_ID).replace("WHERE id = %d" % BAD_ID, "WHERE id = 77"))
    expected = EXPECTED_SQL.format(src="rp_src").replace(str(BAD_ID), "77")
    # a stale table with another shape: replace recreates it from the batch schema
    db.x("CREATE TABLE %s.rp_src (id int, junk text); INSERT INTO %s.rp_src VALUES (1, 'old'), (2, 'old')"
         % (schema, schema))
    stream = _stream(name="rp_src", sync_mode="full_refresh", write_mode="replace")
    dest = db.config("rb_trust", schema=schema, load_method=load_method, insert_batch_rows=97)
    first = _run(components, db, stream, dest_cfg=dest)
    _assert_ok(first)
    _assert_equal_tables(db, "%s.rp_src" % schema, expected)

    db.x("DELETE FROM rp_src WHERE id > 1000")
    second = _run(components, db, stream, dest_cfg=dest)
    _assert_ok(second)
    _assert_equal_tables(db, "%s.rp_src" % schema, expected)
    assert int(db.q("SELECT max(id) FROM %s.rp_src" % schema)[0][0]) <= 1000


@pytest.mark.parametrize("user", ["rb_trust", "rb_md5", "rb_scram"])
def test_each_auth_method_through_the_wasm_source(components, seeded, user):
    db = seeded
    stream = _stream(sync_mode="full_refresh", max_records=1500, selected_columns=["id", "name"])
    result = _run(components, db, stream, transform=False, destination=False,
                  source_cfg=db.config(user, batch_size=700))
    _assert_ok(result)
    (validation,) = result.validations
    assert validation.status == "success" and ("as %s " % user) in validation.message
    rows = result.rows("source")
    assert len(rows) == 1500 and [r[0] for r in rows] == list(range(1, 1501))
    assert [c["name"] for c in result.batches[0].schema] == ["id", "name"]
    assert [len(b.rows) for b in result.batches if b.stage == "source"] == [700, 700, 100]


def test_wrong_password_is_an_auth_error(components, seeded):
    db = seeded
    cfg = db.config("rb_scram")
    cfg["password"] = "wrong"
    result = _run(components, db, _stream(), transform=False, destination=False, source_cfg=cfg)
    (err,) = result.errors
    assert err.stage == "source" and err.kind == "connector-error"
    assert err.error["category"] == "auth" and err.error["code"] == "PG_28P01"


def test_data_error_policies_skip_and_fail(components, seeded):
    db = seeded
    cfg = db.config("rb_trust", numeric_mode="strict", batch_size=5000)
    skip = _run(components, db, _stream(sync_mode="full_refresh", on_data_error="skip"), transform=False,
                destination=False, source_cfg=cfg)
    _assert_ok(skip)
    assert skip.dlq == [] and _summary(skip, "source")["records_skipped"] == 1
    assert BAD_ID not in {r[0] for r in skip.rows("source")}
    assert any(log.level == "warn" and "skipping" in log.msg for log in skip.logs)

    fail = _run(components, db, _stream(sync_mode="full_refresh", on_data_error="fail"), transform=False,
                destination=False, source_cfg=cfg)
    (err,) = fail.errors
    assert err.call in ("run-read", "run") and err.error["category"] == "data"
    assert err.error["code"] == "DECODE_ERROR" and err.error["scope"] == "per-record"
    assert err.error["details"]["record"]["id"] == str(BAD_ID)

    # lenient numeric mode passes NaN through as the numeric text
    lenient = _run(components, db, _stream(sync_mode="full_refresh", on_data_error="fail"), transform=False,
                   destination=False, source_cfg=db.config("rb_trust", batch_size=5000))
    _assert_ok(lenient)
    (row,) = [r for r in lenient.rows("source") if r[0] == BAD_ID]
    assert row[3] == "NaN"


def test_network_allowlist_is_enforced(components, seeded):
    from rbmigrate.hosts import HostOptions, PipelineSpec, run_pipeline

    db = seeded
    spec = PipelineSpec(source=components["source"], source_config=db.config("rb_trust"), streams=[_stream()])
    result = run_pipeline(3, spec, HostOptions(allow=[], deadline_s=60.0, cache_dir=components["cache_dir"]))
    assert result.errors and result.errors[0].error["category"] == "permission"


@pytest.mark.parametrize("stream_kw,category,code", [
    ({"sync_mode": "cdc"}, "config", "UNSUPPORTED_SYNC_MODE"),
    ({"cursor_field": None}, "config", "NO_CURSOR_FIELD"),
    ({"selected_columns": ["id", "nope"]}, "schema", "UNKNOWN_COLUMN"),
    ({"name": "no_such_table"}, "schema", "TABLE_NOT_FOUND"),
    ({"cursor_last_value": "not-a-number"}, "data", "PG_22P02"),
])
def test_misconfigured_streams_are_connector_errors(components, seeded, stream_kw, category, code):
    db = seeded
    result = _run(components, db, _stream(**stream_kw), transform=False, destination=False,
                  source_cfg=db.config("rb_trust"))
    (err,) = result.errors
    assert err.stage == "source" and err.kind == "connector-error"
    assert (err.error["category"], err.error["code"]) == (category, code)
    assert result.batches == []

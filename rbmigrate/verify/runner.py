"""Run a scenario for one protocol version: a fresh database, then every run of the scenario through
the reference host of that version, the destination tables read back after each run.

`execute(job)` is what a worker process does (worker.py); it never raises for guest behaviour.
"""

from __future__ import annotations

import base64
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .sandbox import Sandbox
from .scenario import Scenario, substitute


@dataclass
class VersionJob:
    version: int
    components: dict[str, str]  # role -> .wasm path, for the stages of this pipeline
    scenario: Scenario
    server: Any  # PgCluster | PgServer
    dbname: str
    sandbox: Sandbox
    cache_dir: str | None = None
    replay: dict[str, dict[str, list[bytes]]] | None = None  # isolation: run -> stream -> frames for the source
    label: str = ""

    def guest_calls(self) -> int:
        n = 0
        stages = len(self.components)
        for run in self.scenario.runs:
            n += stages * 4 + (1 if run.discover else 0) + stages * len(run.streams)
        return n


@dataclass
class RunOutcome:
    name: str
    result: Any = None  # PipelineResult
    tables: dict[str, dict] = field(default_factory=dict)
    error: str | None = None  # the environment failed (SQL, database): not guest behaviour
    seconds: float = 0.0


@dataclass
class VersionOutcome:
    version: int
    label: str = ""
    runs: list[RunOutcome] = field(default_factory=list)
    error: str | None = None  # the job could not run to the end for a reason outside the guests
    killed: str | None = None  # the worker overran its wall-clock budget and was killed
    seconds: float = 0.0
    dbname: str = ""  # the database of this version (normalisation writes it as ${pg.database})


def pg_values(server: Any, dbname: str) -> dict:
    cfg = server.connector_config(dbname)
    return {"host": cfg["host"], "port": cfg["port"], "user": cfg["user"], "password": cfg["password"],
            "database": cfg["database"]}


def _split(table: str) -> tuple[str, str]:
    schema, _, name = table.rpartition(".")
    return schema or "public", name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def snapshot_tables(server: Any, dbname: str, tables: list[str]) -> dict[str, dict]:
    """Each table's columns and rows (in scan order), in two queries for all the tables (one psql each: a
    psql start costs more than the query): ``{"exists": False}`` for a table that is not there."""
    if not tables:
        return {}
    where = " OR ".join(f"(table_schema = {_literal(s)} AND table_name = {_literal(n)})"
                        for s, n in map(_split, tables))
    columns: dict[tuple[str, str], list[list]] = {}
    for schema, name, column, data_type in server.rows(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            f"WHERE {where} ORDER BY table_schema, table_name, ordinal_position", dbname=dbname):
        columns.setdefault((schema, name), []).append([column, data_type])
    present = [t for t in tables if _split(t) in columns]
    rows: dict[str, list] = {}
    if present:
        query = " UNION ALL ".join(
            f'SELECT {i}, (SELECT coalesce(json_agg(row_to_json(t)), \'[]\')::text FROM "{s}"."{n}" AS t)'
            for i, (s, n) in enumerate(map(_split, present)))
        for line in server.sql(query, dbname=dbname).splitlines():
            if line.strip():
                index, _, data = line.partition("|")
                rows[present[int(index)]] = [list(r.values()) for r in json.loads(data)]
    return {t: {"exists": True, "columns": columns[_split(t)], "rows": rows[t]} if t in rows else {"exists": False}
            for t in tables}


def _last_cursors(result: Any, into: dict) -> None:
    for c in result.checkpoints:
        if c.stage == "source" and isinstance(c.cursor, dict) and "value" in c.cursor:
            into[c.stream] = c.cursor["value"]


def execute(job: VersionJob) -> VersionOutcome:
    from ..hosts import PipelineSpec, StateStore, run_pipeline

    started = time.monotonic()
    out = VersionOutcome(job.version, job.label, dbname=job.dbname)
    sc = job.scenario
    pg = pg_values(job.server, job.dbname)
    try:
        job.server.create_database(job.dbname)
        if sc.setup_sql.strip():
            job.server.sql(substitute(sc.setup_sql, pg), dbname=job.dbname)
    except Exception as exc:  # noqa: BLE001 - reported, the scenario cannot run
        out.error = f"database setup failed: {exc}"
        out.seconds = time.monotonic() - started
        return out
    state = StateStore()
    cursors: dict[str, Any] = {}
    comps = job.components
    for run in sc.runs:
        t0 = time.monotonic()
        ro = RunOutcome(run.name)
        out.runs.append(ro)
        try:
            if run.sql.strip():
                job.server.sql(substitute(run.sql, pg), dbname=job.dbname)
            source_config = sc.config("source", run, pg)
            if job.replay is not None:
                frames = job.replay.get(run.name, {})
                source_config = {"streams": {s: [base64.b64encode(f).decode() for f in fs] for s, fs in frames.items()}}
            spec = PipelineSpec(
                source=Path(comps["source"]),
                transform=Path(comps["transform"]) if "transform" in comps else None,
                destination=Path(comps["destination"]) if "destination" in comps else None,
                source_config=source_config,
                transform_config=sc.config("transform", run, pg) if "transform" in comps else None,
                destination_config=sc.config("destination", run, pg) if "destination" in comps else {},
                streams=sc.stream_specs(run, cursors),
                discover=run.discover,
            )
            ro.result = run_pipeline(job.version, spec, job.sandbox.host_options(state, job.cache_dir))
            _last_cursors(ro.result, cursors)
            if "destination" in comps:
                ro.tables = snapshot_tables(job.server, job.dbname, list(sc.tables))
        except Exception as exc:  # noqa: BLE001 - SQL or spec problems: the environment, not the guest
            ro.error = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, (RuntimeError, ValueError)):
                ro.error += "\n" + traceback.format_exc(limit=5)
            ro.seconds = time.monotonic() - t0
            out.error = f"run {run.name!r}: {ro.error}"
            break
        ro.seconds = time.monotonic() - t0
    out.seconds = time.monotonic() - started
    return out

"""Scenario files: what `verify` seeds, which pipeline it drives, and what it compares (docs/verify.md).

A scenario is a TOML file:

    name = "default"
    [database]            setup = "SQL run once on each fresh database"
    [stages.<role>]       connector = "<manifest id>" (optional), config = { ... }   role: source|transform|destination
    [[runs]]              name, sql (before the run), discover, expect_error, config.<role> = { overrides },
      [[runs.streams]]    name, sync_mode, cursor_field, ... (the fields of rbmigrate.hosts.StreamSpec)
    [check]               tables = ["schema.table", ...]   (destination rows, compared after every run)
    [mask]                metrics / logs / columns / messages   (regexes; see docs/verify.md)

Strings may use `${pg.host}`, `${pg.port}`, `${pg.user}`, `${pg.password}`, `${pg.database}`; a value that is
exactly one placeholder takes its type (the port stays an integer). `cursor_last_value = "$last_checkpoint"`
means: the cursor of this stream's last source checkpoint in an earlier run of the same version.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .connectors import ROLES

LAST_CHECKPOINT = "$last_checkpoint"
DEFAULT_SCENARIO = Path(__file__).resolve().parent / "default_scenario.toml"
_PLACEHOLDER = re.compile(r"\$\{pg\.(host|port|user|password|database)\}")
_TOP_KEYS = {"name", "description", "database", "stages", "runs", "check", "mask"}
_STAGE_KEYS = {"connector", "config"}
_RUN_KEYS = {"name", "sql", "discover", "expect_error", "streams", "config"}
_STREAM_KEYS = {"name", "schema", "sync_mode", "cursor_field", "cursor_type", "cursor_last_value", "limits",
                "max_records", "on_data_error", "write_mode", "primary_key", "selected_columns",
                "source_stream_name", "extensions", "partition"}
_MASK_KEYS = {"metrics", "logs", "columns", "messages"}


class ScenarioError(ValueError):
    """The scenario file is unreadable or malformed (a usage/input error: exit code 2)."""


@dataclass
class Stage:
    role: str
    connector: str | None = None  # manifest id of the connector that fills this stage (None: any of the role)
    config: dict = field(default_factory=dict)


@dataclass
class Run:
    name: str
    streams: list[dict]
    sql: str = ""
    discover: bool = True
    expect_error: bool = False
    config: dict[str, dict] = field(default_factory=dict)  # role -> overrides merged over the stage config


@dataclass
class Mask:
    metrics: list[str] = field(default_factory=list)  # metric-name regexes (full match) whose values are masked
    logs: list[str] = field(default_factory=list)  # regexes; every match in a log message becomes <masked>
    columns: list[str] = field(default_factory=list)  # column names ("col" or "schema.table.col") masked
    messages: list[str] = field(default_factory=list)  # regexes masked in validation, DLQ and error messages


@dataclass
class Scenario:
    name: str
    path: str  # where it was read from ("(default)" for the built-in one)
    stages: dict[str, Stage]
    runs: list[Run]
    setup_sql: str = ""
    tables: list[str] = field(default_factory=list)
    mask: Mask = field(default_factory=Mask)
    description: str = ""

    def stream_specs(self, run: Run, last_cursors: dict[str, Any]) -> list:
        """The run's streams as `StreamSpec`s (`$last_checkpoint` resolved from `last_cursors`)."""
        from ..hosts import StreamSpec

        out = []
        for raw in run.streams:
            s = dict(raw)
            if s.get("cursor_last_value") == LAST_CHECKPOINT:
                s["cursor_last_value"] = last_cursors.get(s["name"])
            if s.get("partition") is not None:
                s["partition"] = tuple(s["partition"])
            out.append(StreamSpec(**s))
        return out

    def config(self, role: str, run: Run, pg: dict) -> dict:
        base = copy.deepcopy(self.stages[role].config) if role in self.stages else {}
        base.update(copy.deepcopy(run.config.get(role, {})))
        return substitute(base, pg)


def substitute(value: Any, pg: dict) -> Any:
    """Replace `${pg.X}` placeholders (typed when a string is exactly one placeholder)."""
    if isinstance(value, str):
        m = _PLACEHOLDER.fullmatch(value)
        if m:
            return pg[m.group(1)]
        return _PLACEHOLDER.sub(lambda mm: "" if pg[mm.group(1)] is None else str(pg[mm.group(1)]), value)
    if isinstance(value, dict):
        return {k: substitute(v, pg) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, pg) for v in value]
    return value


def _unknown(where: str, got: dict, allowed: set[str]) -> None:
    extra = sorted(set(got) - allowed)
    if extra:
        raise ScenarioError(f"{where}: unknown key{'s' if len(extra) > 1 else ''} {', '.join(extra)} "
                            f"(allowed: {', '.join(sorted(allowed))})")


def _typed(where: str, value: Any, kind: type | tuple, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ScenarioError(f"{where}: must be {what}, not {value!r}")
    return value


def _regexes(where: str, items: Any) -> list[str]:
    _typed(where, items, list, "a list of strings")
    for i, item in enumerate(items):
        _typed(f"{where}[{i}]", item, str, "a string")
        try:
            re.compile(item)
        except re.error as exc:
            raise ScenarioError(f"{where}[{i}]: bad regular expression {item!r}: {exc}") from None
    return list(items)


def _stream(where: str, raw: Any) -> dict:
    from ..hosts import StreamSpec

    _typed(where, raw, dict, "a table")
    _unknown(where, raw, _STREAM_KEYS)
    if not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ScenarioError(f"{where}: needs a `name`")
    s = dict(raw)
    if "partition" in s:
        p = s["partition"]
        if not (isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) for x in p)):
            raise ScenarioError(f"{where}.partition: must be [index, count]")
    try:
        probe = dict(s)
        if probe.get("cursor_last_value") == LAST_CHECKPOINT:
            probe["cursor_last_value"] = None
        if "partition" in probe:
            probe["partition"] = tuple(probe["partition"])
        StreamSpec(**probe).check()
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    return s


def parse_scenario(text: str, path: str = "(default)") -> Scenario:
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    _unknown(path, doc, _TOP_KEYS)
    stages: dict[str, Stage] = {}
    raw_stages = _typed(f"{path}: stages", doc.get("stages", {}), dict, "a table")
    for role, raw in raw_stages.items():
        where = f"{path}: stages.{role}"
        if role not in ROLES:
            raise ScenarioError(f"{where}: the stage must be one of {', '.join(ROLES)}")
        _typed(where, raw, dict, "a table")
        _unknown(where, raw, _STAGE_KEYS)
        connector = raw.get("connector")
        if connector is not None:
            _typed(f"{where}.connector", connector, str, "a manifest id")
        stages[role] = Stage(role, connector, _typed(f"{where}.config", raw.get("config", {}), dict, "a table"))
    if "source" not in stages:
        raise ScenarioError(f"{path}: needs a [stages.source] (every pipeline starts with a source)")

    runs: list[Run] = []
    raw_runs = _typed(f"{path}: runs", doc.get("runs", []), list, "an array of tables ([[runs]])")
    if not raw_runs:
        raise ScenarioError(f"{path}: needs at least one [[runs]]")
    names = set()
    for i, raw in enumerate(raw_runs):
        where = f"{path}: runs[{i}]"
        _typed(where, raw, dict, "a table")
        _unknown(where, raw, _RUN_KEYS)
        name = raw.get("name", f"run-{i + 1}")
        _typed(f"{where}.name", name, str, "a string")
        if name in names:
            raise ScenarioError(f"{where}: duplicate run name {name!r}")
        names.add(name)
        streams = _typed(f"{where}.streams", raw.get("streams", []), list, "an array of tables")
        if not streams:
            raise ScenarioError(f"{where}: needs at least one [[runs.streams]]")
        config = _typed(f"{where}.config", raw.get("config", {}), dict, "a table")
        for role, over in config.items():
            if role not in stages:
                raise ScenarioError(f"{where}.config.{role}: there is no stage {role!r}")
            _typed(f"{where}.config.{role}", over, dict, "a table")
        runs.append(Run(
            name=name,
            streams=[_stream(f"{where}.streams[{j}]", s) for j, s in enumerate(streams)],
            sql=_typed(f"{where}.sql", raw.get("sql", ""), str, "a string"),
            discover=_typed(f"{where}.discover", raw.get("discover", True), bool, "true or false"),
            expect_error=_typed(f"{where}.expect_error", raw.get("expect_error", False), bool, "true or false"),
            config=config,
        ))

    database = _typed(f"{path}: database", doc.get("database", {}), dict, "a table")
    _unknown(f"{path}: database", database, {"setup"})
    check = _typed(f"{path}: check", doc.get("check", {}), dict, "a table")
    _unknown(f"{path}: check", check, {"tables"})
    tables = _typed(f"{path}: check.tables", check.get("tables", []), list, "a list of table names")
    for t in tables:
        if not isinstance(t, str) or not re.fullmatch(r"[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?", t):
            raise ScenarioError(f"{path}: check.tables: {t!r} is not a [schema.]table name")
    raw_mask = _typed(f"{path}: mask", doc.get("mask", {}), dict, "a table")
    _unknown(f"{path}: mask", raw_mask, _MASK_KEYS)
    mask = Mask(**{k: _regexes(f"{path}: mask.{k}", raw_mask[k]) for k in raw_mask if k != "columns"},
                columns=[_typed(f"{path}: mask.columns", c, str, "a column name")
                         for c in _typed(f"{path}: mask.columns", raw_mask.get("columns", []), list, "a list")])
    return Scenario(
        name=_typed(f"{path}: name", doc.get("name", Path(path).stem), str, "a string"),
        path=path,
        stages=stages,
        runs=runs,
        setup_sql=_typed(f"{path}: database.setup", database.get("setup", ""), str, "a string"),
        tables=list(tables),
        mask=mask,
        description=_typed(f"{path}: description", doc.get("description", ""), str, "a string"),
    )


def load_scenario(path: Path | None = None) -> Scenario:
    """The scenario at `path`, or the built-in default."""
    if path is None:
        return parse_scenario(DEFAULT_SCENARIO.read_text(encoding="utf-8"), "(default)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror or exc}") from None
    return parse_scenario(text, str(path))

"""The canonical packages: wasm-tools accepts them, componentize-py binds every world,
and wit/v4 matches the tables of protocol-v4.md (compared through the resolved JSON)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rbmigrate.lang.wit.resolve import check_wit, package_shape, resolved_json

ROOT = Path(__file__).resolve().parent.parent
WORLDS = ["rapidbyte-host", "rapidbyte-source", "rapidbyte-destination", "rapidbyte-transform"]


@pytest.mark.parametrize("version", ["v3", "v4"])
def test_wasm_tools_accepts(version):
    assert check_wit(ROOT / "wit" / version) is None


@pytest.mark.parametrize("version", ["v3", "v4"])
@pytest.mark.parametrize("world", WORLDS)
def test_componentize_py_binds_every_world(version, world, tmp_path):
    exe = Path(sys.executable).with_name("componentize-py")
    proc = subprocess.run(
        [str(exe), "-d", str(ROOT / "wit" / version), "-w", world, "bindings", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    imports = {p.stem for p in (tmp_path / "wit_world" / "imports").glob("*.py")} - {"__init__"}
    assert ("host_io" if version == "v4" else "host") in imports


# ---------------------------------------------------------------- v4 spec tables
# Transcribed from ../shared/spec/protocol-v4.md. Named types are (interface, name), where the
# interface is the one that owns the type or brings it in with `use`.

E = ("enum",)
CORE = "core-types"
STREAM = "stream-types"
TELE = "telemetry"
HOST = "host-io"


def named(owner, name):
    return ("named", owner, name)


def res(ok, err):
    return ("result", ok, err)


def opt(t):
    return ("option", t)


def lst(t):
    return ("list", t)


V3_ENUMS = {
    "error-category": ("config", "auth", "permission", "rate-limit", "transient-network", "transient-db", "data",
                       "schema", "internal", "frame"),
    "error-scope": ("per-stream", "per-batch", "per-record"),
    "backoff-class": ("fast", "normal", "slow"),
    "commit-state": ("before-commit", "after-commit-unknown", "after-commit-confirmed"),
}

SUMMARIES = {
    "read-summary": ("records-read", "bytes-read", "batches-emitted", "checkpoint-count", "records-skipped"),
    "write-summary": ("records-written", "bytes-written", "batches-written", "checkpoint-count", "records-failed"),
    "transform-summary": ("records-in", "records-out", "bytes-in", "bytes-out", "batches-processed"),
}

LIMITS = (("max-batch-bytes", "u64"), ("max-record-bytes", "u64"), ("max-inflight-batches", "u32"),
          ("max-parallel-requests", "u32"), ("checkpoint-interval-bytes", "u64"), ("checkpoint-interval-rows", "u64"),
          ("checkpoint-interval-seconds", "u64"))


def expected_v4():
    core = {
        "session": ("alias", "u64"),
        "connector-role": ("enum", ("source", "destination", "transform")),
        "run-phase": ("enum", ("discover", "read", "write", "transform")),
        "validation-status": ("enum", ("success", "failed", "warning")),
        **{k: ("enum", v) for k, v in V3_ENUMS.items()},
        "state-scope": ("enum", ("pipeline", "per-stream", "connector-instance")),
        "log-level": ("enum", ("error", "warn", "info", "debug", "trace")),
        "connector-error": ("record", (
            ("category", named(CORE, "error-category")), ("scope", named(CORE, "error-scope")), ("code", "string"),
            ("message", "string"), ("retryable", "bool"), ("retry-after-ms", opt("u64")),
            ("backoff-class", named(CORE, "backoff-class")), ("safe-to-retry", "bool"),
            ("commit-state", opt(named(CORE, "commit-state"))), ("details", opt("string")))),
        "stream-limits": ("record", LIMITS),
        "validation-report": ("record", (("status", named(CORE, "validation-status")), ("message", "string"),
                                         ("warnings", lst("string")))),
        "open-info": ("record", (("connector-id", "string"), ("role", named(CORE, "connector-role")),
                                 ("protocol-version", "string"), ("capabilities", lst("string")),
                                 ("default-limits", named(CORE, "stream-limits")))),
    }
    stream = {
        "sync-mode": ("enum", ("full-refresh", "incremental", "cdc")),
        "write-mode": ("enum", ("append", "replace", "upsert")),
        "data-error-policy": ("enum", ("skip", "fail", "dlq")),
        "column": ("record", (("name", "string"), ("data-type", "string"), ("nullable", "bool"))),
        "cursor-info": ("record", (("cursor-field", "string"), ("cursor-type", "string"), ("last-value", opt("string")))),
        "partition": ("record", (("index", "u32"), ("count", "u32"))),
        "stream-context": ("record", (
            ("stream-name", "string"), ("source-stream-name", opt("string")), ("schema", lst(named(STREAM, "column"))),
            ("sync-mode", named(STREAM, "sync-mode")), ("cursor-info", opt(named(STREAM, "cursor-info"))),
            ("limits", named(STREAM, "stream-limits")), ("on-data-error", named(STREAM, "data-error-policy")),
            ("write-mode", opt(named(STREAM, "write-mode"))), ("primary-key", lst("string")),
            ("selected-columns", opt(lst("string"))), ("partition", opt(named(STREAM, "partition"))),
            ("extensions-json", opt("string")))),
        "run-request": ("record", (("stream", named(STREAM, "stream-context")), ("phase", named(STREAM, "run-phase")),
                                   ("dry-run", "bool"), ("max-records", opt("u64")))),
        **{k: ("record", tuple((f, "u64") for f in v)) for k, v in SUMMARIES.items()},
        "discover-summary": ("record", (("catalog-json", "string"),)),
        "run-summary": ("record", (("role", named(STREAM, "connector-role")), ("read", opt(named(STREAM, "read-summary"))),
                                   ("write", opt(named(STREAM, "write-summary"))),
                                   ("transform", opt(named(STREAM, "transform-summary"))),
                                   ("discover", opt(named(STREAM, "discover-summary"))))),
    }
    tele = {
        "checkpoint-kind": ("enum", ("source", "destination", "transform")),
        "checkpoint-event": ("record", (("kind", named(TELE, "checkpoint-kind")), ("stream", "string"), ("id", "u64"),
                                        ("cursor", opt("string")), ("records", "u64"), ("bytes", "u64"))),
        "metric-event": ("record", (("name", "string"), ("value", "f64"), ("labels", lst(("tuple", ("string", "string")))))),
        "dlq-record": ("record", (("stream", "string"), ("record-json", "string"), ("error-message", "string"),
                                  ("error-category", named(TELE, "error-category")))),
    }
    err = named(HOST, "connector-error")
    host_types = {
        "tcp-read-result": ("variant", (("data", lst("u8")), ("eof", None), ("would-block", None))),
        "tcp-write-result": ("variant", (("written", "u64"), ("would-block", None))),
    }
    frames = {
        "frame-new": ((("capacity", "u64"),), res("u64", err)),
        "frame-write": ((("handle", "u64"), ("chunk", lst("u8"))), res("u64", err)),
        "frame-seal": ((("handle", "u64"),), res(None, err)),
        "frame-len": ((("handle", "u64"),), res("u64", err)),
        "frame-read": ((("handle", "u64"), ("offset", "u64"), ("len", "u64")), res(lst("u8"), err)),
        "frame-drop": ((("handle", "u64"),), None),
    }
    host_funcs = {
        "batch-emit": ((("handle", "u64"),), res(None, err)),
        "batch-next": ((), res(opt("u64"), err)),
        "log": ((("level", named(HOST, "log-level")), ("msg", "string")), None),
        "telemetry-checkpoint": ((("event", named(HOST, "checkpoint-event")),), res(None, err)),
        "telemetry-metric": ((("event", named(HOST, "metric-event")),), res(None, err)),
        "telemetry-dlq": ((("entry", named(HOST, "dlq-record")),), res(None, err)),
        "state-get": ((("scope", named(HOST, "state-scope")), ("key", "string")), res(opt("string"), err)),
        "state-put": ((("scope", named(HOST, "state-scope")), ("key", "string"), ("value", "string")), res(None, err)),
        "state-cas": ((("scope", named(HOST, "state-scope")), ("key", "string"), ("expected", opt("string")),
                       ("new-value", "string")), res("bool", err)),
        **frames,
        "tcp-connect": ((("host", "string"), ("port", "u16")), res("u64", err)),
        "tcp-read": ((("handle", "u64"), ("len", "u64")), res(named(HOST, "tcp-read-result"), err)),
        "tcp-write": ((("handle", "u64"), ("data", lst("u8"))), res(named(HOST, "tcp-write-result"), err)),
        "tcp-close": ((("handle", "u64"),), None),
    }

    def role(name):
        err_r = named(name, "connector-error")
        sess = named(name, "session")
        return {
            "types": {},
            "uses": {"session": CORE, "connector-error": CORE, "validation-report": CORE, "open-info": CORE,
                     "run-request": STREAM, "run-summary": STREAM},
            "functions": {
                "open": ((("config-json", "string"),), res(("tuple", (sess, named(name, "open-info"))), err_r)),
                "validate": ((("session", sess),), res(named(name, "validation-report"), err_r)),
                "run": ((("session", sess), ("request", named(name, "run-request"))), res(named(name, "run-summary"), err_r)),
                "close": ((("session", sess),), res(None, err_r)),
            },
        }

    interfaces = {
        CORE: {"types": core, "uses": {}, "functions": {}},
        STREAM: {"types": stream, "uses": {"connector-role": CORE, "run-phase": CORE, "stream-limits": CORE}, "functions": {}},
        TELE: {"types": tele, "uses": {"error-category": CORE}, "functions": {}},
        HOST: {"types": host_types, "uses": {"connector-error": CORE, "state-scope": CORE, "log-level": CORE,
                                             "checkpoint-event": TELE, "metric-event": TELE, "dlq-record": TELE},
               "functions": host_funcs},
        "source": role("source"),
        "destination": role("destination"),
        "transform": role("transform"),
    }
    return interfaces


def _norm_types(types: dict) -> dict:
    """Resolve the shape helper's kinds to the spellings used above."""
    out = {}
    for name, kind in types.items():
        tag = kind[0]
        if tag == "record":
            out[name] = ("record", tuple((f, t) for f, t in kind[1]))
        elif tag == "variant":
            out[name] = ("variant", tuple((c, t) for c, t in kind[1]))
        else:
            out[name] = kind
    return out


def test_v4_matches_spec_tables():
    shape = package_shape(resolved_json(ROOT / "wit" / "v4"))
    assert shape["name"] == "rapidbyte:connector@4.0.0"
    expected = expected_v4()
    assert set(shape["interfaces"]) == set(expected)
    for iface, want in expected.items():
        got = shape["interfaces"][iface]
        assert _norm_types(got["types"]) == want["types"], iface
        assert got["uses"] == want["uses"], iface
        assert got["functions"] == want["functions"], iface
    pkg = "rapidbyte:connector@4.0.0/"
    deps = sorted(pkg + i for i in (CORE, STREAM, TELE, HOST))
    assert shape["worlds"] == {
        # host-io needs core-types and telemetry; stream-types comes in only with a role interface
        "rapidbyte-host": {"imports": sorted(pkg + i for i in (CORE, TELE, HOST)), "exports": []},
        "rapidbyte-source": {"imports": deps, "exports": [pkg + "source"]},
        "rapidbyte-destination": {"imports": deps, "exports": [pkg + "destination"]},
        "rapidbyte-transform": {"imports": deps, "exports": [pkg + "transform"]},
    }

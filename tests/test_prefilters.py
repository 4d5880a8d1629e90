"""Prefilters and the selection of files to parse (issue 8): they only ever skip what would come out
unchanged and unreported, v3 files pass them, and migrated files do not (unless a finding stays).

The proof runs the whole pipeline once with every prefilter and selection forced open, over the
whole testdata tree and a copy of it migrated by ``apply``, and compares with what the real
selection (``engine.read_unit``) lets through.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rbmigrate.discover import discover
from rbmigrate.engine import Options, migrate_unit, read_unit, run, write_results
from rbmigrate.lang.base import get_adapter
from rbmigrate.ruletable import default_table

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"
LANGUAGES = ("python", "rust", "wit", "manifest")


def v3_check(language: str):
    """The per-file question each language's selection asks: can this file hold anything to change or report?"""
    table = default_table()
    if language == "python":
        from rbmigrate.lang.python.prefilter import may_hold_v3

        return lambda data: may_hold_v3(data, table)
    if language == "rust":
        from rbmigrate.lang.rust.vocab import vocab

        return vocab(table).v3_text
    return get_adapter(language).prefilter


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> dict[str, Path]:
    """``v3``: a copy of testdata (v3 inputs, expected and golden outputs); ``migrated``: the same after ``apply``."""
    root = tmp_path_factory.mktemp("prefilters")
    v3 = root / "v3"
    shutil.copytree(TESTDATA, v3, ignore=shutil.ignore_patterns("__pycache__", "target"))
    migrated = root / "migrated"
    shutil.copytree(v3, migrated)
    result, path_map = run([migrated], Options(mode="apply", base=migrated))
    for unit in result.units:
        unit.actions.clear()  # no bindings regeneration: the Python files are what is looked at here
    write_results(result, path_map)
    return {"v3": v3, "migrated": migrated}


@pytest.fixture(scope="module")
def unfiltered(trees):
    """Per unit: the real selection, and every file's result with every prefilter and selection open."""
    units = discover([trees["v3"], trees["migrated"]])
    options = Options(mode="diff", residue=False)  # the adapters' selection (RB920 scans on its own)
    selected = {u.root: {f.path: f.keep for f in read_unit(u, options)} for u in units}
    opened_up = (("prefilter", lambda self, data: True), ("select", lambda self, root, files: [True] * len(files)))
    saved = []
    for language in LANGUAGES:
        cls = type(get_adapter(language))
        for name, opened in opened_up:
            if name in vars(cls):
                saved.append((cls, name, vars(cls)[name]))
                setattr(cls, name, opened)
    try:
        results = [(u, migrate_unit(u, options)) for u in units]
    finally:
        for cls, name, original in saved:
            setattr(cls, name, original)
    files = []
    for unit, result in results:
        by_path = {p.as_posix(): p for p in unit.files}
        for fres in result.files:
            path = Path(fres.path) if Path(fres.path).is_absolute() else by_path.get(fres.path, Path(fres.path))
            files.append((path, fres, selected[unit.root].get(path, False)))
    assert len(files) > 300
    return files


def _output(fres) -> bool:
    return bool(fres.edits or fres.findings or fres.error)


@pytest.mark.slow  # (over 20 s on a busy 2-core machine)
def test_a_file_the_selection_skips_would_come_out_unchanged_and_unreported(unfiltered):
    skipped = [(path, fres) for path, fres, keep in unfiltered if not keep]
    assert len(skipped) > 100  # migrated files, v4 outputs, files without v3
    wrong = [(str(path), [e.rule_id for e in fres.edits], [f.rule_id for f in fres.findings])
             for path, fres in skipped if fres.edits or fres.findings]
    assert wrong == []


def test_every_file_with_work_passes_its_language_check(unfiltered):
    """v3 inputs (and the outputs that keep a finding) pass the per-file check of their language."""
    with_work = [(path, fres) for path, fres, _keep in unfiltered if _output(fres) and not fres.error]
    assert len(with_work) > 100
    missed = [str(path) for path, fres in with_work if not v3_check(fres.language)(fres.before)]
    assert missed == []


def _platform(path: Path, data: bytes) -> bool:
    """The protocol's own crates (SDK, macros, host runtime: upgraded by their own team) and code using
    the SDK's host-facing API: their v4 code can still be reported, so they are always looked at."""
    return "crates" in path.parts or b"host_ffi" in data


def test_migrated_files_do_not_pass_unless_a_finding_stays(unfiltered, trees):
    """What `apply` made of the v3 inputs, and the hand-written expected / golden outputs."""
    folders = [trees["migrated"] / "python" / "v3", trees["migrated"] / "rust" / "v3"]
    folders += [case / "input" for case in (trees["migrated"] / "wit").iterdir() if (case / "input").is_dir()]
    folders += [trees["v3"] / "python" / "expected", trees["v3"] / "rust" / "expected", trees["v3"] / "rust" / "golden"]
    folders += [case / "expected" for case in (trees["v3"] / "wit").iterdir() if (case / "expected").is_dir()]
    outputs = [(path, fres) for path, fres, _ in unfiltered if any(f in path.parents for f in folders)]
    assert len(outputs) > 80
    for path, fres in outputs:
        assert not fres.edits and not fres.error, f"{path}: a migrated file still gets edits"
    passing = {str(p) for p, fres in outputs if v3_check(fres.language)(fres.before)}
    keeps_finding = {str(p) for p, fres in outputs if fres.findings}
    assert keeps_finding <= passing  # RB904 strings, RB906, the SDK and runtime findings stay reported
    extra = sorted(p for p in passing - keeps_finding if not _platform(Path(p), Path(p).read_bytes()))
    assert extra == []


def test_the_golden_findings_are_in_files_that_pass(trees):
    """Every file `tests/test_rust_workspace.py` expects findings in (FINDINGS.txt) passes the Rust check."""
    check = v3_check("rust")
    listed = {line.split(":", 1)[0] for line in (TESTDATA / "rust" / "golden" / "FINDINGS.txt").read_text().splitlines()
              if line.strip()}
    assert len(listed) > 10
    for rel in sorted(listed):
        path = trees["migrated"] / "rust" / "v3" / rel
        assert check(path.read_bytes()), rel


# ------------------------------------------------------------------ the checks, case by case


@pytest.mark.parametrize(
    "source, expected",
    [
        (b"from wit_world.imports import host_io, core_types\nhost_io.log(core_types.LogLevel.INFO, 'x')\n", False),
        (b"from wit_world.imports import host\n", True),
        (b"import wit_world.imports.types as t\n", True),
        (b"import wit_world\nwit_world.imports.host.log(0, 'x')\n", True),
        (b"from wit_world.imports.source_connector import *\n", True),
        (b"x = 'emit_batch failed'\n", True),  # a v3 name in a string: RB904
        (b"import wit_world\n"
         b"class S:\n    def _read_stream(self, request):\n        ctx = request.stream\n        return ctx.stream_name\n",
         False),
        (b"import wit_world\n"
         b"class S:\n    def _read_stream(self, request):\n        ctx = request.stream\n        return ctx['stream_name']\n",
         True),
        (b"import wit_world\n"
         b"class S:\n    def _read_stream(self, request):\n        for key in request.stream:\n            pass\n", True),
        (b"import wit_world\nctx_json = 1\n", True),
        (b"import wit_world\ndef f(:\n", True),  # not Python: the real parser reports it
        (b"def add(a, b):\n    return a + b\n", False),
        # v4 host calls in their v3 shape (RB917), and their v4 counterparts
        (b"import wit_world.imports.host_io as rb\nrb.log(2, 'x')\n", True),
        (b"import wit_world.imports.host_io as rb\nLEVEL = {'info': 2}\nrb.log(LEVEL['info'], 'x')\n", True),
        (b"from wit_world.imports import host_io\nS = 2\nhost_io.state_get(S, 'k')\n", True),
        (b"from wit_world.imports import host_io\nimport json\nhost_io.telemetry_metric(json.dumps({}))\n", True),
        (b"from wit_world.imports import host_io\nimport json\n"
         b"def m():\n    return json.dumps({})\nhost_io.telemetry_metric(m())\n", True),
        (b"from wit_world.imports.host_io import metric\n", True),
        (b"import importlib\nh = importlib.import_module('wit_world.imports.host_io')\nh.metric('{}')\n", True),
        (b"from wit_world.imports import host_io, core_types\nS = core_types.StateScope.PIPELINE\n"
         b"host_io.state_get(S, 'k')\n", False),
        (b"from wit_world.imports import host_io, telemetry\n"
         b"def m():\n    return telemetry.MetricEvent(name='a', value=1.0, labels=[])\nhost_io.telemetry_metric(m())\n",
         False),
    ],
)
def test_python_check(source, expected):
    assert v3_check("python")(source) is expected


@pytest.mark.parametrize(
    "source, expected",
    [
        (b"use rapidbyte_sdk::prelude::*;\nfn f(ctx: &Context) { ctx.batch_emit(&b); ctx.telemetry_checkpoint(c); }\n", False),
        (b"fn f(ctx: &Context) { ctx.emit_batch(&b); }\n", True),
        (b"pub struct T { pub emit_batch_nanos: u64 }\n", False),  # a longer name holding a v3 one
        (b"impl Host for S { fn emit_batch_impl(&mut self) {} }\n", True),  # an `_impl` twin (RB411)
        (b"fn f(ctx: &Context) { ctx.checkpoint(x); }\n", True),
        (b"fn f(ctx: &Context) { ctx . /* c */ metric(x); }\n", True),
        (b"// the metric of a stream\nlet n = x.\n    len();\n", False),
        (b"use crate::bindings::rapidbyte::connector::host_io;\n", True),  # binding paths (runtime, RB907)
        (b"use super::bindings::rapidbyte::{connector::host_io};\n", True),
        (b"let s = StateScope::Stream;\n", True),
        (b"let s = StateScope::PerStream;\n", False),
        (b"impl Source for S { async fn read(&mut self) {} }\n", True),
        (b"impl std::io::Read for S { fn read(&mut self, b: &mut [u8]) {} }\n", False),
        (b'ManifestBuilder::source("x").protocol_version("3");\n', True),
        (b'ManifestBuilder::source("x").protocol_version("4");\n', False),
        (b'let p = json!({"cursor_value": v});\n', True),
        (b'const NAME: &str = "rapidbyte:connector/host@3.0.0";\n', True),
        (b'const NAME: &str = "rapidbyte:connector/host-io@4.0.0";\n', False),
    ],
)
def test_rust_check(source, expected):
    assert v3_check("rust")(source) is expected


@pytest.mark.parametrize(
    "source, expected",
    [
        (b'[package]\nname = "x"\nversion = "0.1.0"\n', False),
        (b'[dependencies]\nrapidbyte-sdk = "4"\n', False),
        (b'[dependencies]\nrapidbyte-sdk = "3"\n', True),
        (b'[dependencies]\nsdk = { package = "rapidbyte-sdk", version = "^3.2" }\n', True),
        (b'[dependencies]\nrapidbyte-sdk = "<4, >=3"\n', True),
        (b'{"id": "x", "protocol_version": "4"}', False),
        (b'{"id": "x", "protocol_version": "3"}', True),
        (b'{"id": "x", "protocol_version": 2}', True),
        (b"[tool.rapidbyte]\nprotocol_version = '''3'''\n", True),
        (b'[package.metadata.component]\ntarget = "rapidbyte:connector/source@3.0.0"\n', True),
        (b'[package.metadata.component]\ntarget = "rapidbyte:connector/source@4.0.0"\n', False),
        (b'[tool.rapidbyte]\nprotocol_version = "\\u0033"\n', True),  # an escape can spell anything
    ],
)
def test_manifest_check(source, expected):
    assert v3_check("manifest")(source) is expected

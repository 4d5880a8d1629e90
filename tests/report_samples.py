"""A hand-built RunResult with every feature of the model, for renderer tests and golden files."""

from __future__ import annotations

from rbmigrate.model import Action, Edit, FileError, FileResult, Finding, RunResult, Severity, UnitResult

BEFORE = b"""package rapidbyte:connector@3.0.0;

interface host {
    emit-batch: func(handle: u64);
}
"""
AFTER = b"""package rapidbyte:connector@4.0.0;

interface host-io {
    batch-emit: func(handle: u64);
}
"""
CRLF_BEFORE = b"fn run() {\r\n    host::emit_batch(h);\r\n}\r\n"
CRLF_AFTER = b"fn run() {\r\n    host_io::batch_emit(h);\r\n}\r\n"


def _edits(before: bytes, pairs: list[tuple[bytes, str, str]]) -> list[Edit]:
    out = []
    for old, new, rule in pairs:
        start = before.index(old)
        out.append(Edit(start, start + len(old), new, rule))
    return sorted(out, key=lambda e: e.start)


def sample_run(mode: str = "check") -> RunResult:
    wit = FileResult(
        path="connectors/source-a/wit/connector.wit",
        language="wit",
        before=BEFORE,
        after=AFTER,
        edits=_edits(BEFORE, [(b"@3.0.0", "@4.0.0", "RB001"), (b"host ", "host-io ", "RB010"), (b"emit-batch", "batch-emit", "RB101")]),
    )
    rust = FileResult(
        path="connectors/source-a/src/lib.rs",
        language="rust",
        before=CRLF_BEFORE,
        after=CRLF_AFTER,
        edits=_edits(CRLF_BEFORE, [(b"host::emit_batch", "host_io::batch_emit", "RB101")]),
        findings=[
            Finding("connectors/source-a/src/lib.rs", 2, 5, "RB901", Severity.ERROR,
                    "payload built at run time: `format!(\"{}|{}\", a, b)`", "build the v4 record by hand"),
            Finding("connectors/source-a/src/lib.rs", 1, 1, "RB904", Severity.INFO, "v3 name `emit-batch` in a log string"),
        ],
    )
    if mode == "apply":
        wit.written = rust.written = True
    unit_a = UnitResult(root="connectors/source-a", kind="rust-crate", files=[wit, rust], verify="passed")
    unit_a.actions.append(Action("regenerate-bindings", "connectors/source-a/wit_world", "RB301", "regenerate wit_world/ bindings"))
    broken = FileResult(
        path="connectors/dest-b/app.py",
        language="python",
        before=b"def f(:\n",
        error=FileError("connectors/dest-b/app.py", "invalid syntax", 1, 7, "parse"),
    )
    unit_b = UnitResult(
        root="connectors/dest-b",
        kind="python-connector",
        files=[broken],
        verify=None,
        skipped=[("connectors/dest-b/wit_world/__init__.py", "generated file")],
    )
    warn = FileResult(
        path="wit/extra.wit",
        language="wit",
        before=b"package rapidbyte:connector@4.0.0;\n",
        findings=[Finding("wit/extra.wit", 1, 1, "RB910", Severity.WARNING, "v3 name in a v4 package", "rename it")],
    )
    unit_c = UnitResult(root="wit", kind="wit-package", files=[warn])
    unit_c.errors.append(FileError("wit", "the worker process died while migrating this unit (killed by signal 9)", kind="internal"))
    return RunResult(units=[unit_a, unit_b, unit_c], mode=mode, skipped=[("node_modules", "node_modules/ is never migrated")])

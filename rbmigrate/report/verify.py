"""Renderers of a `rbmigrate verify` report (rbmigrate.verify.model.VerifyReport): text, JSON, markdown.

Same conventions as the `apply` renderers: plain text for terminals, a versioned JSON document, and
a markdown pull-request comment (table cells and code spans escaped with report.markdown's helpers).
"""

from __future__ import annotations

import json

from .. import __version__

SCHEMA_VERSION = 1
_WORD = {"passed": "PASSED", "failed": "FAILED", "not-available": "NOT AVAILABLE", "error": "ERROR"}
_MARK = {"passed": "✅ passed", "failed": "❌ failed", "not-available": "⚠️ not available", "error": "❌ error",
         "skipped": "— skipped"}
SHOWN_DIFFERENCES = 12  # per connector in text and markdown (JSON has every kept difference)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _secs(s: float) -> str:
    return f"{s:.2f}s" if s < 10 else f"{s:.1f}s"


def summary_line(report) -> str:
    c = report.counts()
    parts = [f"{c['passed']} passed", f"{c['failed']} failed", f"{c['not-available']} not available"]
    if c["error"]:
        parts.append(f"{c['error']} with errors")
    phases = ", ".join(f"{k} {_secs(v)}" for k, v in report.timings.items() if k != "total")
    line = f"verified {_plural(c['connectors'], 'connector')}: {', '.join(parts)}; {_secs(report.seconds)}"
    return line + (f" ({phases})" if phases else "")


def _header(report) -> list[str]:
    out = [f"scenario: {report.scenario or '-'}", f"originals: {report.base or '-'}",
           f"database: {report.database or 'not started'}",
           f"cache: {report.cache_dir}" + ("" if report.cache else " (bypassed)")]
    return out


# ---- text ----------------------------------------------------------------------------------------

def render_text(report, verbose: bool = False, width: int = 110) -> str:
    from ..verify.compare import side_by_side

    lines = ["rbmigrate verify — " + "; ".join(_header(report)), ""]
    for path, message in report.problems:
        lines.append(f"{path}: error: {message}")
    if report.problems:
        lines.append("")
    for c in report.connectors:
        lines.append(f"{c.path}  ({c.language} {c.role} {c.id})  {_WORD[c.status]}  {_secs(c.seconds)}")
        for name, step in c.steps():
            lines.append(f"  {name:<13}{step.status:<14}{_secs(step.seconds):>7}  {step.message}")
            show = step.details if (verbose or step.status in ("failed", "error")) else []
            for d in show[: None if verbose else 12]:
                for i, part in enumerate(d.splitlines() or [""]):
                    lines.append(f"      {'' if i == 0 else '  '}{part}")
        if c.differences:
            lines.append(f"  differences (v3 original | v4 migrated){' — judged in isolation' if c.isolated else ''}:")
            for d in c.differences[:SHOWN_DIFFERENCES]:
                lines.append(f"    run {d.run} › {d.stage} › {d.path}")
                lines += [f"      {ln}" for ln in side_by_side(d, width - 6)]
            rest = len(c.differences) - SHOWN_DIFFERENCES + c.more_differences
            if rest > 0:
                lines.append(f"    … and {_plural(rest, 'more difference')} (--format json lists them)")
        lines.append("")
    for note in report.notes:
        lines.append(f"note: {note}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


# ---- JSON ----------------------------------------------------------------------------------------

def to_document(report) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "rbmigrate", "version": __version__},
        "mode": "verify",
        "exit_code": report.exit_code,
        "summary": report.counts(),
        "scenario": report.scenario,
        "originals": report.base,
        "database": report.database,
        "cache_dir": report.cache_dir,
        "cache": report.cache,
        "seconds": round(report.seconds, 3),
        "timings": {k: round(v, 3) for k, v in report.timings.items()},
        "connectors": [c.to_dict() for c in report.connectors],
        "problems": [{"path": p, "message": m} for p, m in report.problems],
        "notes": list(report.notes),
    }


def render_json(report) -> str:
    return json.dumps(to_document(report), indent=2, ensure_ascii=False) + "\n"


# ---- markdown ------------------------------------------------------------------------------------

def render_markdown(report) -> str:
    from .markdown import cell, code, inline

    c = report.counts()
    head = (f"## rbmigrate verify: {c['passed']} of {_plural(c['connectors'], 'connector')} passed"
            if report.connectors else "## rbmigrate verify: nothing verified")
    out = [head, "", " · ".join(inline(h) for h in _header(report)), ""]
    if report.problems:
        out += ["### Errors", ""] + [f"- {code(p)}: {inline(m)}" for p, m in report.problems] + [""]
    if report.connectors:
        out += ["| Connector | Role | Build | Conformance | Scenario | Differential | Time |",
                "|---|---|---|---|---|---|---:|"]
        for r in report.connectors:
            out.append(f"| {code(r.path)} | {cell(r.role)} | " + " | ".join(_MARK.get(s.status, s.status)
                                                                            for _, s in r.steps())
                       + f" | {_secs(r.seconds)} |")
        out.append("")
    for r in report.connectors:
        if r.status == "passed":
            continue
        out += [f"### {code(r.path)}: {_WORD[r.status].lower()}", ""]
        for name, step in r.steps():
            if step.status not in ("passed", "skipped"):
                out.append(f"- **{name}** ({step.status}): {inline(step.message)}")
        out.append("")
        if r.differences:
            out += ["<details>", f"<summary>{_plural(len(r.differences) + r.more_differences, 'difference')} "
                    f"from the v3 original{' (judged in isolation)' if r.isolated else ''}</summary>", "",
                    "| Run › stage › effect | v3 original | v4 migrated |", "|---|---|---|"]
            for d in r.differences[:SHOWN_DIFFERENCES]:
                out.append(f"| {code(f'{d.run} › {d.stage} › {d.path}')} | {code(d.base[:300])} | "
                           f"{code(d.migrated[:300])} |")
            out += ["", "</details>", ""]
    for note in report.notes:
        out.append(f"> note: {inline(note)}")
    out += ["", inline(summary_line(report))]
    return "\n".join(out).rstrip("\n") + "\n"


def render(report, fmt: str, verbose: bool = False) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report, verbose)

"""Checks that the generated corpus is sound (slow; not part of the unit tests).

    .venv/bin/python -m bench.check_corpus --repos 20 [--seed 8] [--cargo 12] [--migrate]

- every Python file compiles;
- ``--cargo K``: K generated Rust connector crates (renamed, with their filler
  modules, tests and examples) pass ``cargo check --all-targets`` inside a
  scratch copy of the testdata workspace, against the v3 SDK stand-in;
- ``--migrate``: ``rbmigrate apply --check --format json`` gives, repository
  by repository, the same number of changed files and edits and the same
  findings (rule ids) and errors as an unrenamed, filler-free control copy of
  the same repository: renaming and filler never change what the migration does.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from . import corpus  # noqa: E402
from .rename import Renamer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RBMIGRATE = REPO / ".venv" / "bin" / "rbmigrate"


def build(out: Path, repos: int, seed: int, control: bool) -> list[corpus.RepoInfo]:
    """The corpus, or its control copy (same choices, no renames, no filler)."""
    Renamer.enabled = not control
    corpus.FILL = not control
    try:
        out.mkdir(parents=True)
        infos = []
        for index, (kind, domain) in enumerate(zip(corpus.plan_kinds(repos, seed), corpus.domains(repos, seed))):
            info, files = corpus.build_repo(index, kind, domain, seed)
            info.name = f"{index:03d}"
            corpus.write_repo(out / info.name, files)
            infos.append(info)
        return infos
    finally:
        Renamer.enabled = True
        corpus.FILL = True


def check_python(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        try:
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"{path}:{exc.lineno}: {exc.msg}")
    return problems


def check_cargo(root: Path, infos: list[corpus.RepoInfo], limit: int, scratch: Path) -> tuple[int, str]:
    """cargo check of up to ``limit`` generated crates; (exit code, output tail)."""
    ws = scratch / "ws"
    shutil.copytree(corpus.RUST_V3, ws, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    shutil.rmtree(ws / "connectors")
    (ws / "connectors").mkdir()
    seen = set()
    for info in infos:
        if len(seen) >= limit:
            break
        repo = root / info.name
        crates = [repo] if info.kind == "rust-crate" else sorted((repo / "connectors").glob("*")) \
            if info.kind == "rust-workspace" else []
        for crate in crates:
            name = crate.name if crate != repo else info.name
            if name in seen or len(seen) >= limit:
                continue
            seen.add(name)
            dest = ws / "connectors" / name
            shutil.copytree(crate, dest, ignore=shutil.ignore_patterns(".git", "target"))
            manifest = (dest / "Cargo.toml").read_text(encoding="utf-8")
            manifest = re.sub(r'rapidbyte-sdk = "[^"]*"', 'rapidbyte-sdk = { path = "../../crates/rapidbyte-sdk" }',
                              manifest)
            manifest = manifest.split("\n[profile.release]")[0] + "\n"
            (dest / "Cargo.toml").write_text(manifest, encoding="utf-8")
    host = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    triple = next(line.split(": ")[1] for line in host.splitlines() if line.startswith("host: "))
    proc = subprocess.run(["cargo", "check", "--offline", "--workspace", "--all-targets", "--target", triple,
                           "--message-format", "short"], cwd=ws, capture_output=True, text=True,
                          env={**os.environ, "CARGO_TARGET_DIR": str(scratch / "target")})
    if proc.returncode == 0:
        return 0, f"{len(seen)} crates, --all-targets"
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    return proc.returncode, f"{len(seen)} crates:\n" + ("\n".join(errors[-30:]) or proc.stderr[-2000:])


def migration_profile(root: Path, scratch: Path, tag: str) -> dict[str, dict]:
    """Per repository: changed files, edits, findings by rule id, errors (from the JSON report)."""
    report = scratch / f"{tag}.json"
    repos = sorted(p for p in root.iterdir() if p.is_dir())
    subprocess.run([str(RBMIGRATE), "apply", "--check", "--format", "json", "-o", str(report),
                    *[str(p) for p in repos]], cwd=scratch, capture_output=True, check=False)
    doc = json.loads(report.read_text(encoding="utf-8"))
    out: dict[str, dict] = collections.defaultdict(lambda: {"changed": 0, "edits": 0, "findings": collections.Counter(),
                                                            "errors": 0})
    base = root.resolve()
    for unit in doc["units"]:
        unit_path = (scratch / unit["root"]).resolve()
        repo = unit_path.relative_to(base).parts[0]
        prof = out[repo]
        prof["changed"] += unit["summary"]["files_changed"]
        prof["edits"] += unit["summary"]["edits"]
        prof["errors"] += unit["summary"]["errors"]
        for f in unit["files"]:
            prof["findings"].update(x["rule_id"] for x in f["findings"])
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/check_corpus.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--cargo", type=int, default=0, metavar="K", help="cargo check K generated crates")
    parser.add_argument("--migrate", action="store_true", help="compare the migration with unrenamed controls")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="rbbench-check-") as tmp:
        scratch = Path(tmp)
        infos = build(scratch / "corpus", args.repos, args.seed, control=False)
        problems = check_python(scratch / "corpus")
        print(f"python: {'ok' if not problems else 'FAILED'}", *problems[:20], sep="\n  ")
        failed |= bool(problems)
        if args.cargo:
            code, text = check_cargo(scratch / "corpus", infos, args.cargo, scratch)
            print(f"cargo check: {'ok' if code == 0 else 'FAILED'} ({text})")
            failed |= code != 0
        if args.migrate:
            build(scratch / "control", args.repos, args.seed, control=True)
            real = migration_profile(scratch / "corpus", scratch, "corpus")
            control = migration_profile(scratch / "control", scratch, "control")
            bad = 0
            for info in infos:
                a, b = real.get(info.name), control.get(info.name)
                if a != b:
                    bad += 1
                    print(f"  {info.name} ({info.kind} {info.templates}): corpus {_show(a)} vs control {_show(b)}")
            print(f"migration invariance: {'ok' if not bad else f'{bad} repositories differ'} "
                  f"({len(infos)} repositories)")
            failed |= bad > 0
    return 1 if failed else 0


def _show(profile: dict | None) -> str:
    if profile is None:
        return "nothing"
    return (f"changed={profile['changed']} edits={profile['edits']} errors={profile['errors']} "
            f"findings={dict(sorted(profile['findings'].items()))}")


if __name__ == "__main__":
    sys.exit(main())

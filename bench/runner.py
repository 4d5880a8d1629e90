"""The benchmark: rbmigrate and its peers on one generated corpus, in one invocation (see bench/README.md).

Run it as ``bench/run`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import astgrep, bigmodule, corpus, measure

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RBMIGRATE = BIN / "rbmigrate"
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TARGETS = {"startup_ms": 150.0, "noop_vs_grep": 2.0, "diff_vs_astgrep": 1.0, "verify_warm_s": 3.0, "rss_mb": 500.0,
           "big_s": 10.0, "big_mb": 300.0}
BIG_MODULE_LINES = (10_000, 25_000, 50_000)  # one componentize-py module this long (bench/bigmodule.py)
VENDORED_SHARE = 0.02  # and the biggest once more with this share of protocol code (a vendored library)
PY_CONNECTORS = ("source-postgres", "dest-postgres", "transform-sql")


@dataclass
class Row:
    name: str
    files: int | None
    lines: int | None
    wall: float | None
    max_rss_mb: float | None = None
    tree_pss_mb: float | None = None
    exit: int | None = None
    note: str = ""

    def cells(self) -> list[str]:
        rate = f"{self.lines / self.wall:,.0f}" if self.lines and self.wall else "-"
        return [
            self.name,
            f"{self.files:,}" if self.files is not None else "-",
            f"{self.lines:,}" if self.lines is not None else "-",
            _secs(self.wall),
            rate,
            f"{self.max_rss_mb:,.0f}" if self.max_rss_mb is not None else "-",
            f"{self.tree_pss_mb:,.0f}" if self.tree_pss_mb else "-",
            str(self.exit) if self.exit is not None else "-",
            self.note,
        ]


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        self.values["load_max"] = max(self.values.get("load_max", 0.0), os.getloadavg()[0])
        print(f"  {row.name}: {_secs(row.wall)}", file=sys.stderr, flush=True)
        return row


def _secs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# ------------------------------------------------------------------ the machine and the corpus


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "ram": ram, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}",
            "rbmigrate": _version([str(RBMIGRATE), "--version"]), "ast-grep": _version([_astgrep(), "--version"]),
            "grep": _version(["grep", "--version"])}


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "missing"
    return (out.splitlines() or ["?"])[0].strip()


def _astgrep() -> str:
    for name in ("ast-grep", "sg"):
        if (BIN / name).exists():
            return str(BIN / name)
    return shutil.which("ast-grep") or "ast-grep"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tree_stats(*roots: Path) -> tuple[int, int]:
    """(files, lines) under ``roots``, not counting .git folders."""
    files = lines = 0
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                files += 1
                with open(os.path.join(dirpath, name), "rb") as fh:
                    lines += fh.read().count(b"\n")
    return files, lines


def changed_files(before: Path, after: Path) -> int:
    """Files whose bytes differ (or that exist on one side only), .git folders aside."""
    def listing(root: Path) -> dict[str, Path]:
        out = {}
        for dirpath, dirnames, filenames in os.walk(root):
            if Path(dirpath) == root:
                filenames = [n for n in filenames if n != "corpus.json"]
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                path = Path(dirpath) / name
                out[path.relative_to(root).as_posix()] = path
        return out

    a, b = listing(before), listing(after)
    return sum(1 for rel in a.keys() | b.keys() if rel not in a or rel not in b or a[rel].read_bytes() != b[rel].read_bytes())


def repos_in(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir())


# ------------------------------------------------------------------ the runs


def rbm(*args: str) -> list[str]:
    return [str(RBMIGRATE), *args]


def cache_env(folder: Path) -> dict[str, str]:
    """rbmigrate's cache folder for a run (the result cache lives in ``results/`` below it): every row
    names its own, so a "cold" row is cold and nothing reaches the user's own cache."""
    env = {k: v for k, v in os.environ.items() if k != "RBMIGRATE_NO_CACHE"}
    env["RBMIGRATE_CACHE_DIR"] = str(folder)
    return env


def run_rbmigrate(res: Results, name: str, args: list[str], repos: list[Path], files: int, lines: int, cwd: Path,
                  *, cache: Path, stdout: Path | None = None, expect: tuple[int, ...] = (0,),
                  key: str = "") -> measure.Measurement:
    env = cache_env(cache)
    m = measure.run(rbm(*args, *[str(p.relative_to(cwd)) for p in repos]), cwd=cwd, stdout=stdout, env=env)
    note = ""
    if m.returncode not in expect:
        note = f"unexpected exit {m.returncode}: {m.tail(1)}"
    summary = [line for line in m.stderr.splitlines() if "units" in line and ("files" in line or "parsed" in line)]
    if summary and not note:
        note = summary[-1].strip()
    res.add(Row(name, files, lines, m.wall, m.max_rss_mb, m.tree_pss_mb, m.returncode, note))
    if key:
        res.values[key] = m.wall
    res.values["rss_peak"] = max(res.values.get("rss_peak", 0.0), m.max_rss_mb, m.tree_pss_mb)
    return m


def verify_command() -> tuple[list[str] | None, str]:
    """How to run ``verify`` here: the CLI command, else the module while it is not registered yet."""
    probe = subprocess.run(rbm("verify", "--help"), capture_output=True, text=True)
    if probe.returncode == 0:
        return rbm("verify"), probe.stdout
    if (REPO / "rbmigrate" / "cli_verify.py").exists():
        cmd = [sys.executable, "-m", "rbmigrate.cli_verify"]
        probe = subprocess.run([*cmd, "--help"], capture_output=True, text=True)
        if probe.returncode == 0:
            return cmd, probe.stdout
    return None, ""


def bench_verify(res: Results, work: Path) -> None:
    """Migrate a git copy of the three Python connectors, then verify them twice with one cache folder."""
    cmd, help_text = verify_command()
    if cmd is None:
        for label in ("cold", "warm"):
            res.add(Row(f"`verify` 3 Python connectors ({label})", None, None, None,
                        note="not available yet (no `rbmigrate verify`, no rbmigrate/cli_verify.py)"))
        return
    how = "" if cmd[0] == str(RBMIGRATE) else "via `python -m rbmigrate.cli_verify` (not registered in cli.py yet); "
    root = work / "verify"
    root.mkdir()
    for name in PY_CONNECTORS:
        shutil.copytree(REPO / "testdata" / "python" / "v3" / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    corpus.git_commit(root)
    applied = subprocess.run(rbm("apply", *PY_CONNECTORS), cwd=root, capture_output=True, text=True,
                             env=cache_env(work / "cache-verify-apply"))
    args = []
    if "--base" in help_text:
        args += ["--base", "HEAD"]
    if "--cache-dir" in help_text:
        args += ["--cache-dir", str(work / "verify-cache")]
    files, lines = tree_stats(*(root / name for name in PY_CONNECTORS))
    for label in ("cold", "warm"):
        report = work / f"verify-{label}.txt"
        m = measure.run([*cmd, *args, *PY_CONNECTORS], cwd=root, stdout=report)
        note = how + (f"apply exit {applied.returncode}; " if applied.returncode else "")
        output = report.read_text(errors="replace").splitlines() + m.stderr.splitlines()
        summary = [line.strip() for line in output if line.startswith("verified")] + [""]
        note += ("passed" if m.returncode == 0 else f"exit {m.returncode}: {m.tail(1)}")
        if summary and summary[0]:
            note += f"; {summary[0]}"
        res.add(Row(f"`verify` 3 Python connectors ({label})", files, lines, m.wall, m.max_rss_mb, m.tree_pss_mb,
                    m.returncode, note))
        res.values[f"verify_{label}"] = m.wall
        if m.returncode != 0:
            res.values[f"verify_{label}_failed"] = 1


def bench_phases(res: Results, repos: list[Path], cwd: Path) -> None:
    out = cwd / "phases.json"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "bench.phases", *[str(p.relative_to(cwd)) for p in repos]]
    m = measure.run(cmd, cwd=cwd, stdout=out, env=env)
    if m.returncode != 0:
        res.add(Row("phases (-j1)", None, None, m.wall, m.max_rss_mb, m.tree_pss_mb, m.returncode,
                    f"failed: {m.tail(1)}"))
        return
    data = json.loads(out.read_text())
    sizes = {"discover": ("files_discovered", "lines_discovered"), "prefilter": ("files_discovered", "lines_discovered"),
             "parse": ("files_parsed", "lines_parsed"), "plan": ("files_parsed", "lines_parsed"),
             "validate": ("files_changed", None), "residue": ("files_discovered", None),
             "render": ("files_changed", None)}
    for phase, (fkey, lkey) in sizes.items():
        res.add(Row(f"phase: {phase}", data[fkey], data[lkey] if lkey else None, data[phase],
                    note="of one -j1 run" if phase == "discover" else ""))
    res.rows[-len(sizes)].max_rss_mb, res.rows[-len(sizes)].tree_pss_mb = m.max_rss_mb, m.tree_pss_mb
    total = sum(data[p] for p in sizes)
    res.notes.append(
        f"Phases come from one single-process run (`bench/phases.py`, wall {data['total']:.2f} s, of which the "
        f"{len(sizes)} phases are {total:.2f} s and the import {data['import'] * 1000:.0f} ms); validate counts the "
        f"re-parse of the {data['files_changed']} changed files (and WIT package checks); residue is the residue "
        f"pass (RB920): its gate over the files no adapter parses, and its scan of every output.")
    langs = []
    for lang, d in sorted(data.get("by_language", {}).items(), key=lambda kv: -sum(
            v for k, v in kv[1].items() if not k.endswith("_calls"))):
        spent = sum(v for k, v in d.items() if not k.endswith("_calls"))
        langs.append(f"{lang} {spent:.2f} s (parse {d['parse']:.2f} s × {d['parse_calls']}, plan {d['plan']:.2f} s × "
                     f"{d['plan_calls']}, prefilter {d['prefilter']:.2f} s × {d['prefilter_calls']})")
    if langs:
        res.notes.append("Time inside each adapter, same run: " + "; ".join(langs) + ".")
    res.values["phases"] = data


def bench_big_modules(res: Results, work: Path, sizes: tuple[int, ...]) -> None:
    """``apply --check --no-cache`` of one connector whose ``app.py`` is one big module (bench/bigmodule.py),
    at a few sizes: the time should grow linearly and stay under the target at 50,000 lines."""
    runs = [(size, None) for size in sizes] + ([(max(sizes), VENDORED_SHARE)] if sizes else [])
    for size, share in runs:
        folder = work / "big" / f"big-{size}" if share is None else work / "big" / f"vendored-{size}"
        app = bigmodule.generate(folder, size, protocol_share=share)
        files, lines = tree_stats(folder)
        m = measure.run(rbm("apply", "--check", "--no-cache", folder.name), cwd=folder.parent,
                        env=cache_env(work / "cache-big"))
        summary = [line.strip() for line in m.stderr.splitlines() if "units" in line and "parsed" in line]
        app_lines = app.read_bytes().count(b"\n")
        note = f"`app.py` {app_lines:,} lines" + (f"; {summary[-1]}" if summary else "")
        if m.returncode not in (0, 1):
            note = f"exit {m.returncode}: {m.tail(1)}; " + note
        if share is not None:
            res.add(Row(f"`apply --check` one {size:,}-line Python module, {share:.0%} protocol code (vendored)",
                        files, lines, m.wall, m.max_rss_mb, m.tree_pss_mb, m.returncode, note))
            continue
        res.add(Row(f"`apply --check` one {size:,}-line Python module (a third protocol code)", files, lines, m.wall,
                    m.max_rss_mb, m.tree_pss_mb, m.returncode, note))
        res.values[f"big_{size}"] = m.wall
        res.values[f"big_{size}_mb"] = max(m.max_rss_mb, m.tree_pss_mb)


def bench_astgrep(res: Results, base: Path, work: Path, files: int, lines: int, jobs: int) -> None:
    sg_root = work / "astgrep-corpus"
    shutil.copytree(base, sg_root, symlinks=True)
    config, count = astgrep.write_project(work / "astgrep-rules")
    repos = repos_in(sg_root)
    m = measure.run([_astgrep(), "scan", "-c", str(config), "--update-all", "-j", str(jobs),
                     *[str(p.relative_to(sg_root)) for p in repos]], cwd=sg_root)
    changed = changed_files(base, sg_root)
    note = f"{count} rules derived from the rule table; {changed} files changed"
    if m.returncode != 0:
        note = f"exit {m.returncode}: {m.tail(1)}; " + note
    res.add(Row("peer: `ast-grep scan --update-all` (plain renames)", files, lines, m.wall, m.max_rss_mb,
                m.tree_pss_mb, m.returncode, note))
    res.values["astgrep"] = m.wall


def bench_grep(res: Results, root: Path, work: Path, files: int, lines: int) -> None:
    tokens = work / "v3-tokens.txt"
    words = astgrep.v3_tokens()
    tokens.write_text("\n".join(words) + "\n", encoding="utf-8")
    repos = repos_in(root)
    cmd = ["grep", "-rlwF", "-f", str(tokens), "--exclude-dir=.git", *[str(p.relative_to(root)) for p in repos]]
    m = measure.run(cmd, cwd=root, stdout=work / "grep.out")
    hits = len((work / "grep.out").read_text().splitlines())
    res.add(Row("floor: `grep -rlwF` v3 tokens (migrated corpus)", files, lines, m.wall, m.max_rss_mb, m.tree_pss_mb,
                m.returncode, f"{len(words)} tokens from the rule table; {hits} files list one"))
    res.values["grep"] = m.wall


# ------------------------------------------------------------------ report


def verdicts(res: Results) -> list[list[str]]:
    v = res.values
    out = []

    def line(name: str, measured: str, limit: str, ratio: float | None, met: bool | None) -> None:
        out.append([name, measured, limit, f"{ratio:.2f}×" if ratio is not None else "-",
                    "n/a" if met is None else ("met" if met else "**missed**")])

    s = v.get("startup")
    line("start-up (`--version`, median)", _secs(s), "150 ms", s * 1000 / TARGETS["startup_ms"] if s else None,
         None if s is None else s * 1000 <= TARGETS["startup_ms"])
    c, g = v.get("check_warm"), v.get("grep")
    r = c / g if c and g else None
    line("no-op `apply --check` (warm cache) vs `grep` floor", f"{_secs(c)} vs {_secs(g)}", "≤ 2× grep", r,
         None if r is None else r <= TARGETS["noop_vs_grep"])
    c = v.get("check")
    r = c / g if c and g else None
    line("no-op `apply --check` (cold cache) vs `grep` floor", f"{_secs(c)} vs {_secs(g)}", "- (reported)", r, None)
    d, a = v.get("diff"), v.get("astgrep")
    r = d / a if d and a else None
    line("`apply --diff` (cold) vs ast-grep (renames only)", f"{_secs(d)} vs {_secs(a)}", "≤ 1× ast-grep", r,
         None if r is None else r <= TARGETS["diff_vs_astgrep"])
    w = v.get("verify_warm")
    if w is None:
        line("warm `verify`, 3 Python connectors", "not available yet", "< 3 s", None, None)
    else:
        failed = " (verify failed)" if v.get("verify_warm_failed") else ""
        line("warm `verify`, 3 Python connectors", _secs(w) + failed, "< 3 s", w / TARGETS["verify_warm_s"],
             w < TARGETS["verify_warm_s"] and not failed)
    sizes = sorted(int(k[4:]) for k in v if k.startswith("big_") and not k.endswith("_mb"))
    if sizes:
        big, mb = v[f"big_{sizes[-1]}"], v[f"big_{sizes[-1]}_mb"]
        line(f"one {sizes[-1]:,}-line Python module, time", _secs(big), "< 10 s", big / TARGETS["big_s"],
             big < TARGETS["big_s"])
        line(f"one {sizes[-1]:,}-line Python module, memory", f"{mb:,.0f} MB", "< 300 MB", mb / TARGETS["big_mb"],
             mb < TARGETS["big_mb"])
        if len(sizes) > 1:
            per = [v[f"big_{n}"] / n * 10_000 for n in sizes]
            line("big modules scale linearly (s per 10,000 lines, smallest → largest)",
                 " → ".join(f"{p:.2f}" for p in per), "flat", per[-1] / per[0], per[-1] / per[0] < 1.5)
    phases = v.get("phases")
    if phases and phases.get("residue") is not None:
        rest = sum(phases[p] for p in ("discover", "prefilter", "parse", "plan", "validate", "render"))
        share = phases["residue"] / rest if rest else None
        line("residue pass's cost in `apply --diff` (phases of one -j1 run)",
             f"{_secs(phases['residue'])} on {_secs(rest)}", "< 10%", share / 0.10 if share is not None else None,
             None if share is None else share < 0.10)
    rss = v.get("rss_peak")
    line(f"peak memory, {v.get('repos', 0):.0f}-repository corpus", f"{rss:,.0f} MB" if rss else "-", "< 500 MB",
         rss / TARGETS["rss_mb"] if rss else None, None if rss is None else rss < TARGETS["rss_mb"])
    return out


def table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(("---:" if i in right else ":---") for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render(res: Results, info: dict, args, corpus_line: str) -> str:
    header = ["run", "files", "lines", "wall", "lines/s", "peak RSS MB", "tree PSS MB", "exit", "note"]
    parts = [
        f"Benchmark of {info['rbmigrate']} on {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, Python "
        f"{info['python']}, {info['os']}; {info['ast-grep']}; {info['grep']}.",
        f"Load average (1, 5, 15 min) before: {res.values.get('load_before_text', '?')}; after: {load()}; highest "
        f"1-minute load seen after a row: {res.values.get('load_max', 0):.2f} (on {info['cores']} cores; above that, "
        f"other work competed for the CPU and every wall time is inflated).",
        f"Corpus: `bench/corpus.py --seed {args.seed} --repos {args.repos}`: {corpus_line}.",
        f"rbmigrate and ast-grep ran with {args.jobs} jobs; every path argument is one repository.",
        "",
        table(header, [r.cells() for r in res.rows], {1, 2, 3, 4, 5, 6, 7}),
        "",
        table(["target", "measured", "limit", "ratio", "status"], verdicts(res), {3}),
    ]
    if res.notes:
        parts += [""] + [f"- {n}" for n in res.notes]
    return "\n".join(parts) + "\n"


def update_docs(text: str) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOCS}: markers {BEGIN} / {END} not found")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description="rbmigrate benchmark (see bench/README.md)")
    parser.add_argument("--repos", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 20 repositories, 3 start-up runs")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="rbmigrate -j and ast-grep -j")
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--corpus", type=Path, help="reuse this corpus (from bench/corpus.py) instead of generating one")
    parser.add_argument("--no-git", action="store_true", help="generate the corpus without git repositories")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--big-modules", type=int, nargs="*", default=list(BIG_MODULE_LINES), metavar="LINES",
                        help="sizes of the big-module rows (default: %(default)s; none to skip them)")
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) to this file")
    parser.add_argument("--update-docs", action="store_true", help=f"replace the results in {DOCS.relative_to(REPO)}")
    args = parser.parse_args(argv)
    if args.quick:
        args.repos = 20 if args.repos == 200 else args.repos
        args.startup_runs = min(args.startup_runs, 3)
        if args.big_modules == list(BIG_MODULE_LINES):
            args.big_modules = [5_000]
    if not RBMIGRATE.exists():
        raise SystemExit(f"bench/run: {RBMIGRATE} not found (run with the project venv)")

    work = args.work or Path(tempfile.mkdtemp(prefix="rbbench-"))
    work.mkdir(parents=True, exist_ok=True)
    res = Results()
    res.values["load_before_text"] = load()  # type: ignore[assignment]
    res.values["repos"] = args.repos
    info = machine()
    try:
        print(f"bench: work folder {work}", file=sys.stderr)
        if args.corpus:
            base = args.corpus.resolve()
            corpus_line = f"reused from {base}"
            meta = base / "corpus.json"
            if meta.exists():
                data = json.loads(meta.read_text())
                args.seed, args.repos = data["seed"], data["repos"]
                res.values["repos"] = args.repos
                infos = [corpus.RepoInfo(**r) for r in data["repositories"]]
                corpus_line = corpus.describe(infos)
        else:
            base = work / "corpus"
            t0 = time.perf_counter()
            infos = corpus.generate(base, args.repos, args.seed, git=not args.no_git)
            corpus_line = corpus.describe(infos) + f"; generated in {time.perf_counter() - t0:.1f} s"
            if not args.no_git:
                corpus_line += "; every repository a git checkout"
        repos = repos_in(base)
        files, lines = tree_stats(*repos)
        print(f"bench: {len(repos)} repositories, {files} files, {lines} lines", file=sys.stderr)

        m, walls = measure.repeat(rbm("--version"), args.startup_runs, cwd=work)
        res.add(Row("`rbmigrate --version` (start-up)", None, None, m.wall, m.max_rss_mb, m.tree_pss_mb, m.returncode,
                    f"median of {len(walls)} (min {min(walls) * 1000:.0f} ms, max {max(walls) * 1000:.0f} ms)"))
        res.values["startup"] = m.wall

        jobs = ["-j", str(args.jobs)]
        diff_out = work / "diff.patch"
        run_rbmigrate(res, "`apply --diff` (cold)", ["apply", "--diff", "--no-color", *jobs], repos, files, lines,
                      base, stdout=diff_out, key="diff", cache=work / "cache-diff")
        applied = work / "applied"
        shutil.copytree(base, applied, symlinks=True)
        run_rbmigrate(res, "`apply` (fresh copy)", ["apply", *jobs], repos_in(applied), files, lines, applied,
                      key="apply", cache=work / "cache-apply")
        changed = changed_files(base, applied)
        res.rows[-1].note = f"{changed} of {files} files changed ({changed / files:.1%}); " + res.rows[-1].note
        res.values["changed"] = changed
        noop_cache = work / "cache-noop"
        for label, key in (("cold cache", "check"), ("warm cache", "check_warm")):
            check = run_rbmigrate(res, f"`apply --check` (no-op re-run on the migrated copy, {label})",
                                  ["apply", "--check", *jobs], repos_in(applied), files, lines, applied, key=key,
                                  cache=noop_cache)
            pending = sum(1 for line in check.stderr.splitlines() if line.startswith("would migrate"))
            if pending:
                res.rows[-1].note = f"NOT a no-op: {pending} files still pending; " + res.rows[-1].note
        run_rbmigrate(res, "`scan` (v3 corpus)", ["scan", *jobs], repos, files, lines, base, expect=(0, 1),
                      key="scan", cache=work / "cache-scan")
        run_rbmigrate(res, "`scan` (v3 corpus, warm cache: the run above again)", ["scan", *jobs], repos, files,
                      lines, base, expect=(0, 1), key="scan_warm", cache=work / "cache-scan")
        bench_phases(res, repos, base)
        if args.skip_verify:
            res.add(Row("`verify` 3 Python connectors", None, None, None, note="skipped (--skip-verify)"))
        else:
            bench_verify(res, work)
        if args.big_modules:
            bench_big_modules(res, work, tuple(args.big_modules))
        bench_astgrep(res, base, work, files, lines, args.jobs)
        bench_grep(res, applied, work, files, lines)
        report = render(res, info, args, corpus_line)
        print(report)
        if args.output:
            args.output.write_text(report, encoding="utf-8")
        if args.update_docs:
            update_docs(report)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
    return 0

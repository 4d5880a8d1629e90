"""Deterministic benchmark corpus: N connector repositories built from testdata.

    .venv/bin/python -m bench.corpus --out /tmp/corpus [--repos 200] [--seed 8] [--no-git]

Each repository is one of (proportions of the first-party fleet, see docs/benchmarks.md):

========================  =====  ===============================================================
kind                      share  built from
========================  =====  ===============================================================
``rust-crate``              60%  one SDK connector crate (testdata/rust/v3/connectors/*), made
                                 standalone (registry ``rapidbyte-sdk``), with a vendored ``wit/``
``rust-workspace``           9%  two such connectors in one Cargo workspace, one ``wit/`` at the root
``rust-platform``            1%  the whole testdata/rust/v3 workspace (SDK, macros, runtime, connectors)
``python``                  20%  one componentize-py connector (testdata/python/v3/*)
``wit``                     10%  a third-party WIT package using the protocol, with a vendored v3 copy
                                 in ``deps/`` (one of the testdata/wit variants)
========================  =====  ===============================================================

Every repository renames the connector's own identifiers (module, struct,
helper and constant names, the connector id; never a protocol name, see
:mod:`bench.rename`), and gets unrelated filler (:mod:`bench.filler`) until
about one file in ten needs an edit. Same seed and count, same bytes. With
``--git`` (the default) every repository is ``git init``-ed with one commit at
a fixed date, so ``apply`` pays for its dirty-tree check as it does on a real
checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # `python bench/corpus.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from . import filler  # noqa: E402
from .rename import Renamer, protected_names, python_definitions, rust_definitions, substitute  # noqa: E402
from .words import NOUNS  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"
RUST_V3 = TESTDATA / "rust" / "v3"

SHARES = {"rust-crate": 60, "rust-workspace": 9, "rust-platform": 1, "python": 20, "wit": 10}
RUST_TEMPLATES = {"source-postgres": "postgres", "dest-postgres": "postgres", "transform-sql": "sql",
                  "source-csv": "csv"}
PYTHON_TEMPLATES = {"source-postgres": "postgres", "dest-postgres": "postgres", "transform-sql": "sql"}
# the vendored copy of the protocol package, weighted: most repositories vendor it as it is
VENDORED_WIT = [("canonical", 7), ("comments", 1), ("crlf", 1), ("reordered", 1)]
WIT_DEPS = [("canonical", 4), ("comments", 1), ("crlf", 1), ("bom", 1), ("reordered", 1), ("split", 1)]
SDK_REQUIREMENTS = ["3", "3.1", "3.2", "^3.2", "3.2.1", "~3.1"]
SKIP_NAMES = {"__pycache__", "target", ".DS_Store"}
TEXT_SUFFIXES = {".rs", ".py", ".toml", ".json", ".md", ".lock", ".yml", ".txt", ""}
V3_TOKEN = None  # compiled lazily: see needs_edit
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid", "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}


@dataclass
class RepoInfo:
    name: str
    kind: str
    templates: list[str]
    files: int = 0
    lines: int = 0
    filler: int = 0
    renamed: int = 0  # identifiers renamed
    edit_candidates: int = 0  # files holding a v3 token (an estimate of the files the migration edits)


@dataclass
class Files:
    """A repository being built: relative path -> bytes."""

    data: dict[str, bytes] = field(default_factory=dict)

    def put(self, rel: str, content: str | bytes) -> None:
        self.data[rel] = content.encode("utf-8") if isinstance(content, str) else content

    def text(self, rel: str) -> str:
        return self.data[rel].decode("utf-8")


# ------------------------------------------------------------------ helpers


def read_tree(root: Path, prefix: str = "", skip: set[str] | None = None) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    skip = SKIP_NAMES | (skip or set())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        for name in sorted(filenames):
            if name in skip or name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            out[prefix + path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def needs_edit(rel: str, data: bytes) -> bool:
    """Does a file hold a v3 token (a rule-table v3 word, or the v3 package/protocol markers)?"""
    global V3_TOKEN
    if V3_TOKEN is None:
        from rbmigrate.ruletable import default_table

        words = sorted(default_table().v3_words | {"protocol_version", "rapidbyte-sdk"}, key=len, reverse=True)
        V3_TOKEN = re.compile(rb"(?<![\w-])(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")(?![\w-])"
                              + rb"|rapidbyte:connector")
    if rel.endswith((".md", ".lock")) or "/.cargo/" in f"/{rel}" or rel.endswith(".schema.json"):
        return False
    return V3_TOKEN.search(data) is not None


def is_text(rel: str) -> bool:
    return Path(rel).suffix in TEXT_SUFFIXES


def rename_files(files: dict[str, bytes], mapping: dict[str, str], kebab: dict[str, str], only=None) -> dict[str, bytes]:
    """Apply identifier and kebab renames to every text file (never to WIT), and to module file names."""
    kebab_re = None
    if kebab:
        kebab_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in sorted(kebab, key=len, reverse=True))
                              + r")(?![\w-])")
    out: dict[str, bytes] = {}
    for rel, data in files.items():
        if only is not None and not only(rel):
            out[rel] = data
            continue
        new_rel = rel
        if rel.endswith((".rs", ".py")):
            folder, _, name = rel.rpartition("/")
            stem, dot, suffix = name.rpartition(".")
            if stem in mapping:
                new_rel = f"{folder}/{mapping[stem]}.{suffix}" if folder else f"{mapping[stem]}.{suffix}"
        if is_text(rel) and not rel.endswith(".wit"):
            text = data.decode("utf-8")
            if kebab_re is not None:
                text = kebab_re.sub(lambda m: kebab[m.group(0)], text)
            text = substitute(text, mapping)
            data = text.encode("utf-8")
        out[new_rel] = data
    return out


# ------------------------------------------------------------------ connectors


def connector_renames(rng: random.Random, renamer: Renamer, files: dict[str, bytes], language: str,
                      template: str, domain: str, tdomain: str) -> tuple[dict[str, str], dict[str, str], str]:
    """(identifier map, kebab map, new connector name) for one connector's files."""
    texts = {rel: data.decode("utf-8") for rel, data in files.items() if rel.endswith((".rs", ".py"))}
    existing = {tok for text in texts.values() for tok in re.findall(r"[A-Za-z_]\w*", text)}
    renamer.word_map.setdefault(tdomain, domain)
    renamer.used_words.add(domain)
    definitions = rust_definitions(texts) if language == "rust" else python_definitions(texts)
    mapping = renamer.plan(*definitions, existing=existing)
    if not renamer.enabled:
        return mapping, {}, template
    role, _, _ = template.partition("-")
    new_name = f"{role}-{domain}"
    kebab = {template: new_name}
    mapping[template.replace("-", "_")] = new_name.replace("-", "_")
    return mapping, kebab, new_name


def add_support_modules(rng: random.Random, files: Files, crate: str, count: int) -> int:
    """Filler Rust modules under ``src/support/``, declared from lib.rs; returns the number of files added."""
    if count <= 0 or not FILL:
        return 0
    names = filler.Names(rng, avoid={Path(r).stem for r in files.data})
    mods = []
    for _ in range(count):
        mod = names.module()
        text, _ = filler.rust_module(rng, mod.replace("_", " ").capitalize())
        files.put(f"{crate}src/support/{mod}.rs", text)
        mods.append(mod)
    head = "//! Small std-only helpers shared by the connector.\n#![allow(dead_code)]\n\n"
    files.put(f"{crate}src/support/mod.rs", head + "".join(f"pub mod {m};\n" for m in sorted(mods)))
    lib = files.text(f"{crate}src/lib.rs")
    mods_at = [m.end() for m in re.finditer(r"^mod \w+;\n", lib, re.M)]
    at = mods_at[-1] if mods_at else 0
    files.put(f"{crate}src/lib.rs", lib[:at] + "mod support;\n" + lib[at:])
    return count + 1


def add_misc_filler(rng: random.Random, files: Files, language: str, count: int, prefix: str = "",
                    python_dir: str | None = None) -> int:
    """README/CHANGELOG plus docs, fixtures, configs, CI files and (Python) modules and tests."""
    if not FILL:
        return 0
    names = filler.Names(rng, avoid={Path(r).stem for r in files.data})
    added = 0
    title = prefix.rstrip("/") or "this connector"
    for rel, make in ((f"{prefix}README.md", lambda: filler.markdown(rng, title)),
                      (f"{prefix}CHANGELOG.md", lambda: filler.changelog(rng, title))):
        if added < count and rel not in files.data:
            files.put(rel, make())
            added += 1
    if language == "rust":
        kinds = [("test", 10), ("example", 4), ("md", 25), ("json", 20), ("toml", 10), ("yml", 5)]
    elif language == "python":
        kinds = [("pymod", 30), ("pytest", 12), ("md", 22), ("json", 22), ("toml", 8), ("yml", 6)]
    else:
        kinds = [("wit", 35), ("md", 30), ("json", 25), ("toml", 5), ("yml", 5)]
    py_modules: list[tuple[str, list[str]]] = []
    while added < count:
        kind = weighted(rng, kinds)
        if kind == "test":
            files.put(f"{prefix}tests/{names.snake()}.rs", filler.rust_integration_test(rng))
        elif kind == "example":
            files.put(f"{prefix}examples/{names.snake()}.rs", filler.rust_example(rng))
        elif kind == "md":
            files.put(f"{prefix}docs/{names.noun()}.md", filler.markdown(rng, names.noun().title()))
        elif kind == "json":
            files.put(f"{prefix}fixtures/{names.noun()}.json", filler.json_fixture(rng))
        elif kind == "toml":
            files.put(f"{prefix}config/{names.noun()}.toml", filler.toml_config(rng))
        elif kind == "yml":
            files.put(f"{prefix}.github/workflows/{names.noun()}.yml", filler.ci_workflow(rng, language))
        elif kind == "pymod":
            mod = names.module()
            text, fns = filler.python_module(rng, mod.replace("_", " ").capitalize())
            files.put(f"{python_dir or prefix}{mod}.py", text)
            py_modules.append((mod, fns))
        elif kind == "pytest":
            if not py_modules:
                continue
            mod, fns = rng.choice(py_modules)
            files.put(f"{prefix}tests/test_{names.noun()}.py", filler.python_test(rng, mod, fns))
        elif kind == "wit":
            pkg = names.noun()
            files.put(f"{prefix}examples/{pkg}/{pkg}.wit", filler.wit_package(rng, names.noun()))
        added += 1
    return added


FILL = True  # False builds the filler-free control copies of bench/check_corpus.py
# Share of the files holding a v3 token (needs_edit) that the migration really edits: the token test also
# catches a `host` config field or a `types` word. Measured with seed 8 on 20 repositories: 100 of 127.
EDIT_RATE = 0.8


def filler_budget(rng: random.Random, files: Files) -> int:
    """How many filler files make about one file in ten need an edit (±15%)."""
    if not FILL:
        return 0
    candidates = sum(1 for rel, data in files.data.items() if needs_edit(rel, data))
    total = round(10 * candidates * EDIT_RATE * rng.uniform(0.85, 1.15))
    return max(3, total - len(files.data))


def standalone_manifest(text: str, requirement: str) -> str:
    text = text.replace("edition.workspace = true", 'edition = "2021"')
    text = text.replace("license.workspace = true", 'license = "Apache-2.0"')
    return re.sub(r'rapidbyte-sdk = \{ path = "[^"]*" \}', f'rapidbyte-sdk = "{requirement}"', text)


def vendored_wit(variant: str) -> dict[str, bytes]:
    return read_tree(TESTDATA / "wit" / variant / "input")


def template_domain(renamer: Renamer, tdomain: str, first: str | None) -> str:
    """The word replacing a template's domain word (``postgres``) in this repository."""
    if tdomain in renamer.word_map:
        return renamer.word_map[tdomain]
    if first is not None:
        renamer.word_map[tdomain] = first
        renamer.used_words.add(first)
        return first
    return renamer.word(tdomain)


def build_rust_connector(rng: random.Random, renamer: Renamer, files: Files, template: str, domain: str,
                         folder: str | None, requirement: str | None) -> str:
    """One connector crate, at the repository root (``folder`` None) or in ``folder/<new name>/``.

    Returns the new crate name."""
    src = read_tree(RUST_V3 / "connectors" / template)
    mapping, kebab, new_name = connector_renames(rng, renamer, src, "rust", template, domain, RUST_TEMPLATES[template])
    prefix = "" if folder is None else f"{folder}/{new_name}/"
    for rel, data in rename_files(src, mapping, kebab).items():
        files.put(prefix + rel, data)
    if requirement is not None:  # standalone: the SDK comes from the registry
        manifest = files.text(prefix + "Cargo.toml")
        files.put(prefix + "Cargo.toml", standalone_manifest(manifest, requirement))
    return new_name


def rust_crate_repo(rng: random.Random, files: Files, info: RepoInfo, domain: str) -> None:
    template = rng.choice(sorted(RUST_TEMPLATES))
    wit, requirement = weighted(rng, VENDORED_WIT), rng.choice(SDK_REQUIREMENTS)
    info.templates = [template, wit]
    renamer = Renamer(rng)
    build_rust_connector(rng, renamer, files, template, domain, None, requirement)
    info.renamed = len(renamer.names)
    manifest = files.text("Cargo.toml")
    files.put("Cargo.toml", manifest + '\n[profile.release]\nopt-level = "s"\nlto = true\nstrip = true\n')
    for rel, data in vendored_wit(wit).items():
        files.put(f"wit/{rel}", data)
    files.put(".gitignore", "/target\n")
    files.put("rustfmt.toml", (RUST_V3 / "rustfmt.toml").read_bytes())
    budget = filler_budget(rng, files)
    modules = round(budget * rng.uniform(0.35, 0.5))
    info.filler = add_support_modules(rng, files, "", modules)
    info.filler += add_misc_filler(rng, files, "rust", budget - info.filler)


def rust_workspace_repo(rng: random.Random, files: Files, info: RepoInfo, domain: str) -> None:
    templates = rng.sample(sorted(RUST_TEMPLATES), 2)
    wit, requirements = weighted(rng, VENDORED_WIT), [rng.choice(SDK_REQUIREMENTS) for _ in templates]
    info.templates = [*templates, wit]
    renamer = Renamer(rng)
    crates = []
    for i, (template, requirement) in enumerate(zip(templates, requirements)):
        dom = template_domain(renamer, RUST_TEMPLATES[template], domain if i == 0 else None)
        crates.append(build_rust_connector(rng, renamer, files, template, dom, "connectors", requirement))
    info.renamed = len(renamer.names)
    root = (RUST_V3 / "Cargo.toml").read_text(encoding="utf-8")
    root = root.replace('    "crates/*",\n', "").replace("rapidbyte/rapidbyte", f"rapidbyte/connectors-{domain}")
    files.put("Cargo.toml", root)
    for rel, data in vendored_wit(wit).items():
        files.put(f"wit/{rel}", data)
    files.put(".gitignore", "/target\n")
    files.put("rustfmt.toml", (RUST_V3 / "rustfmt.toml").read_bytes())
    budget = filler_budget(rng, files)
    for crate in crates:
        info.filler += add_support_modules(rng, files, f"connectors/{crate}/", round(budget * 0.2))
    info.filler += add_misc_filler(rng, files, "rust", budget - info.filler)


def rust_platform_repo(rng: random.Random, files: Files, info: RepoInfo, domain: str) -> None:
    """The protocol's own repository: SDK and runtime stay as they are, its connectors are renamed."""
    tree = read_tree(RUST_V3)
    renamer = Renamer(rng)
    info.templates = ["rust/v3"]
    mapping: dict[str, str] = {}
    kebab: dict[str, str] = {}
    for i, (template, tdomain) in enumerate(sorted(RUST_TEMPLATES.items())):
        dom = template_domain(renamer, tdomain, domain if i == 0 else None)
        src = {r: d for r, d in tree.items() if r.startswith(f"connectors/{template}/")}
        m, k, _ = connector_renames(rng, renamer, src, "rust", template, dom, tdomain)
        mapping.update(m)
        kebab.update(k)
    renamed = rename_files(tree, mapping, kebab, only=lambda rel: not rel.startswith("crates/"))
    for rel, data in renamed.items():
        for old, new in kebab.items():
            rel = rel.replace(f"connectors/{old}/", f"connectors/{new}/")
        files.put(rel, data)
    info.renamed = len(renamer.names)
    for rel, data in vendored_wit("canonical").items():
        files.put(f"wit/{rel}", data)
    budget = filler_budget(rng, files)
    for crate in sorted({r.split("/")[1] for r in files.data if r.startswith("connectors/")}):
        info.filler += add_support_modules(rng, files, f"connectors/{crate}/", round(budget * 0.1))
    info.filler += add_misc_filler(rng, files, "rust", budget - info.filler)


def python_repo(rng: random.Random, files: Files, info: RepoInfo, domain: str) -> None:
    template = rng.choice(sorted(PYTHON_TEMPLATES))
    info.templates = [template]
    src = read_tree(TESTDATA / "python" / "v3" / template)
    renamer = Renamer(rng)
    only = lambda rel: not rel.startswith("wit_world/")  # noqa: E731 - generated bindings stay as generated
    body = {r: d for r, d in src.items() if only(r)}
    mapping, kebab, _ = connector_renames(rng, renamer, body, "python", template, domain, PYTHON_TEMPLATES[template])
    info.renamed = len(renamer.names)
    for rel, data in rename_files(src, mapping, kebab, only=only).items():
        files.put(rel, data)
    files.put(".gitignore", "__pycache__/\n*.wasm\n")
    files.put("pyproject.toml", f'[project]\nname = "{template.split("-")[0]}-{domain}"\nversion = "0.1.0"\n'
                                f'requires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 120\n')
    files.put("requirements-dev.txt", "pytest>=8\nruff>=0.4\n")
    info.filler = add_misc_filler(rng, files, "python", filler_budget(rng, files))


_WIT_KEBAB = re.compile(r"(?<![\w%-])[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![\w-])")


def wit_repo(rng: random.Random, files: Files, info: RepoInfo, domain: str) -> None:
    variant = weighted(rng, WIT_DEPS)
    info.templates = ["third-party", variant]
    src = (TESTDATA / "wit" / "third-party" / "input" / "acme-audit.wit").read_text(encoding="utf-8")
    names = filler.Names(rng)
    namespace = domain
    package = names.noun()
    mapping = {"acme": namespace, "audit": package, "record-read": f"{names.snake()}".replace("_", "-"),
               "check": names.noun(), "peek": names.noun(), "audited-source": f"{names.noun()}-source",
               "audited-transform": f"{names.noun()}-transform", "raw-read": f"{names.noun()}-read"}
    mapping = {k: v for k, v in mapping.items() if k not in protected_names() and Renamer.enabled}
    info.renamed = len(mapping)
    text = _WIT_KEBAB.sub(lambda m: mapping.get(m.group(0), m.group(0)), src)
    text = text.replace("1.2.0", f"{rng.randint(0, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}")
    files.put(f"wit/{namespace}-{package}.wit", text)
    for rel, data in vendored_wit(variant).items():
        files.put(f"wit/deps/rapidbyte-connector/{rel}", data)
    info.filler = add_misc_filler(rng, files, "wit", filler_budget(rng, files))


BUILDERS = {"rust-crate": rust_crate_repo, "rust-workspace": rust_workspace_repo,
            "rust-platform": rust_platform_repo, "python": python_repo, "wit": wit_repo}


# ------------------------------------------------------------------ the corpus


def plan_kinds(count: int, seed: int) -> list[str]:
    """Repository kinds in SHARES proportions (largest remainder), in a seeded order."""
    total = sum(SHARES.values())
    exact = {k: count * v / total for k, v in SHARES.items()}
    counts = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - counts[k]), k))[: count - sum(counts.values())]:
        counts[k] += 1
    kinds = [k for k in SHARES for _ in range(counts[k])]
    random.Random(f"kinds:{seed}").shuffle(kinds)
    return kinds


def domains(count: int, seed: int) -> list[str]:
    from .rename import is_sticky

    pool = sorted({w for w in NOUNS if not is_sticky(w) and w.isalpha()})
    random.Random(f"domains:{seed}").shuffle(pool)
    return [pool[i % len(pool)] + (str(i // len(pool)) if i >= len(pool) else "") for i in range(count)]


def build_repo(index: int, kind: str, domain: str, seed: int) -> tuple[RepoInfo, Files]:
    rng = random.Random(f"repo:{seed}:{index}")
    files = Files()
    info = RepoInfo(name="", kind=kind, templates=[])
    BUILDERS[kind](rng, files, info, domain)
    short = {"rust-crate": "rs", "rust-workspace": "rsws", "rust-platform": "platform", "python": "py", "wit": "wit"}
    role = "" if kind in ("wit", "rust-platform", "rust-workspace") else info.templates[0].split("-")[0] + "-"
    info.name = f"{index:03d}-{short[kind]}-{role}{domain}"
    info.files = len(files.data)
    info.lines = sum(d.count(b"\n") for d in files.data.values())
    info.edit_candidates = sum(1 for rel, data in files.data.items() if needs_edit(rel, data))
    return info, files


def write_repo(root: Path, files: Files) -> None:
    for rel, data in sorted(files.data.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def git_commit(root: Path) -> None:
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "protocol v3 connector"]):
        subprocess.run(["git", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args], cwd=root, env=env,
                       check=True, capture_output=True)


def generate(out: Path, repos: int = 200, seed: int = 8, git: bool = True) -> list[RepoInfo]:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"corpus: {out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    infos: list[RepoInfo] = []
    for index, (kind, domain) in enumerate(zip(plan_kinds(repos, seed), domains(repos, seed))):
        info, files = build_repo(index, kind, domain, seed)
        root = out / info.name
        write_repo(root, files)
        if git:
            git_commit(root)
        infos.append(info)
    summary = {"seed": seed, "repos": repos, "git": git, "repositories": [asdict(i) for i in infos]}
    (out / "corpus.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return infos


def describe(infos: list[RepoInfo]) -> str:
    by_kind: dict[str, list[RepoInfo]] = {}
    for info in infos:
        by_kind.setdefault(info.kind, []).append(info)
    files = sum(i.files for i in infos)
    lines = sum(i.lines for i in infos)
    cands = sum(i.edit_candidates for i in infos)
    parts = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_kind.items(), key=lambda kv: -len(kv[1])))
    return (f"{len(infos)} repositories ({parts}); {files} files, {lines} lines; "
            f"{cands} files hold a v3 token ({cands / max(files, 1):.1%})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/corpus.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="empty or missing folder to write the corpus into")
    parser.add_argument("--repos", type=int, default=200, help="number of repositories (default 200)")
    parser.add_argument("--seed", type=int, default=8, help="seed (default 8)")
    parser.add_argument("--git", action=argparse.BooleanOptionalAction, default=True,
                        help="git init + one commit per repository (default: on)")
    args = parser.parse_args(argv)
    infos = generate(args.out, args.repos, args.seed, args.git)
    print(describe(infos))
    return 0


if __name__ == "__main__":
    sys.exit(main())

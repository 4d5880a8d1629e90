"""The benchmark corpus generator (bench/corpus.py) and the peer rules (bench/astgrep.py).

Fast: a few small corpora without git. No timing is asserted anywhere; the slow
soundness checks (cargo check of renamed crates, migration invariance against
unrenamed controls) are `bench/check_corpus.py`.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import astgrep, corpus  # noqa: E402
from bench.check_corpus import build as build_variant  # noqa: E402
from bench.rename import protected_names  # noqa: E402


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, list[corpus.RepoInfo]]:
    out = tmp_path_factory.mktemp("corpus") / "c"
    return out, corpus.generate(out, repos=20, seed=8, git=False)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, small):
    out, _ = small
    again = tmp_path / "again"
    corpus.generate(again, repos=20, seed=8, git=False)
    assert tree(again) == tree(out)
    other = tmp_path / "other"
    corpus.generate(other, repos=20, seed=9, git=False)
    assert tree(other) != tree(out)


def test_kind_proportions():
    counts = collections.Counter(corpus.plan_kinds(200, seed=8))
    assert counts == {"rust-crate": 120, "python": 40, "wit": 20, "rust-workspace": 18, "rust-platform": 2}
    assert sum(collections.Counter(corpus.plan_kinds(37, seed=3)).values()) == 37
    assert corpus.plan_kinds(200, seed=8) != corpus.plan_kinds(200, seed=9)  # same counts, another order


def test_shape_of_the_corpus(small):
    out, infos = small
    meta = json.loads((out / "corpus.json").read_text())
    assert meta["repos"] == 20 and len(meta["repositories"]) == 20
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(i.name for i in infos)
    assert {i.kind for i in infos} >= {"rust-crate", "python", "wit"}
    for info in infos:
        root = out / info.name
        assert sum(1 for p in root.rglob("*") if p.is_file()) == info.files
        assert not any(p.name == "__pycache__" or p.suffix == ".pyc" for p in root.rglob("*"))
        if info.kind == "rust-crate":
            assert (root / "Cargo.toml").is_file() and (root / "src" / "lib.rs").is_file()
            assert list((root / "wit").glob("*.wit")), "a vendored protocol package"
            assert re.search(r'^rapidbyte-sdk = "[~^]?3', (root / "Cargo.toml").read_text(), re.M)
            assert "mod support;" in (root / "src" / "lib.rs").read_text()
        elif info.kind == "python":
            assert (root / "app.py").is_file() and (root / "manifest.json").is_file()
        elif info.kind == "wit":
            assert list((root / "wit" / "deps" / "rapidbyte-connector").glob("*.wit"))
    # about one file in ten needs an edit: files holding a v3 token, scaled by the measured edit rate
    files = sum(i.files for i in infos)
    candidates = sum(i.edit_candidates for i in infos)
    assert 0.07 <= candidates * corpus.EDIT_RATE / files <= 0.14


def test_no_two_repositories_alike(small):
    out, infos = small
    fingerprints = set()
    for info in infos:
        root = out / info.name
        main = {"python": "app.py", "wit": None}.get(info.kind, "src/lib.rs")
        if info.kind == "rust-workspace":
            main = next(p for p in sorted(root.glob("connectors/*/src/lib.rs"))).relative_to(root).as_posix()
        if main is None:
            main = next(p for p in sorted((root / "wit").glob("*.wit"))).relative_to(root).as_posix()
        fingerprints.add(hashlib.sha256((root / main).read_bytes()).hexdigest())
        assert info.renamed > 0, f"{info.name}: nothing renamed"
    assert len(fingerprints) == len(infos), "two repositories share their main source file"


def test_renaming_keeps_every_protocol_name(tmp_path):
    """Renamed and filled repositories hold exactly the v3 tokens of an unrenamed, filler-free control."""
    real = build_variant(tmp_path / "real", 12, 8, control=False)
    build_variant(tmp_path / "control", 12, 8, control=True)
    corpus.needs_edit("x.rs", b"")  # compile the token pattern
    pattern = corpus.V3_TOKEN
    for info in real:
        counts = {}
        for side in ("real", "control"):
            found = collections.Counter()
            for path in (tmp_path / side / info.name).rglob("*"):
                if path.is_file() and path.suffix in (".rs", ".py", ".wit", ".toml", ".json"):
                    found.update(m.group(0) for m in pattern.finditer(path.read_bytes()))
            counts[side] = found
        assert counts["real"] == counts["control"], f"{info.name} ({info.kind} {info.templates})"
    assert any(i.renamed for i in real)


def _tokens(paths) -> set[bytes]:
    ident = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
    out: set[bytes] = set()
    for path in paths:
        out.update(ident.findall(path.read_bytes()))
    return out


def test_protected_names_survive(small):
    """Every SDK/protocol/std name a template uses is still spelled the same in each repository built from it."""
    out, infos = small
    protected = {n.encode() for n in protected_names()}
    checked = 0
    for info in infos:
        if info.kind == "rust-crate":
            template = corpus.RUST_V3 / "connectors" / info.templates[0]
            domain = corpus.RUST_TEMPLATES[info.templates[0]]
        elif info.kind == "python":
            template = corpus.TESTDATA / "python" / "v3" / info.templates[0]
            domain = corpus.PYTHON_TEMPLATES[info.templates[0]]
        else:
            continue
        code = lambda root: [p for p in root.rglob("*") if p.suffix in (".rs", ".py")  # noqa: E731
                             and not {"wit_world", "__pycache__"} & set(p.parts)]
        expected = _tokens(code(template)) & protected - {domain.encode()}  # the connector id is renamed
        assert not expected - _tokens(code(out / info.name)), info.name
        checked += 1
    assert checked


def test_generated_python_compiles(small):
    out, _ = small
    for path in out.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


def test_astgrep_rules_come_from_the_rule_table(tmp_path):
    from rbmigrate.ruletable import default_table

    renames = astgrep.plain_renames()
    pairs = {(r.language, r.old): r.new for r in renames}
    assert pairs[("rust", "emit_batch")] == "batch_emit"
    assert pairs[("python", "host.emit_batch")] == "host_io.batch_emit"
    assert pairs[("rust", "HostTcpStream")] == "TcpStream"
    assert pairs[("rust", "CheckpointKind::Dest")] == "CheckpointKind::Destination"
    table = default_table()
    for r in renames:
        rule = table.get(r.rule_id)
        assert rule.kind == "rename" and (rule.wit or rule.rust or rule.python)
    assert len(pairs) == len(renames)
    config, count = astgrep.write_project(tmp_path / "sg")
    files = sorted((tmp_path / "sg" / "rules").glob("*.yml"))
    assert count == len(files) == len(renames)
    assert json.loads(config.read_text()) == {"ruleDirs": ["rules"]}
    tokens = astgrep.v3_tokens()
    assert "emit_batch" in tokens and "rapidbyte:connector@3.0.0" in tokens


def test_astgrep_applies_the_derived_rules(tmp_path):
    """The peer really rewrites: the derived rules run through ast-grep on a small Rust and Python file."""
    binary = shutil.which("ast-grep", path=str(Path(sys.executable).parent)) or shutil.which("ast-grep")
    if binary is None:
        from conftest import skip_or_fail

        skip_or_fail("ast-grep (PyPI ast-grep-cli) is not installed")
    config, _ = astgrep.write_project(tmp_path / "sg")
    src = tmp_path / "src"
    src.mkdir()
    (src / "lib.rs").write_text("fn f(ctx: &Context) { ctx.emit_batch(&b); let k = CheckpointKind::Dest; }\n")
    (src / "app.py").write_text("from wit_world.imports import host\nhost.emit_batch(h)\n")
    subprocess.run([binary, "scan", "-c", str(config), "--update-all", "src"], cwd=tmp_path, check=True,
                   capture_output=True)
    assert (src / "lib.rs").read_text() == (
        "fn f(ctx: &Context) { ctx.batch_emit(&b); let k = CheckpointKind::Destination; }\n")
    assert "host_io.batch_emit(h)" in (src / "app.py").read_text()

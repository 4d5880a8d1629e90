"""File discovery: units, .gitignore (git and walk), include/exclude, skipped folders, generated files, prefilter."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from workflow_support import V3_WIT, git, init_repo, wit_adapter

from rbmigrate.cli import main
from rbmigrate.discover import DiscoverOptions, discover_all
from rbmigrate.engine import Options, migrate_unit
from rbmigrate.ignore import Rules, compile_pattern
from rbmigrate.lang import base as lang_base
from rbmigrate.lang.base import Adapter


def write(path: Path, data: bytes | str = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def rels(discovery, root: Path) -> dict[str, list[str]]:
    return {
        u.root.relative_to(root).as_posix() or ".": [f.relative_to(root).as_posix() for f in u.files]
        for u in discovery.units
    }


# ------------------------------------------------------------------ gitignore patterns


@pytest.mark.parametrize(
    "pattern, path, is_dir, expected",
    [
        ("*.wit", "a/b/c.wit", False, True),
        ("*.wit", "c.wit", False, True),
        ("/top.wit", "top.wit", False, True),
        ("/top.wit", "sub/top.wit", False, False),
        ("build/", "x/build", True, True),
        ("build/", "x/build", False, False),
        ("a/*.wit", "a/x.wit", False, True),
        ("a/*.wit", "a/b/x.wit", False, False),
        ("a/**/x.wit", "a/x.wit", False, True),
        ("a/**/x.wit", "a/b/c/x.wit", False, True),
        ("**/gen", "deep/er/gen", True, True),
        ("gen/**", "gen/a/b.wit", False, True),
        ("gen/**", "gen", True, False),
        ("f?o.wit", "foo.wit", False, True),
        ("f?o.wit", "f/o.wit", False, False),
        ("[abc].wit", "b.wit", False, True),
        ("[!abc].wit", "b.wit", False, False),
        ("\\#x", "#x", False, True),
        ("trailing   ", "trailing", False, True),
    ],
)
def test_gitignore_pattern_semantics(pattern, path, is_dir, expected):
    assert Rules([compile_pattern(pattern)]).matches(path, is_dir) is expected


def test_gitignore_negation_and_comments():
    rules = Rules.from_lines(["# comment", "", "*.wit", "!keep.wit"])
    assert rules.matches("x.wit")
    assert not rules.matches("keep.wit")
    assert rules.decide("other.rs", False) is None


def test_nested_gitignore_is_anchored_to_its_folder():
    rules = Rules.from_lines(["/local.wit"], base="sub")
    assert rules.matches("sub/local.wit")
    assert not rules.matches("local.wit")
    assert not rules.matches("sub/deeper/local.wit")


# ------------------------------------------------------------------ walk (no git)


def make_tree(root: Path) -> None:
    write(root / "crate" / "Cargo.toml", "[package]\nname = 'c'\n")
    write(root / "crate" / "src" / "lib.rs", "fn main() {}\n")
    write(root / "crate" / "wit" / "world.wit", V3_WIT)  # belongs to the crate
    write(root / "crate" / "wit" / "deps" / "dep" / "dep.wit", "package a:b;\n")
    write(root / "crate" / "target" / "debug" / "gen.rs", "// build output\n")
    write(root / "pkg" / "connector.wit", V3_WIT)  # a WIT package unit
    write(root / "pkg" / "deps" / "vendored" / "v.wit", "package x:y;\n")  # part of pkg
    write(root / "pyconn" / "manifest.json", "{}")
    write(root / "pyconn" / "app.py", "import wit_world\n")
    write(root / "pyconn" / "wit_world" / "__init__.py", "# generated bindings\n")
    write(root / "pyconn" / ".venv" / "lib" / "site.py", "x = 1\n")
    write(root / "env2" / "pyvenv.cfg", "home = /usr\n")
    write(root / "env2" / "lib" / "mod.py", "x = 1\n")
    write(root / "node_modules" / "x" / "index.wit", V3_WIT)
    write(root / "loose.wit", V3_WIT)
    write(root / "notes.txt", "not a source file\n")


def test_units_and_skipped_folders(tmp_path):
    make_tree(tmp_path)
    found = discover_all([tmp_path], DiscoverOptions(base=tmp_path))
    assert rels(found, tmp_path) == {
        ".": ["loose.wit"],
        "crate": ["crate/Cargo.toml", "crate/src/lib.rs", "crate/wit/deps/dep/dep.wit", "crate/wit/world.wit"],
        "pkg": ["pkg/connector.wit", "pkg/deps/vendored/v.wit"],
        "pyconn": ["pyconn/app.py", "pyconn/manifest.json"],
    }
    kinds = {u.root.name or ".": u.kind for u in found.units}
    assert kinds["crate"] == "rust-crate" and kinds["pkg"] == "wit-package" and kinds["pyconn"] == "python-connector"
    skipped = dict(found.skipped)
    assert skipped["crate/target"] == "target/ is never migrated"
    assert skipped["node_modules"] == "node_modules/ is never migrated"
    assert skipped["pyconn/wit_world"] == "wit_world/ is never migrated"
    assert skipped["pyconn/.venv"] == ".venv/ is never migrated"
    assert skipped["env2"] == "virtualenv"


def test_gitignore_outside_git(tmp_path):
    write(tmp_path / ".gitignore", "gen/\n*.bak.wit\n")
    write(tmp_path / "a.wit", V3_WIT)
    write(tmp_path / "a.bak.wit", V3_WIT)
    write(tmp_path / "gen" / "g.wit", V3_WIT)
    write(tmp_path / "sub" / ".gitignore", "local.wit\n!keep.bak.wit\n")
    write(tmp_path / "sub" / "local.wit", V3_WIT)
    write(tmp_path / "sub" / "keep.bak.wit", V3_WIT)
    write(tmp_path / "sub" / "other.wit", V3_WIT)
    found = discover_all([tmp_path], DiscoverOptions(base=tmp_path))
    files = sorted(f.relative_to(tmp_path).as_posix() for u in found.units for f in u.files)
    assert files == ["a.wit", "sub/keep.bak.wit", "sub/other.wit"]
    skipped = dict(found.skipped)
    assert skipped["gen"] == "ignored by .gitignore"
    assert skipped["a.bak.wit"] == "ignored by .gitignore"
    assert skipped["sub/local.wit"] == "ignored by .gitignore"


def test_gitignore_can_be_turned_off(tmp_path):
    write(tmp_path / ".gitignore", "*.wit\n")
    write(tmp_path / "a.wit", V3_WIT)
    assert discover_all([tmp_path], DiscoverOptions(gitignore=False)).units[0].files == [tmp_path / "a.wit"]
    assert discover_all([tmp_path]).units == []


def test_include_and_exclude(tmp_path):
    make_tree(tmp_path)
    only_wit = discover_all([tmp_path], DiscoverOptions(include=("*.wit",), exclude=("deps/",), base=tmp_path))
    assert rels(only_wit, tmp_path) == {".": ["loose.wit"], "crate": ["crate/wit/world.wit"], "pkg": ["pkg/connector.wit"]}
    assert dict(only_wit.skipped)["crate/wit/deps"] == "excluded by --exclude"
    one_dir = discover_all([tmp_path], DiscoverOptions(include=("pkg",)))
    assert rels(one_dir, tmp_path) == {"pkg": ["pkg/connector.wit", "pkg/deps/vendored/v.wit"]}
    anchored = discover_all([tmp_path], DiscoverOptions(exclude=("/loose.wit", "crate/**", "deps")))
    assert rels(anchored, tmp_path) == {"pkg": ["pkg/connector.wit"], "pyconn": ["pyconn/app.py", "pyconn/manifest.json"]}


def test_explicit_file_and_overlapping_paths(tmp_path):
    make_tree(tmp_path)
    found = discover_all([tmp_path / "pkg" / "connector.wit", tmp_path / "pkg"])
    assert [(u.root, u.kind, u.files) for u in found.units] == [
        (tmp_path / "pkg", "wit-package", [tmp_path / "pkg" / "connector.wit", tmp_path / "pkg" / "deps" / "vendored" / "v.wit"])
    ]


def test_symlinks_are_not_followed(tmp_path):
    write(tmp_path / "real" / "a.wit", V3_WIT)
    (tmp_path / "link.wit").symlink_to(tmp_path / "real" / "a.wit")
    found = discover_all([tmp_path], DiscoverOptions(base=tmp_path))
    assert [f for u in found.units for f in u.files] == [tmp_path / "real" / "a.wit"]
    assert dict(found.skipped)["link.wit"] == "symlink (not followed)"


# ------------------------------------------------------------------ git work tree


def test_git_listing_honours_every_ignore_source(tmp_path):
    make_tree(tmp_path)
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "ignored" / "x.wit", V3_WIT)
    write(tmp_path / "excluded_by_info.wit", V3_WIT)
    write(tmp_path / "wit_world" / "checked_in.py", "# bindings, checked in\n")
    git(tmp_path, "init", "-q")
    write(tmp_path / ".git" / "info" / "exclude", "excluded_by_info.wit\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "initial")
    write(tmp_path / "untracked.wit", V3_WIT)  # untracked but not ignored: listed
    (tmp_path / "pkg" / "connector.wit").unlink()  # tracked, deleted in the work tree
    write(tmp_path / "pkg" / "other.wit", V3_WIT)
    found = discover_all([tmp_path], DiscoverOptions(base=tmp_path, explain=True))
    files = sorted(f.relative_to(tmp_path).as_posix() for u in found.units for f in u.files)
    assert "ignored/x.wit" not in files and "excluded_by_info.wit" not in files
    assert "untracked.wit" in files and "pkg/other.wit" in files and "pkg/connector.wit" not in files
    assert not any("node_modules" in f or "target" in f or "wit_world" in f or "env2" in f for f in files)
    skipped = dict(found.skipped)
    assert skipped["ignored"] == "ignored by .gitignore"
    assert skipped["wit_world"] == "wit_world/ is never migrated"  # checked in, still never migrated
    assert skipped["env2"] == "virtualenv"


def test_git_listing_of_a_subfolder_and_a_nested_repository(tmp_path):
    write(tmp_path / "outer" / "a" / "a.wit", V3_WIT)
    write(tmp_path / "outer" / "a" / "nested" / "n.wit", V3_WIT)
    write(tmp_path / "outer" / "a" / "nested" / ".gitignore", "skip.wit\n")
    write(tmp_path / "outer" / "a" / "nested" / "skip.wit", V3_WIT)
    init_repo(tmp_path / "outer" / "a" / "nested")
    init_repo(tmp_path / "outer")
    found = discover_all([tmp_path / "outer" / "a"])
    files = sorted(f.relative_to(tmp_path).as_posix() for u in found.units for f in u.files)
    assert files == ["outer/a/a.wit", "outer/a/nested/n.wit"]


# ------------------------------------------------------------------ prefilter and generated files


class CountingAdapter(Adapter):
    """Wraps the WIT adapter (the real one once it has landed) and records every parse."""

    name = "wit"

    def __init__(self, inner: Adapter):
        self.inner = inner
        self.parses: list[bytes] = []

    def matches(self, path):
        return self.inner.matches(path)

    def prefilter(self, data):
        return self.inner.prefilter(data)

    def parse(self, data, ctx):
        self.parses.append((ctx.path.name, data))
        return self.inner.parse(data, ctx)

    def plan(self, tree, data, ctx):
        return self.inner.plan(tree, data, ctx)

    def validate(self, data, ctx):
        return self.inner.validate(data, ctx)

    def prepare_unit(self, files, unit):
        return self.inner.prepare_unit(files, unit)

    def validate_unit(self, results, unit):
        return self.inner.validate_unit(results, unit)


NO_V3 = {  # files of each language that hold no v3 token at all
    "wit": ("widgets.wit", b"package acme:widgets@1.0.0;\ninterface widgets {\n    make: func(n: u32) -> u32;\n}\n"),
    "python": ("widgets.py", b"def add(a, b):\n    return a + b\n"),
    "rust": ("widgets.rs", b"pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n"),
    "manifest": ("Cargo.toml", b'[package]\nname = "widgets"\nversion = "0.1.0"\n'),
}


def test_a_wit_file_without_v3_tokens_is_never_parsed(tmp_path, monkeypatch):
    counting = CountingAdapter(wit_adapter())
    monkeypatch.setitem(lang_base._loaded, "wit", counting)
    name, data = NO_V3["wit"]
    write(tmp_path / name, data)
    write(tmp_path / "v3.wit", V3_WIT)
    write(tmp_path / "generated.wit", b"// @generated by a tool\n" + V3_WIT)
    unit = discover_all([tmp_path]).units[0]
    result = migrate_unit(unit, Options(mode="check", base=tmp_path))
    parsed = {name for name, _ in counting.parses}
    assert parsed == {"v3.wit"}  # neither the file without v3 tokens nor the generated one
    assert ("v3.wit", V3_WIT) in counting.parses
    assert [f.path for f in result.files] == ["v3.wit"]
    assert ("generated.wit", "generated file") in result.skipped


@pytest.mark.parametrize("language", ["python", "rust", "manifest"])
def test_other_languages_without_v3_tokens_are_never_parsed(tmp_path, monkeypatch, language):
    try:
        inner = lang_base.get_adapter(language)
    except Exception:
        inner = None
    if inner is None:
        pytest.skip(f"the {language} adapter has not landed")
    counting = CountingAdapter(inner)
    monkeypatch.setitem(lang_base._loaded, language, counting)
    name, data = NO_V3[language]
    write(tmp_path / "widgets" / name, data)
    unit = discover_all([tmp_path]).units[0]
    result = migrate_unit(unit, Options(mode="check", base=tmp_path))
    assert counting.parses == [] and result.files == [] and not result.all_errors


@pytest.mark.parametrize("marker", [b"// @generated\n", b"// DO NOT EDIT\n", b"# This file is automatically generated by componentize-py\n"])
def test_generated_markers_are_skipped_and_shown_with_verbose(tmp_path, monkeypatch, marker):
    wit_adapter()
    write(tmp_path / "gen.wit", marker + V3_WIT)
    write(tmp_path / "node_modules" / "m.wit", V3_WIT)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    quiet = runner.invoke(main, ["apply", "--check", "-j", "1", "."])
    assert quiet.exit_code == 0, quiet.output
    assert "skipped" not in quiet.output
    loud = runner.invoke(main, ["apply", "--check", "-v", "-j", "1", "."])
    assert loud.exit_code == 0, loud.output
    assert "gen.wit: skipped: generated file" in loud.output
    assert "node_modules: skipped: node_modules/ is never migrated" in loud.output
    assert (tmp_path / "gen.wit").read_bytes() == marker + V3_WIT


def test_git_is_optional(tmp_path, monkeypatch):
    """Without a git binary the walk (and its own .gitignore handling) is used."""
    write(tmp_path / ".gitignore", "b.wit\n")
    write(tmp_path / "a.wit", V3_WIT)
    write(tmp_path / "b.wit", V3_WIT)
    init_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    found = discover_all([tmp_path])
    assert [f.name for u in found.units for f in u.files] == ["a.wit"]

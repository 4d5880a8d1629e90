"""The manifest adapter: Cargo.toml, manifest.json, rapidbyte.toml, pyproject.toml (recipes §4).

Changes are minimal byte spans: comments, quoting, layout, CRLF and a BOM survive; a second run
changes nothing.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from rbmigrate.edits import apply_edits
from rbmigrate.lang.base import FileContext, ParseError, UnitContext
from rbmigrate.lang.manifest import ManifestAdapter, _requirement_bump
from rbmigrate.ruletable import default_table


def plan(tmp_path: Path, name: str, text: str | bytes):
    data = text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n").encode("utf-8")
    adapter = ManifestAdapter()
    unit = UnitContext(root=tmp_path, kind="directory", rules=default_table())
    ctx = FileContext(path=tmp_path / name, display=name, unit=unit)
    tree = adapter.parse(data, ctx)
    edits, findings = adapter.plan(tree, data, ctx)
    after = apply_edits(data, edits)
    if after != data:
        adapter.validate(after, ctx)
        # idempotent: the output plans nothing
        again, _ = adapter.plan(adapter.parse(after, ctx), after, ctx)
        assert again == []
    return after.decode("utf-8"), edits, findings


# ------------------------------------------------------------------ manifest.json


def test_manifest_json_protocol_version(tmp_path):
    src = '{\n  "id": "rapidbyte/x",\n  "protocol_version": "3",\n  "nested": {"protocol_version": "3"}\n}\n'
    out, edits, _ = plan(tmp_path, "manifest.json", src)
    assert out == src.replace('"protocol_version": "3",', '"protocol_version": "4",', 1)
    assert [(e.rule_id, e.replacement) for e in edits] == [("RB601", '"4"')]
    assert json.loads(out)["nested"]["protocol_version"] == "3"  # only the top-level key is the manifest's


@pytest.mark.parametrize("value,expected", [('"2"', '"4"'), ("3", "4"), ('"4"', '"4"'), ('"5"', '"5"'), ("true", "true")])
def test_manifest_json_values(tmp_path, value, expected):
    out, _, _ = plan(tmp_path, "manifest.json", '{"protocol_version": %s, "role": "source"}' % value)
    assert out == '{"protocol_version": %s, "role": "source"}' % expected


def test_manifest_json_crlf_and_bom(tmp_path):
    src = '\ufeff{\r\n  "protocol_version": "2"\r\n}'.encode("utf-8")
    out, _, _ = plan(tmp_path, "manifest.json", src)
    assert out.encode("utf-8") == src.replace(b'"2"', b'"4"')


def test_manifest_json_syntax_error_is_located(tmp_path):
    with pytest.raises(ParseError) as err:
        plan(tmp_path, "manifest.json", '{\n  "protocol_version": "3",,\n}\n')
    assert err.value.line == 2


# ------------------------------------------------------------------ Cargo.toml


@pytest.mark.parametrize(
    "req,bumped",
    [("3", True), ("3.2", True), ("^3", True), ("~3.2.1", True), ("=3.4.0", True), (">=3, <4", True), ("3.*", True),
     ("4", False), ("2", False), ("*", False), ("<4", False), ("git", False)],
)
def test_requirement_bump(req, bumped):
    assert _requirement_bump(req) is bumped


def test_cargo_registry_requirements_are_bumped_path_git_and_workspace_are_not(tmp_path):
    src = """
        [package]
        name = "x"   # the crate

        [dependencies]
        rapidbyte-sdk = '3.2'  # pinned
        serde = "3"

        [dev-dependencies]
        rapidbyte-sdk = { path = "../sdk", version = "3" }

        [build-dependencies]
        rapidbyte-sdk = { git = "https://example.com/sdk", version = "3" }

        [target.'cfg(unix)'.dependencies]
        sdk = { package = "rapidbyte-sdk", version = "~3.1", features = ["x"] }

        [target.'cfg(windows)'.dependencies]
        rapidbyte-sdk.workspace = true

        [workspace.dependencies]
        rapidbyte-sdk.version = "^3"

        [dependencies.other]
        package = "rapidbyte-sdk"
        version = "4"
        """
    out, edits, _ = plan(tmp_path, "Cargo.toml", src)
    expected = (
        textwrap.dedent(src)
        .lstrip("\n")
        .replace("rapidbyte-sdk = '3.2'  # pinned", "rapidbyte-sdk = '4'  # pinned")
        .replace('version = "~3.1"', 'version = "4"')
        .replace('rapidbyte-sdk.version = "^3"', 'rapidbyte-sdk.version = "4"')
    )
    assert out == expected
    assert {e.rule_id for e in edits} == {"RB602"} and len(edits) == 3


def test_cargo_component_target_string_and_table(tmp_path):
    out, edits, _ = plan(
        tmp_path,
        "Cargo.toml",
        """
        [package.metadata.component]
        package = "acme:x"
        target = "rapidbyte:connector/rapidbyte-source@3.0.0"
        """,
    )
    assert 'target = "rapidbyte:connector/rapidbyte-source@4.0.0"' in out
    assert [e.rule_id for e in edits] == ["RB603"]
    out, edits, _ = plan(
        tmp_path,
        "Cargo.toml",
        """
        [package.metadata.component.target]
        package = "rapidbyte:connector"
        version = "3.0.0" # v3
        world = "rapidbyte-destination"

        [package.metadata.component.target.dependencies]
        "rapidbyte:connector" = { path = "wit" }
        """,
    )
    assert 'version = "4.0.0" # v3' in out and 'world = "rapidbyte-destination"' in out
    # another package's target is left alone
    out, edits, _ = plan(tmp_path, "Cargo.toml", '[package.metadata.component]\ntarget = "acme:other/world@3.0.0"\n')
    assert edits == []


def test_cargo_edits_are_minimal_spans(tmp_path):
    src = b'[dependencies]\r\nrapidbyte-sdk = "3"\r\n'
    out, edits, _ = plan(tmp_path, "Cargo.toml", src)
    assert out.encode() == b'[dependencies]\r\nrapidbyte-sdk = "4"\r\n'
    assert [(e.start, e.end, e.replacement) for e in edits] == [(33, 34, "4")]


def test_invalid_toml_is_a_located_parse_error(tmp_path):
    with pytest.raises(ParseError) as err:
        plan(tmp_path, "Cargo.toml", "[package]\nname = \n")
    assert err.value.line == 2


# ------------------------------------------------------------------ rapidbyte.toml and pyproject.toml


def test_rapidbyte_toml_top_level_and_table(tmp_path):
    out, _, _ = plan(tmp_path, "rapidbyte.toml", 'protocol_version = "2" # v3\n[connector]\nprotocol_version = 3\n')
    assert out == 'protocol_version = "4" # v3\n[connector]\nprotocol_version = 4\n'


def test_pyproject_tool_rapidbyte_only(tmp_path):
    src = """
        [project]
        name = "x"
        protocol_version = "3"

        [tool.rapidbyte]
        protocol_version = '3'
        """
    out, _, _ = plan(tmp_path, "pyproject.toml", src)
    assert "[project]\nname = \"x\"\nprotocol_version = \"3\"" in out
    assert "[tool.rapidbyte]\nprotocol_version = '4'" in out


def test_prefilter_and_matches():
    from rbmigrate.lang.base import language_of

    adapter = ManifestAdapter()
    assert language_of(Path("x/Cargo.toml")) == language_of(Path("manifest.json")) == "manifest"
    assert language_of(Path("config.toml")) is None
    assert not adapter.prefilter(b'[package]\nname = "x"\n')
    assert adapter.prefilter(b'[dependencies]\nrapidbyte-sdk = "3"\n')

"""Shared by the platform-workspace tests: real cargo in a workspace, and the measures of issue 13.

- `cargo_tools()`: cargo, rustc and the Debian crates, or skip (fail under CI=true);
- `run_cargo(...)`: cargo in a workspace with its own target folder, asserting nothing was written into it;
- `diagnostics(...)`: compiler messages of `--message-format=json` output;
- `hunks(...)`, `uncovered(...)`: how a migrated tree differs from the hand-migrated one, and which
  differences fall on a line that carries a finding;
- `v3_line_share(...)`: how many of the v3 lines the codemod migrated by itself; `automatic_share(...)`,
  how many of the hand migration's changed blocks it reproduced exactly (context for the first).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
RUST = REPO / "testdata" / "rust"
V3 = RUST / "platform-v3"
V4 = RUST / "platform-v4-expected"
DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
DEBIAN_PACKAGES = ("librust-serde-dev librust-serde-derive-dev librust-serde-json-dev librust-syn-dev "
                   "librust-quote-dev librust-proc-macro2-dev librust-thiserror-dev librust-anyhow-dev")


# v3 spellings of renamed items: present in the v3 crates, absent from the v4 crates (outside the
# scaffold templates, which are strings and stay as they are).
RENAMED = [
    r"\bConnectorInfo\b", r"\bValidationResult\b", r"\bSocketReadResult\b", r"\bSocketWriteResult\b",
    r"\bHostTcpStream\b", r"ProtocolVersion::V2\b", r"CheckpointKind::Dest\b", r"StateScope::Stream\b",
    r"\bemit_batch(_impl)?\b", r"\bnext_batch(_impl)?\b", r"\bemit_dlq_record(_impl)?\b", r"\bconnect_tcp(_impl)?\b",
    r"\bsocket_(read|write|close)(_impl)?\b", r"\bstate_compare_and_set\b", r"\bcheckpoint_impl\b", r"\bmetric_impl\b",
    r"\brapidbyte_connector_(source|dest|transform)_connector\b", r"::(source|dest|transform)_connector::",
    r"\bcall_discover\b", r"\bcall_run_(read|write|transform)\b", r"\bfn run_(read|write|transform)\(ctx_json",
    r"rapidbyte::connector::types\b", r"rapidbyte::connector::host\b", r"connector::\{host, types\}",
    r"::init\(config\)", r"async fn init\(",
]


def registry_crates() -> list[str]:
    """`name-version` of every registry package in the v3 lockfile."""
    lock = (V3 / "Cargo.lock").read_text()
    crates = []
    for block in lock.split("[[package]]")[1:]:
        if "source = " in block:
            name = re.search(r'^name = "([^"]+)"', block, re.M).group(1)
            version = re.search(r'^version = "([^"]+)"', block, re.M).group(1)
            crates.append(f"{name}-{version}")
    return crates


def cargo_tools() -> dict:
    cargo_bin, rustc_bin = shutil.which("cargo"), shutil.which("rustc")
    if cargo_bin is None or rustc_bin is None:
        skip_or_fail("cargo/rustc are not installed")
    missing = [c for c in registry_crates() if not (DEBIAN_REGISTRY / c / "Cargo.toml").is_file()]
    if missing:
        skip_or_fail(f"Debian crates missing from {DEBIAN_REGISTRY}: {', '.join(missing)} "
                     f"(apt-get install {DEBIAN_PACKAGES}; ./dev test does it as root)")
    version = subprocess.run([rustc_bin, "-vV"], capture_output=True, text=True, check=True).stdout
    host = re.search(r"^host: (\S+)$", version, re.M).group(1)
    return {"bin": cargo_bin, "host": host}


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_cargo(cargo: dict, target_dir: Path, workspace: Path, *args: str, host_target: bool = True,
              name: str | None = None):
    """Runs cargo in `workspace`, asserting it wrote nothing into it.

    Each workspace gets its own target directory: cargo keys path crates by their path relative to
    the workspace root and judges freshness by mtime, so workspaces with the same crate names and
    layout would otherwise reuse each other's artifacts.
    """
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir / (name or workspace.name)), CARGO_TERM_COLOR="never",
               CARGO_INCREMENTAL="0", CARGO_PROFILE_DEV_DEBUG="0")
    env.pop("RUSTFLAGS", None)
    cmd = [cargo["bin"], *args]
    if host_target:
        cmd += ["--target", cargo["host"]]
    before = _snapshot(workspace)
    proc = subprocess.run(cmd, cwd=workspace, env=env, capture_output=True, text=True, timeout=1200)
    assert _snapshot(workspace) == before, f"{' '.join(args)} wrote into {workspace}"
    return proc


def diagnostics(stdout: str, level: str) -> list[dict]:
    """The compiler messages of one level (`error`, `warning`) in `--message-format=json` output."""
    found = []
    for line in stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-message" and msg["message"]["level"] == level:
            found.append(msg["message"])
    return found


def primary_lines(message: dict) -> list[tuple[str, int]]:
    """(file, line) of every line a primary span of a compiler message covers (paths relative to the
    workspace): an error on a multi-line parameter list falls on each of its lines."""
    return [(s["file_name"], line) for s in message.get("spans", []) if s.get("is_primary")
            for line in range(s["line_start"], s["line_end"] + 1)]


# ---- how a migrated tree differs from the hand-migrated one ---------------------------------------

@dataclass(frozen=True)
class Hunk:
    path: str
    lines: tuple[int, ...]  # 1-based lines of the migrated file the hunk covers (for an insertion: around it)
    ours: tuple[str, ...]
    theirs: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.path}:{self.lines[0]}" if self.lines else self.path
        return f"{where}\n  ours:   " + "\n          ".join(self.ours or ("(nothing)",)) + \
            "\n  wanted: " + "\n          ".join(self.theirs or ("(nothing)",))


def text_files(root: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and "target" not in rel.parts and ".git" not in rel.parts:
            try:
                out[rel.as_posix()] = path.read_text(encoding="utf-8").splitlines()
            except UnicodeDecodeError:
                continue
    return out


def hunks(ours_root: Path, theirs_root: Path) -> list[Hunk]:
    ours, theirs = text_files(ours_root), text_files(theirs_root)
    out = []
    for rel in sorted(set(ours) | set(theirs)):
        a, b = ours.get(rel, []), theirs.get(rel, [])
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            lines = tuple(range(i1 + 1, i2 + 1)) if i2 > i1 else (max(i1, 1), i1 + 1)
            out.append(Hunk(rel, lines, tuple(a[i1:i2]), tuple(b[j1:j2])))
    return out


_USE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s")
_USE_REST = re.compile(r"^\s*(?:[\w:]+(?:\s+as\s+\w+)?,\s*)*[\w:]*,?\s*$|^\s*\}\s*;\s*$|^\s*$")


def uncovered(found: list[Hunk], finding_lines: dict[str, set[int]]) -> list[Hunk]:
    """The differences that do not fall on a spot that carries a finding. A difference in a file's `use` lines
    alone follows the code written at that file's spots (the imports the hand-written code needs)."""
    out = []
    for h in found:
        spots = finding_lines.get(h.path, set())
        if set(h.lines) & spots:
            continue
        lines = (*h.ours, *h.theirs)
        if spots and h.path.endswith(".rs") and any(_USE.match(line) for line in lines) \
                and all(_USE.match(line) or _USE_REST.match(line) for line in lines):
            continue
        out.append(h)
    return out


def _map(opcodes, pos: int) -> int:
    """Where line `pos` of the old text lands in the new text (the start of a changed block inside it)."""
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 <= pos < i2 or (pos == i2 and tag == "equal" and i2 == i1):
            return j1 + (pos - i1 if tag == "equal" else 0)
        if pos < i1:
            return j1
    return opcodes[-1][4] if opcodes else pos


def automatic_share(v3_root: Path, ours_root: Path, theirs_root: Path) -> tuple[int, int, list[str]]:
    """(v3 lines the codemod migrated exactly as the hand-migrated tree, v3 lines to migrate, the misses).

    The v3 lines to migrate are the lines of each change from v3 to the hand-migrated tree; a change
    counts as done by the codemod when the migrated text of those lines is the hand-migrated text."""
    v3, ours, theirs = text_files(v3_root), text_files(ours_root), text_files(theirs_root)
    done = total = 0
    misses = []
    for rel in sorted(theirs):
        a, o, t = v3.get(rel, []), ours.get(rel, []), theirs[rel]
        to_ours = difflib.SequenceMatcher(None, a, o, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, t, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            weight = max(1, i2 - i1)
            total += weight
            k1, k2 = _map(to_ours, i1), _map(to_ours, i2)
            if i2 > i1 and k2 <= k1:
                k2 = k1 + (j2 - j1)  # a changed block: compare as many lines as the wanted text has
            if o[k1:k2] == t[j1:j2]:
                done += weight
            else:
                misses.append(f"{rel}:{i1 + 1}")
    return done, total, misses


def map_finding_lines(before_root: Path, after_root: Path, lines: dict[str, set[int]]) -> dict[str, set[int]]:
    """Findings are located in the file as it was read; map their lines to the migrated file (a line inside a
    changed block covers the whole block it became)."""
    before, after = text_files(before_root), text_files(after_root)
    out: dict[str, set[int]] = {}
    for rel, found in lines.items():
        a, b = before.get(rel), after.get(rel)
        if a is None or b is None or a == b:
            out[rel] = set(found)
            continue
        mapped: set[int] = set()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            for line in found:
                if i1 < line <= i2:
                    if tag == "equal":
                        mapped.add(j1 + (line - i1))
                    else:
                        mapped.update(range(j1 + 1, max(j2, j1 + 1) + 1))
        out[rel] = mapped
    return out


SPOT_ITEMS = ("function_item", "function_signature_item", "struct_item", "enum_item", "use_declaration",
              "const_item", "static_item", "type_item", "trait_item", "mod_item", "macro_definition")


def finding_spots(root: Path, lines: dict[str, set[int]]) -> dict[str, set[int]]:
    """The spots findings mark in the migrated files: the lines of the innermost function (or other item) around
    each finding line. A finding that says a function needs work by hand (a v3 payload it still builds, a
    session it must thread) makes its whole body the spot the hand-migrated tree may differ in."""
    from rbmigrate.lang.rust import syntax

    out: dict[str, set[int]] = {}
    for rel, found in lines.items():
        path = root / rel
        spot = set(found)
        if rel.endswith(".rs") and path.is_file():
            data = path.read_bytes()
            tree = syntax.parse(data)
            starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
            for line in found:
                if not 1 <= line <= len(starts):
                    continue
                offset = starts[line - 1]
                end = starts[line] - 1 if line < len(starts) else len(data)
                while offset < end and data[offset:offset + 1] in (b" ", b"\t"):
                    offset += 1
                node = tree.root_node.descendant_for_byte_range(offset, offset)
                while node is not None and node.type not in SPOT_ITEMS:
                    node = node.parent
                if node is not None:
                    first = node
                    prev = node.prev_named_sibling  # its doc comments and attributes belong to it
                    while prev is not None and prev.type in ("line_comment", "block_comment", "attribute_item") \
                            and first.start_point[0] - prev.end_point[0] <= 1:
                        first, prev = prev, prev.prev_named_sibling
                    spot.update(range(first.start_point[0] + 1, node.end_point[0] + 3))  # and the line after it
        out[rel] = spot
    return out


@dataclass(frozen=True)
class _Finding:  # what `covered_lines` reads of a finding
    line: int
    col: int


def v3_line_share(v3_root: Path, doc: dict) -> tuple[int, int, int, list[str]]:
    """(migrated automatically, left to a manual finding, left with RB920, the manual and left lines) over
    the *v3 lines*: the lines of the v3 tree that hold a v3 spelling, as the residue pass's scanners find
    them (the same definition of "v3 spelling" as the "nothing left silently" check).

    A v3 line is migrated automatically when no blocking adapter finding covers it (the finding's line
    and the statement or item starting there, as the residue pass counts coverage) and no RB920 finding
    is on it: the rewrite removed every v3 spelling on it. That each such rewrite is *right* is what
    `uncovered(hunks(...))` checks against the hand-migrated tree."""
    from rbmigrate.residue import scan_text, spellings_for
    from rbmigrate.residue.gate import scan_kind
    from rbmigrate.residue.locate import covered_lines
    from rbmigrate.ruletable import default_table
    from rbmigrate.textio import line_col

    spellings = spellings_for(default_table())
    findings: dict[str, list[dict]] = {}
    for unit in doc["units"]:
        for f in unit["files"]:
            findings.setdefault(f["path"], []).extend(f["findings"])
    auto = manual = left = 0
    missed = []
    for path in sorted(v3_root.rglob("*")):
        rel = path.relative_to(v3_root).as_posix()
        kind = scan_kind(path)
        if kind is None or not path.is_file() or "target" in path.relative_to(v3_root).parts:
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "surrogateescape")
        lines = {line_col(data, len(text[:h.start].encode("utf-8", "surrogateescape")))[0]
                 for h in scan_text(kind, text, spellings).sorted()}
        if not lines:
            continue
        mine = findings.get(rel, [])
        blocking = covered_lines(data, kind, [_Finding(x["line"], x["col"]) for x in mine
                                              if x["severity"] in ("error", "warning") and x["rule_id"] != "RB920"])
        residue = {x["line"] for x in mine if x["rule_id"] == "RB920"}
        for line in sorted(lines):
            if line in residue:
                left += 1
                missed.append(f"{rel}:{line} (RB920)")
            elif line in blocking:
                manual += 1
                missed.append(f"{rel}:{line}")
            else:
                auto += 1
    return auto, manual, left, missed


# ---- new items a manual step needs --------------------------------------------------------------------

def _functions(data: bytes) -> list[tuple[str, int, int, str]]:
    """(name, first line, last line, text) of every function item of a Rust file (1-based lines)."""
    from rbmigrate.lang.rust import syntax

    out = []
    stack = [syntax.parse(data).root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_item":
            name = node.child_by_field_name("name")
            out.append((name.text.decode(), node.start_point[0] + 1, node.end_point[0] + 1, node.text.decode()))
        stack.extend(node.named_children)
    return out


def spot_functions(root: Path, spots: dict[str, set[int]]) -> dict[str, set[str]]:
    """path → the names of the functions of the migrated tree that are (in) a spot."""
    out: dict[str, set[str]] = {}
    for rel, lines in spots.items():
        path = root / rel
        if rel.endswith(".rs") and path.is_file():
            out[rel] = {name for name, first, last, _ in _functions(path.read_bytes())
                        if any(first <= line <= last for line in lines)}
    return out


_NEW_FROM = re.compile(r"^\s*impl\s+From<(?:[\w:]*::)?(\w+)>\s+for\s+[\w:]+\s*\{", re.M)


def new_items_for_spots(hunk: Hunk, theirs_root: Path, spot_fns: dict[str, set[str]]) -> bool:
    """A hunk that only adds whole new items the hand-written code at spots needs: each new function is
    called only from functions that are spots (in any file), and each new `From<A>` conversion is applied
    (`x.into()` on a parameter of type `A`) in such a function. Where the hand migration put such a helper
    is its own choice; the finding that asks for the code it serves is what the codemod owes."""
    if hunk.ours or not hunk.path.endswith(".rs") or not "".join(hunk.theirs).strip():
        return False
    from rbmigrate.lang.rust import syntax

    added = "\n".join(hunk.theirs)
    tree = syntax.parse(added.encode())
    items = tree.root_node.named_children
    if tree.root_node.has_error or any(n.type not in ("function_item", "impl_item", "line_comment") for n in items):
        return False
    names = [n.child_by_field_name("name").text.decode() for n in items if n.type == "function_item"]
    sources = [m.group(1) for n in items if n.type == "impl_item" for m in [_NEW_FROM.match(n.text.decode())] if m]
    if len(names) + len(sources) != len([n for n in items if n.type != "line_comment"]):
        return False  # an impl other than a `From` conversion
    used_in = {name: set() for name in names}
    converted = {source: False for source in sources}
    for path in sorted(theirs_root.rglob("*.rs")):
        rel = path.relative_to(theirs_root).as_posix()
        for fn, _first, _last, body in _functions(path.read_bytes()):
            if fn in names and rel == hunk.path:
                continue  # the new helper itself
            in_spot = fn in spot_fns.get(rel, set())
            for name in names:
                if re.search(rf"\b{name}\s*\(", body):
                    used_in[name].add(in_spot)
            for source in sources:
                for param in re.findall(rf"(\w+)\s*:\s*(?:[\w:]*::)?{source}\b", body):
                    if in_spot and re.search(rf"\b{param}\.into\(\)", body):
                        converted[source] = True
    return all(used == {True} for used in used_in.values()) and all(converted.values())

"""The Rust adapter (tree-sitter-rust): recipes §2 for connector crates, the SDK and host runtimes.

Each file is parsed once; one query collects every node a concern looks at;
``prepare_unit`` derives the crate-wide facts (is this the SDK, which struct
fields hold a ``Context``, which methods each type has, rustfmt's width) and
``plan`` runs the concerns in a fixed order: leaf renames first, then the
edits that move code (and carry the leaf edits inside them along).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...inputs import depends_on
from ...model import Edit, FileError, Finding
from ...skipdirs import hidden_or_skipped
from ...textio import line_col
from ..base import Adapter, FileContext, ParseError, UnitContext
from . import (docs, enums, guest, guestcalls, literals, macrobody, macros, methods, newapi, paths, strings, syntax,
               traits, uses, workspace)
from .plan import FilePlan
from .receivers import Receivers
from .scope import CrateFacts, FileScopes, module_path_of
from .vocab import is_host_trait, protocol_names, vocab

_SHARED = "rust"
SDK_PACKAGE = "rapidbyte-sdk"


class ParsedRust:
    __slots__ = ("tree", "captures", "errors")

    def __init__(self, tree: Any, captures: dict, errors: int):
        self.tree = tree
        self.captures = captures
        self.errors = errors  # ERROR/MISSING nodes in the input: always 0 (a file with one is a parse error)


def _state_store(root: Path, v) -> "re.Pattern | None":
    """A pattern for the definitions of a protocol crate's items that the workspace's guest glue keeps its
    state in (None when there are none: the usual case, decided from the workspace's cached index)."""
    names = {name.rpartition("::")[2] for items in workspace.state_uses(root, protocol_names(v)).values()
             for name in items}
    if not names:
        return None
    return re.compile(rb"\b(?:fn|struct|enum|type)\s+(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b")


class RustAdapter(Adapter):
    name = "rust"

    def prefilter(self, data: bytes) -> bool:
        """Files worth parsing in a crate the adapter works on (every file using the SDK: crate facts)."""
        from ...ruletable import default_table

        pattern = vocab(default_table()).prefilter
        return pattern is not None and pattern.search(data) is not None

    def select(self, root: Path, files: list[bytes]) -> list[bool]:
        """A crate is looked at only when a file may hold something to change or report
        (:class:`.vocab.V3Text`: a v4 connector crate does not); then as a whole, through the prefilter."""
        from ...ruletable import default_table

        v = vocab(default_table())
        keep = [self.prefilter(data) for data in files]
        store = _state_store(root, v)
        if store is not None:  # the items workspace glue keeps its state in (guest.plan_state_store)
            keep = [k or store.search(data) is not None for data, k in zip(files, keep)]
        # only a file the prefilter lets through is ever parsed, so only such a file can lead to anything
        elif not any(v.v3_text(data) for data, k in zip(files, keep) if k):
            return [False] * len(files)
        return keep

    def warm(self) -> None:
        syntax.parser()
        syntax.index_query()

    def parse(self, data: bytes, ctx: FileContext) -> ParsedRust:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = line_col(data, exc.start)
            raise ParseError(ctx.display, line, col, f"not valid UTF-8 ({exc.reason})") from None
        tree = syntax.parse(data)
        if tree.root_node.has_error:  # tree-sitter recovers from errors: a tree with one is no ground to plan on
            raise syntax_error(tree.root_node, data, ctx.display)
        parsed = ParsedRust(tree, syntax.index(tree.root_node), 0)
        _state(ctx.unit)["files"][str(ctx.path)] = parsed
        return parsed

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        state = _state(ctx.unit)
        pending = state.setdefault("pending", {}).pop(str(ctx.path), None)
        if pending is not None and _applied(pending[1], pending[2]) == data:
            # exactly the planned edits were applied (none held back as a suggestion): re-parse incrementally
            old_tree, old_data, edits = pending
            tree = syntax.reparse(old_tree, old_data, data, edits)
        else:
            tree = syntax.parse(data)
        if tree.root_node.has_error:  # the input parsed cleanly (see parse): the output must too
            node = syntax.first_error(tree.root_node)
            line, col = line_col(data, node.start_byte if node is not None else 0)
            raise ParseError(ctx.display, line, col, "tree-sitter-rust reports a syntax error")
        return []

    # ------------------------------------------------------------------ unit

    def prepare_unit(self, files: list[tuple[FileContext, bytes]], unit: UnitContext) -> None:
        state = _state(unit)
        facts = CrateFacts(vocab=vocab(unit.rules))
        _rustfmt_config(unit.root, facts)
        parsed = []
        traits_seen: set[str] = set()
        structs_seen: set[str] = set()
        for fctx, data in files:
            item = state["files"].get(str(fctx.path)) or self.parse(data, fctx)
            parsed.append((fctx, item))
            for node in item.captures.get("trait", ()):
                name = syntax.field(node, "name")
                if name is not None and node.parent is not None and node.parent.type == "source_file":
                    traits_seen.add(syntax.text(name))
            for node in item.captures.get("struct", ()):
                name = syntax.field(node, "name")
                if name is not None and node.parent is not None and node.parent.type == "source_file":
                    structs_seen.add(syntax.text(name))
        ws = workspace.load(unit.root, protocol_names(facts.vocab))
        facts.protocol_crates = ws.protocol
        facts.crate_root = Path(unit.root)
        facts.state_uses = workspace.state_uses(unit.root, protocol_names(facts.vocab))
        facts.is_sdk = _package_name(unit.root) == SDK_PACKAGE or ws.is_protocol(unit.root) or (
            {"Source", "Destination", "Transform"} <= traits_seen and "Context" in structs_seen
        )
        # files the prefilter skipped can still define a helper name a moved body would take (RB906)
        seen = {str(fctx.path) for fctx, _ in parsed}
        helper_fn = re.compile(rb"\bfn\s+(?:" + b"|".join(r.helper.encode() for r in facts.vocab.role_methods) + rb")\b")
        extra = []
        for path in _crate_sources(unit.root):
            if str(path) in seen:
                continue
            depends_on(path)  # (discovery may have left it out: .gitignore, --exclude)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if helper_fn.search(data):
                fctx = FileContext(path=path, display=_shown(path, parsed), unit=unit)
                try:
                    extra.append((fctx, self.parse(data, fctx)))
                except ParseError as exc:  # its names decide where moved bodies go: it must parse too
                    state.setdefault("errors", []).append(exc.to_file_error())
        scopes_by_path: dict[str, FileScopes] = {}
        for fctx, item in parsed + extra:
            module = _module_path(fctx.path, unit.root)
            scopes = FileScopes(item.tree.root_node, module or (), facts)
            scopes_by_path[str(fctx.path)] = scopes
            if module is not None:
                facts.modules.setdefault(module, scopes)
        snippets = state.setdefault("snippets", {})
        for fctx, item in parsed + extra:
            scopes = scopes_by_path[str(fctx.path)]
            _collect_facts(facts, item, scopes)
            # macro bodies are code: their facts count too (a `Host` impl written inside `macro_rules!`)
            found = macrobody.bodies(item.tree.root_node, item.tree.root_node.text, scopes)
            snippets[str(fctx.path)] = found
            for snippet in (s for top in found for s in top.walk() if s.parsed):
                _collect_facts(facts, ParsedRust(snippet.tree, snippet.captures, 0), snippet.scopes)
        state["facts"] = facts
        state["scopes"] = scopes_by_path

    # ------------------------------------------------------------------ plan

    def plan(self, tree: ParsedRust, data: bytes, ctx: FileContext) -> tuple[list[Edit], list[Finding]]:
        state = _state(ctx.unit)
        facts = state.get("facts")
        scopes = state.get("scopes", {}).get(str(ctx.path))
        if facts is None or scopes is None:  # planned without its unit (a single file)
            self.prepare_unit([(ctx, data)], ctx.unit)
            facts = state["facts"]
            scopes = state["scopes"][str(ctx.path)]
        plan = FilePlan(
            data=data,
            root=tree.tree.root_node,
            ctx=ctx,
            vocab=vocab(ctx.rules),
            facts=facts,
            scopes=scopes,
            captures=tree.captures,
        )
        run_concerns(plan, state.get("snippets", {}).get(str(ctx.path), []))
        edits = plan.result()
        if edits:
            state.setdefault("pending", {})[str(ctx.path)] = (tree.tree.copy(), data, [(e.start, e.end, e.replacement) for e in edits])
        return edits, plan.result_findings()

    def validate_unit(self, results, unit: UnitContext) -> list[FileError]:
        state = unit.shared.pop(_SHARED, None) or {}  # trees are not needed any more (and not picklable)
        return state.get("errors", [])


def run_concerns(plan: FilePlan, snippets: list) -> None:
    """The concerns, in their fixed order, on a file or on a macro body (:mod:`.macrobody`)."""
    plan.receivers = Receivers(plan)
    paths.freeze_binding_trees(plan)
    macrobody.plan_bodies(plan, snippets, run_concerns)  # macro bodies first: they are theirs alone
    macrobody.plan_options(plan, snippets)
    methods.plan_methods(plan)
    guestcalls.plan_guest_calls(plan)
    guest.plan_guest(plan)
    guest.plan_state_store(plan)
    macros.plan_macros(plan)
    paths.plan_paths(plan)
    literals.plan_literals(plan)
    literals.plan_sdk_records(plan)
    literals.plan_field_reads(plan)
    enums.plan_enums(plan)
    newapi.plan_new_api(plan)
    docs.plan_docs(plan)
    strings.plan_strings(plan)
    macrobody.plan_unparsed(plan, snippets)
    reshapes = traits.analyze(plan)
    decided = paths.finish_split_heads(plan)
    uses.plan_uses(plan, decided)
    for reshape in reshapes:
        traits.emit(plan, reshape)


def syntax_error(root, data: bytes, shown: str) -> ParseError:
    """The first ERROR or MISSING node of a tree, as a located error."""
    node = syntax.first_error(root)
    line, col = line_col(data, node.start_byte if node is not None else 0)
    if node is not None and node.is_missing:
        what = f"syntax error: missing `{node.type}`"
    else:
        snippet = data[node.start_byte : node.end_byte] if node is not None else b""
        snippet = " ".join(snippet.decode("utf-8", errors="replace").split())
        snippet = snippet if len(snippet) <= 40 else snippet[:39] + "…"
        what = f"syntax error near `{snippet}`" if snippet else "syntax error"
    return ParseError(shown, line, col, f"{what} (tree-sitter-rust); nothing in this unit is rewritten until the "
                                        "file parses (if it is valid Rust, leave it out with --exclude)")


def _shown(path: Path, parsed: list) -> str:
    """``path`` as the engine shows it: relative to the base its parsed siblings are shown from."""
    for fctx, _ in parsed:
        parts, shown = fctx.path.parts, Path(fctx.display).parts
        if len(shown) <= len(parts) and parts[len(parts) - len(shown):] == shown:
            base = Path(*parts[: len(parts) - len(shown)])
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                break
    return str(path)


def _applied(data: bytes, edits: list[tuple[int, int, str]]) -> bytes:
    out, pos = [], 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        out += [data[pos:start], text.encode("utf-8")]
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def _state(unit: UnitContext) -> dict:
    return unit.shared.setdefault(_SHARED, {"files": {}})


def _package_name(root: Path) -> str:
    """``[package] name`` of the crate at ``root`` (a tiny read; "" when there is none)."""
    import tomllib

    depends_on(Path(root) / "Cargo.toml")
    try:
        data = tomllib.loads((Path(root) / "Cargo.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    package = data.get("package")
    return str(package.get("name", "")) if isinstance(package, dict) else ""


def _crate_sources(root: Path):
    import os

    depends_on(root)  # (also when it is missing: a fenced block's throwaway root)
    for folder, dirs, names in os.walk(root):
        depends_on(folder)  # its listing: a file added or removed changes the folder's mtime
        if Path(folder) != Path(root) and "Cargo.toml" in names:
            dirs[:] = []  # another crate: another unit
            continue
        dirs[:] = [d for d in dirs if not hidden_or_skipped(d)]  # .cargo/ and the like too
        for name in names:
            if name.endswith(".rs"):
                yield Path(folder) / name


def _module_path(path: Path, root: Path) -> tuple[str, ...] | None:
    try:
        rel = path.relative_to(root).parts
    except ValueError:
        return None
    return module_path_of(rel)


def _rustfmt_config(root: Path, facts: CrateFacts) -> None:
    """``max_width`` and heuristics from the nearest ``rustfmt.toml`` (rustfmt's defaults otherwise)."""
    import tomllib

    folder = Path(root)
    for _ in range(8):
        for name in ("rustfmt.toml", ".rustfmt.toml"):
            candidate = folder / name
            depends_on(candidate)
            if candidate.is_file():
                try:
                    config = tomllib.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    config = {}
                width = config.get("max_width")
                if isinstance(width, int) and width > 20:
                    facts.max_width = width
                heuristics = config.get("use_small_heuristics", "Default")
                tab = config.get("tab_spaces")
                if isinstance(tab, int) and 0 < tab <= 8:
                    facts.indent_unit = " " * tab
                _heuristics(facts, heuristics, config)
                return
        if folder.parent == folder:
            break
        folder = folder.parent
    _heuristics(facts, "Default", {})


def _heuristics(facts: CrateFacts, heuristics: str, config: dict) -> None:
    """rustfmt's width heuristics: a share of ``max_width`` (Default), all of it (Max), or none (Off)."""
    share = {"Max": (1.0, 1.0), "Off": (0.0, 0.0)}.get(heuristics, (0.18, 0.6))
    facts.struct_lit_width = int(config.get("struct_lit_width", facts.max_width * share[0]))
    facts.chain_width = int(config.get("chain_width", facts.max_width * share[1]))


def _collect_facts(facts: CrateFacts, item: ParsedRust, scopes: FileScopes) -> None:
    for node in item.captures.get("struct", ()):
        body = syntax.field(node, "body")
        if body is None or body.type != "field_declaration_list":
            continue
        for decl in syntax.named(body):
            if decl.type != "field_declaration":
                continue
            name = syntax.field(decl, "name")
            ty = syntax.field(decl, "type")
            if name is None or ty is None:
                continue
            (facts.context_fields if _is_context_type(ty, scopes) else facts.other_fields).add(syntax.text(name))
    for impl in item.captures.get("impl", ()):
        ty = traits.type_base(syntax.field(impl, "type"))
        body = syntax.field(impl, "body")
        names = facts.type_methods.setdefault(ty, set())
        for child in syntax.named(body) if body is not None else ():
            if child.type in ("function_item", "const_item", "type_item"):
                name = syntax.field(child, "name")
                if name is not None:
                    names.add(syntax.text(name))
        trait = syntax.field(impl, "trait")
        if trait is not None and trait.type in ("type_identifier", "scoped_type_identifier"):
            target = scopes.resolve(trait)
            if target is not None and target.kind == "binding" and is_host_trait(scopes.facts.vocab, target.path):
                facts.host_impl_types.add(ty)


def _is_context_type(ty: Any, scopes: FileScopes) -> bool:
    while ty is not None:
        if ty.type == "reference_type":
            ty = syntax.field(ty, "type")
            continue
        if ty.type == "generic_type":
            base = syntax.field(ty, "type")
            if base is not None and syntax.text(base).split("::")[-1] in ("Option", "Box", "Rc", "Arc"):
                args = syntax.field(ty, "type_arguments")
                inner = syntax.named(args) if args is not None else []
                ty = inner[0] if inner else None
                continue
            return False
        if ty.type in ("type_identifier", "scoped_type_identifier"):
            return scopes.is_sdk(ty, "Context")
        return False
    return False

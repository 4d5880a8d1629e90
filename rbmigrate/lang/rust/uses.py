"""``use``-list upkeep: renamed and moved names, no duplicates, no unused leftovers, added names.

A flat ``use a::{…};`` that is exactly what rustfmt would print for its items
is printed again, rustfmt-style (sorted, packed to ``max_width``), after the
change; anything else is edited in place so that untouched bytes stay as they
are.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dfield
from typing import TYPE_CHECKING

from .scope import Target, UseLeaf, binding_split, use_leaves
from .syntax import field, line_indent, named, path_segments, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan


# ------------------------------------------------------------ rustfmt order


def _class(name: str) -> int:
    if name and (name[0].islower() or name[0] == "_"):
        return 1
    if all(c.isupper() or c.isdigit() or c == "_" for c in name):
        return 3
    return 2


def sort_key(item: str) -> tuple:
    """rustfmt's order of use-list items: self, snake_case, CamelCase, UPPER_CASE; then bytes."""
    head, _, alias = item.partition(" as ")
    first = head.split("::")[0]
    special = {"self": 0, "super": 1, "crate": 2}.get(first, 3)
    return (special, _class(first), first, head, alias)


def render_list(head: str, items: list[str], tail: str, indent: str, unit: str, width: int, nl: str = "\n") -> str:
    """``head{items}tail`` the way rustfmt lays out a flat import list."""
    # rustfmt's budgets, measured: one line up to width - 2, packed lines up to width - 1
    single = head + ", ".join(items) + tail
    if len(indent) + len(single) <= width - 2:
        return single
    inner = indent + unit
    lines: list[str] = []
    cur = ""
    for item in items:
        cand = f"{cur} {item}," if cur else f"{item},"
        if cur and len(inner) + len(cand) > width - 1:
            lines.append(cur)
            cur = f"{item},"
        else:
            cur = cand
    lines.append(cur)
    return head + nl + "".join(f"{inner}{line}{nl}" for line in lines) + indent + tail


# ------------------------------------------------------------ leaf actions


@dataclass
class LeafPlan:
    leaf: UseLeaf
    target: Target | None
    new_text: str | None = None  # replacement of the whole leaf item text (None: unchanged)
    delete: bool = False
    rule: str = ""
    local: str = ""  # the local name after the change

    def item_text(self) -> str:
        return self.new_text if self.new_text is not None else text(self.leaf.node)


@dataclass
class DeclPlan:
    decl: "Node"
    leaves: list[LeafPlan] = dfield(default_factory=list)
    added: list[str] = dfield(default_factory=list)
    add_rule: str = "RB409"
    split: list[str] | None = None  # full replacement lines (binding imports spread over owners)
    split_rule: str = ""


def plan_uses(plan: "FilePlan", split_decided: dict[str, str]) -> None:
    decls = [d for d in plan.captures.get("use", ()) if not plan.is_frozen(d.start_byte, d.end_byte)]
    delta = plan.token_delta()
    refs = _reference_counts(plan) if any(n < 0 for n in delta.values()) else {}
    per_scope: dict[tuple[int, int], list[DeclPlan]] = {}
    for decl in decls:
        dp = DeclPlan(decl)
        scope = plan.scopes.scope_of(decl)
        for leaf in use_leaves(decl):
            target = plan.scopes.resolve_segments(list(leaf.path), scope) if not leaf.glob else None
            lp = LeafPlan(leaf, target, local=leaf.local if not leaf.glob else "*")
            _leaf_action(plan, lp, split_decided, dp)
            dp.leaves.append(lp)
        _binding_groups(plan, dp)
        per_scope.setdefault((scope.node.start_byte, scope.node.end_byte), []).append(dp)
    for key, dps in per_scope.items():
        _dedupe(plan, dps)
        _unused(plan, dps, delta, refs)
    _additions(plan, per_scope)
    for dps in per_scope.values():
        for dp in dps:
            _emit(plan, dp)


def _leaf_action(plan: "FilePlan", lp: LeafPlan, split_decided: dict[str, str], dp: DeclPlan) -> None:
    v = plan.vocab
    leaf, target = lp.leaf, lp.target
    if leaf.glob or target is None or leaf.self_leaf:
        return
    name = leaf.path[-1]
    alias = f" as {leaf.alias}" if leaf.alias else ""
    if target.kind == "sdk" and name in v.type_renames and target.name == name:
        new, rule = v.type_renames[name]
        lp.new_text = _replace_last(plan, leaf, new) + alias
        lp.rule = rule
        lp.local = leaf.alias or new
        return
    if target.kind != "binding":
        return
    if len(target.path) == 1:
        iface = target.path[0]
        if iface in v.split:
            local = leaf.local
            decided = split_decided.get(local)
            owners = sorted(plan.module_refs.get(local, {}) or {v.interfaces[iface][0]: 1})
            if leaf.alias:
                main = decided or owners[0]
                rest = [o for o in owners if o != main]
                lp.new_text = _replace_last(plan, leaf, main) + alias
                dp.added.extend(rest)
            else:
                lp.new_text = ", ".join(_replace_last(plan, leaf, o) for o in owners)
                lp.local = owners[0]
            lp.rule = v.interfaces[iface][1]
            return
        entry = v.interfaces.get(iface)
        if entry is not None:
            lp.new_text = _replace_last(plan, leaf, entry[0]) + alias
            lp.rule = entry[1]
            lp.local = leaf.alias or entry[0]
        return
    # an item of a binding module: handled per interface segment in _binding_groups


def _replace_last(plan: "FilePlan", leaf: UseLeaf, new: str) -> str:
    """The leaf's own text with its last path segment replaced."""
    node = leaf.node if leaf.node.type != "use_as_clause" else field(leaf.node, "path")
    name = leaf.name_node
    if name is None:
        return new
    return plan.data[node.start_byte : name.start_byte].decode("utf-8") + new


def _binding_groups(plan: "FilePlan", dp: DeclPlan) -> None:
    """Imports of binding items: rename the interface segment, or split by new owner."""
    v = plan.vocab
    groups: dict[tuple[int, int], list[LeafPlan]] = {}
    seg_nodes: dict[tuple[int, int], "Node"] = {}
    for lp in dp.leaves:
        t = lp.target
        if t is None or t.kind != "binding" or len(t.path) < 2 or lp.leaf.glob:
            continue
        seg = _iface_segment(lp.leaf, dp.decl)
        if seg is None:
            continue
        key = (seg.start_byte, seg.end_byte)
        groups.setdefault(key, []).append(lp)
        seg_nodes[key] = seg
    for key, lps in groups.items():
        seg = seg_nodes[key]
        iface = text(seg)
        if iface in v.split:
            owners = {}
            for lp in lps:
                move = v.item_moves[iface].get(lp.target.path[1])
                if move is None:
                    owners.setdefault("", []).append(lp)
                    continue
                rule, new, owner = move
                owners.setdefault(owner, []).append(lp)
                if new != lp.target.path[1]:
                    alias = f" as {lp.leaf.alias}" if lp.leaf.alias else ""
                    lp.new_text = _replace_last(plan, lp.leaf, new) + alias
                    lp.rule = rule
                    lp.local = lp.leaf.alias or new
            if "" in owners or len(owners) > 1:
                if "" not in owners and _whole_decl_is_group(dp, lps):
                    dp.split = _split_lines(plan, dp, seg, owners)
                    dp.split_rule = v.interfaces[iface][1]
                continue
            (owner,) = owners
            plan.edit(seg, owner, v.interfaces[iface][1])
            continue
        entry = v.interfaces.get(iface)
        if entry is None:
            continue
        plan.edit(seg, entry[0], entry[1])
        if iface == v.host:
            for lp in lps:
                item = lp.target.path[1]
                fn = v.method_renames.get(item) or v.type_renames.get(item)
                if fn is not None:
                    alias = f" as {lp.leaf.alias}" if lp.leaf.alias else ""
                    lp.new_text = _replace_last(plan, lp.leaf, fn[0]) + alias
                    lp.rule = fn[1]
                    lp.local = lp.leaf.alias or fn[0]


def _iface_segment(leaf: UseLeaf, decl: "Node") -> "Node | None":
    """The identifier node of the interface segment (``types`` in ``…::connector::types::X``) of a leaf."""
    node = leaf.node
    chain: list["Node"] = []
    # the path nodes of the enclosing scoped_use_lists, outermost first, then the leaf's own path
    cur = node if node.type != "use_as_clause" else field(node, "path")
    own = path_segments(cur) or []
    parents: list["Node"] = []
    p = node.parent
    while p is not None and p != decl:
        if p.type == "scoped_use_list":
            path = field(p, "path")
            if path is not None:
                parents.append(path)
        p = p.parent
    for path in reversed(parents):
        chain.extend(path_segments(path) or [])
    chain.extend(own)
    texts = [text(n) for n in chain]
    split = binding_split(texts)
    if split is None:
        return None
    return chain[split[0]]


def _whole_decl_is_group(dp: DeclPlan, lps: list[LeafPlan]) -> bool:
    return len(dp.leaves) == len(lps)


def _split_lines(plan: "FilePlan", dp: DeclPlan, seg: "Node", owners: dict[str, list[LeafPlan]]) -> list[str]:
    """``use P::types::{A, B};`` with A and B moving to different modules: one declaration per owner."""
    decl = dp.decl
    arg = field(decl, "argument")
    prefix = plan.data[decl.start_byte : arg.start_byte].decode("utf-8")  # `pub use ` and friends
    base = plan.data[arg.start_byte : seg.start_byte].decode("utf-8")  # `crate::rapidbyte::connector::`
    lines = []
    for owner in sorted(owners):
        items = sorted({_leaf_tail(plan, lp) for lp in owners[owner]}, key=sort_key)
        body = items[0] if len(items) == 1 else "{" + ", ".join(items) + "}"
        lines.append(f"{prefix}{base}{owner}::{body};")
    return lines


def _leaf_tail(plan: "FilePlan", lp: LeafPlan) -> str:
    """The item a split line imports: the (renamed) type name, with its alias."""
    name = plan.vocab.item_moves.get(lp.target.path[0], {}).get(lp.target.path[1], (None, lp.target.path[1]))[1]
    return name + (f" as {lp.leaf.alias}" if lp.leaf.alias else "")


# ------------------------------------------------------ duplicates, unused


def _identity(lp: LeafPlan) -> tuple | None:
    if lp.delete or lp.leaf.glob or lp.target is None:
        return None
    t = lp.target
    name = lp.local
    return (t.kind, name, lp.leaf.alias or "")


def _dedupe(plan: "FilePlan", dps: list[DeclPlan]) -> None:
    seen: dict[tuple, LeafPlan] = {}
    for dp in dps:
        for lp in dp.leaves:
            ident = _identity(lp)
            if ident is None or ident[0] not in ("sdk", "binding"):
                continue
            if ident in seen:
                lp.delete = True
                lp.rule = lp.rule or seen[ident].rule or "RB201"
            else:
                seen[ident] = lp


def _reference_counts(plan: "FilePlan") -> dict[str, int]:
    """Occurrences of each identifier outside ``use`` declarations (macro token trees included)."""
    counts: dict[str, int] = {}
    for cap in ("ident", "type"):
        for node in plan.captures.get(cap, ()):
            name = node.text.decode("utf-8")
            counts[name] = counts.get(name, 0) + 1
    for decl in plan.captures.get("use", ()):
        for word in _words(text(decl)):
            if word in counts:
                counts[word] -= 1
    return counts


def _words(s: str):
    import re

    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", s)


def _unused(plan: "FilePlan", dps: list[DeclPlan], delta: dict[str, int], refs: dict[str, int]) -> None:
    """Imports whose every use was rewritten away by this plan are dropped."""
    for dp in dps:
        for lp in dp.leaves:
            if lp.delete or lp.leaf.glob or lp.leaf.self_leaf or lp.target is None:
                continue
            if lp.target.kind not in ("sdk", "binding"):
                continue
            old_local = lp.leaf.local
            if delta.get(old_local, 0) >= 0:
                continue
            new_local = lp.local
            remaining = refs.get(new_local, 0) + delta.get(new_local, 0)
            if new_local != old_local:
                remaining = refs.get(new_local, 0) + delta.get(new_local, 0)
            if remaining <= 0 and refs.get(old_local, 0) + delta.get(old_local, 0) <= 0:
                lp.delete = True
                lp.rule = lp.rule or "RB409"


# ------------------------------------------------------------- additions


def _home(plan: "FilePlan", name: str) -> str:
    """The path to import an SDK name from: ``rapidbyte_sdk`` outside the protocol crates; inside one, the module
    that defines (or re-exports) it, nearest the crate root (``crate`` or ``crate::limits``)."""
    if not plan.facts.is_sdk:
        return "rapidbyte_sdk"
    from .workspace import home

    module = home(plan.facts.crate_root, name) if plan.facts.crate_root is not None else None
    return "::".join(("crate", *module)) if module else "crate"


def _additions(plan: "FilePlan", per_scope: dict[tuple[int, int], list[DeclPlan]]) -> None:
    for key, names in plan.required.items():
        dps = per_scope.get(key, [])
        present = {lp.local for dp in dps for lp in dp.leaves if not lp.delete}
        missing = sorted(n for n in names if n not in present and not _glob_has(plan, dps, n))
        by_home: dict[str, list[str]] = {}
        for name in missing:
            by_home.setdefault(_home(plan, name), []).append(name)
        for root, group in by_home.items():
            lists = _sdk_root_lists(dps, root)
            if lists:
                for name in group:
                    _pick_list(lists, name).added.append(name)
                continue
            single = _single_leaf_decls(dps, root) if "::" in root else []  # a module's own import line
            if single:
                single[0].added.extend(group)  # `use root::X;` becomes `use root::{X, Y};`
                continue
            _insert_decl(plan, key, dps, root, group)


def _single_leaf_decls(dps: list[DeclPlan], root: str) -> list[DeclPlan]:
    """``use <root>::X;`` declarations (one plain leaf) a name of the same module can join."""
    out = []
    for dp in dps:
        arg = field(dp.decl, "argument")
        if (arg is not None and arg.type == "scoped_identifier" and dp.split is None
                and text(field(arg, "path")) == root and field(arg, "name") is not None):
            out.append(dp)
    return out


def _glob_has(plan: "FilePlan", dps: list[DeclPlan], name: str) -> bool:
    for dp in dps:
        for lp in dp.leaves:
            if lp.leaf.glob:
                scope = plan.scopes.scope_of(dp.decl)
                target = plan.scopes.resolve_segments(list(lp.leaf.path), scope)
                if target is not None and plan.scopes.glob_provides(target, name) is not None:
                    return True
    return False


def _sdk_root_lists(dps: list[DeclPlan], root: str) -> list[DeclPlan]:
    out = []
    for dp in dps:
        arg = field(dp.decl, "argument")
        if arg is not None and arg.type == "scoped_use_list":
            path = field(arg, "path")
            if path is not None and text(path) == root and dp.split is None:
                out.append(dp)
    return out


def _pick_list(lists: list[DeclPlan], name: str) -> DeclPlan:
    """The first root list whose last item sorts after ``name`` (else the last one): where rustfmt order puts it."""
    key = sort_key(name)
    for dp in lists:
        items = [lp.item_text() for lp in dp.leaves if not lp.delete]
        if items and max(sort_key(i) for i in items) > key:
            return dp
    return lists[-1]


def _insert_decl(plan: "FilePlan", key: tuple[int, int], dps: list[DeclPlan], root: str, names: list[str]) -> None:
    nl = plan.newline
    body = names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"
    line = f"use {root}::{body};"
    sdk_decls = [dp for dp in dps if text(dp.decl).lstrip("pub ").startswith(f"use {root}")]
    anchor = (sdk_decls or dps)[-1].decl if (sdk_decls or dps) else None
    if anchor is not None:
        indent = line_indent(plan.data, anchor.start_byte)
        plan.edit((anchor.end_byte, anchor.end_byte), f"{nl}{indent}{line}", "RB409")
        return
    # no use declaration in this module: put it first, after inner attributes and doc comments
    start = key[0]
    pos = start
    node = _scope_node_at(plan, key)
    if node is not None:
        for child in named(node):
            if child.type in ("inner_attribute_item", "line_comment", "block_comment") and (
                child.type == "inner_attribute_item" or text(child).startswith(("//!", "/*!"))
            ):
                pos = child.end_byte
                continue
            break
        if node.type == "declaration_list":
            pos = max(pos, node.start_byte + 1)
    prefix = nl if pos > 0 else ""
    plan.edit((pos, pos), f"{prefix}{line}{nl}" if pos == 0 else f"{nl}{line}{nl}" if pos else line, "RB409")


def _scope_node_at(plan: "FilePlan", key: tuple[int, int]) -> "Node | None":
    node = plan.root.descendant_for_byte_range(key[0], key[1])
    while node is not None and (node.start_byte, node.end_byte) != key:
        node = node.parent
    return node


# ------------------------------------------------------------------ emit


def _emit(plan: "FilePlan", dp: DeclPlan) -> None:
    decl = dp.decl
    data = plan.data
    nl = plan.newline
    if dp.split is not None:
        indent = line_indent(data, decl.start_byte)
        plan.edit(decl, (nl + indent).join(dp.split), dp.split_rule)
        return
    changed = [lp for lp in dp.leaves if lp.delete or lp.new_text is not None]
    if not changed and not dp.added:
        return
    live = [lp for lp in dp.leaves if not lp.delete]
    rule = next((lp.rule for lp in changed if lp.rule), dp.add_rule)
    if not live and not dp.added:
        _delete_decl(plan, decl, rule)
        return
    arg = field(decl, "argument")
    if arg is not None and arg.type == "scoped_use_list" and _flat(field(arg, "list")):
        lst = field(arg, "list")
        head = data[decl.start_byte : lst.start_byte].decode("utf-8") + "{"
        tail = "}" + data[lst.end_byte : decl.end_byte].decode("utf-8")
        indent = line_indent(data, decl.start_byte)
        unit, width = plan.facts.indent_unit, plan.facts.max_width
        original = [text(c) for c in named(lst)]
        if render_list(head, sorted(original, key=sort_key), tail, indent, unit, width, plan.newline) == text(decl):
            head = plan.render(decl.start_byte, lst.start_byte) + "{"  # carries a renamed path segment along
            items = [lp.item_text() for lp in live] + dp.added
            items = _unique(items)
            if len(items) == 1 and items[0] != "self" and "{" not in items[0] and len(original) > 1:
                # one item left of a list: rustfmt writes it without braces
                plan.edit(decl, head[:-1] + items[0] + tail[1:], rule)
                return
            plan.edit(decl, render_list(head, sorted(items, key=sort_key), tail, indent, unit, width, plan.newline), rule)
            return
    if arg is not None and arg.type == "scoped_identifier" and dp.added and len(dp.leaves) == 1:
        leaf = dp.leaves[0]
        path, name = field(arg, "path"), field(arg, "name")
        head = plan.render(decl.start_byte, path.end_byte) + "::{"
        tail = "}" + data[arg.end_byte : decl.end_byte].decode("utf-8")
        own = leaf.new_text.rsplit("::", 1)[-1] if leaf.new_text is not None else text(name)
        items = _unique([own if not leaf.delete else "", *dp.added])
        items = [i for i in items if i]
        indent = line_indent(data, decl.start_byte)
        unit, width = plan.facts.indent_unit, plan.facts.max_width
        plan.edit(decl, render_list(head, sorted(items, key=sort_key), tail, indent, unit, width, plan.newline), rule)
        return
    _in_place(plan, dp, rule)


def _unique(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        for part in item.split(", "):
            if part not in out:
                out.append(part)
    return out


def _flat(lst: "Node | None") -> bool:
    if lst is None:
        return False
    for c in named(lst):
        if c.type in ("identifier", "self"):
            continue
        if c.type == "use_as_clause" and field(c, "path") is not None and field(c, "path").type == "identifier":
            continue
        return False
    return True


def _in_place(plan: "FilePlan", dp: DeclPlan, rule: str) -> None:
    arg = field(dp.decl, "argument")
    added = list(dp.added)
    for lp in dp.leaves:
        if lp.delete:
            _delete_item(plan, lp.leaf.node, lp.rule or rule)
        elif lp.new_text is not None:
            node = lp.leaf.node
            parts = lp.new_text.split(", ")
            if node == arg and added and len(parts) == 1 and lp.leaf.alias and getattr(plan, "separate_alias_uses", False):
                # in a macro body (no rustfmt there): `use $p::core_types as wit;` + `use $p::stream_types;`
                base = parts[0].rsplit("::", 1)[0]
                head = plan.data[dp.decl.start_byte : arg.start_byte].decode("utf-8")
                indent = line_indent(plan.data, dp.decl.start_byte)
                more = "".join(f";{plan.newline}{indent}{head}{base}::{t}" for t in sorted(_unique(added), key=sort_key))
                added = []
                plan.edit(node, parts[0] + more, lp.rule or rule)
            elif node == arg and (len(parts) > 1 or added):
                # one module import becoming several: `use P::{core_types as wit, stream_types};`
                base = parts[0].rsplit("::", 1)[0]
                tails = [p.rsplit("::", 1)[-1] for p in parts] + added
                added = []
                plan.edit(node, f"{base}::{{{', '.join(sorted(_unique(tails), key=sort_key))}}}", lp.rule or rule)
            else:
                plan.edit(node, lp.new_text, lp.rule or rule)
    if added:
        lst = field(arg, "list") if arg is not None and arg.type == "scoped_use_list" else None
        live = [lp for lp in dp.leaves if not lp.delete]
        if lst is not None and live:
            items = [c for c in named(lst) if c.type not in ("line_comment", "block_comment")]
            keys = [sort_key(text(c)) for c in items]
            if keys == sorted(keys):
                # a sorted list stays sorted: each name goes before the first item that sorts after it
                before: dict[int, list[str]] = {}
                for name in sorted(added, key=sort_key):
                    at = next((i for i, k in enumerate(keys) if k > sort_key(name)), len(items))
                    before.setdefault(at, []).append(name)
                for at, names in before.items():
                    if at < len(items):
                        pos = items[at].start_byte
                        plan.edit((pos, pos), "".join(f"{n}, " for n in names), dp.add_rule)
                    else:
                        pos = items[-1].end_byte
                        plan.edit((pos, pos), "".join(f", {n}" for n in names), dp.add_rule)
                return
            last = live[-1].leaf.node
            while last.parent is not None and last.parent != lst:
                last = last.parent
            plan.edit((last.end_byte, last.end_byte), "".join(f", {n}" for n in added), dp.add_rule)


def _delete_item(plan: "FilePlan", node: "Node", rule: str) -> None:
    """Remove one item of a use list together with one separating comma."""
    data = plan.data
    while node.parent is not None and node.parent.type not in ("use_list", "use_declaration"):
        node = node.parent
    if node.parent is not None and node.parent.type == "use_declaration":
        _delete_decl(plan, node.parent, rule)
        return
    start, end = node.start_byte, node.end_byte
    after = data[end:]
    rest = after.lstrip(b" \t\r\n")
    if rest.startswith(b","):  # `A, ` → also the comma and the spaces after it
        end += len(after) - len(rest) + 1
        tail = data[end:]
        end += len(tail) - len(tail.lstrip(b" \t"))
    else:  # the last item: the comma before it goes
        head = data[:start].rstrip(b" \t\r\n")
        if head.endswith(b","):
            start = len(head) - 1
    plan.edit((start, end), "", rule)


def _delete_decl(plan: "FilePlan", decl: "Node", rule: str) -> None:
    data = plan.data
    start = decl.start_byte
    line_begin = data.rfind(b"\n", 0, start) + 1
    end = decl.end_byte
    if not data[line_begin:start].strip() and data[end : end + 1] in (b"\n", b"\r"):
        start = line_begin
        end = data.find(b"\n", end) + 1 or len(data)
    plan.edit((start, end), "", rule)

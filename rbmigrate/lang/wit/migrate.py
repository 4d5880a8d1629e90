"""Recipes §1: migrate WIT packages from `rapidbyte:connector@3.0.0` to `@4.0.0`.

Planning works on a whole package (one folder, possibly several files) and
produces span edits per file. The rule table gives the renames (interfaces,
functions, parameters, types, fields); the canonical `wit/v4` package gives the
shape every item must end with. Each v4 item is provided by the input item
that has its v4 name or a v3 name renamed to it; that item keeps its comments
and position (or moves, with its comments, to the interface that owns it in
v4). Items v4 has and the input lacks are inserted from the canonical text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ...model import Edit, Finding, Severity
from ...ruletable import V3_PACKAGE, V4_PACKAGE, RuleTable
from ...plan import FilePlan
from .cst import Node, Token

PKG_ID = "rapidbyte:connector"
V3_VERSION = V3_PACKAGE.split("@")[1]
V4_VERSION = V4_PACKAGE.split("@")[1]
TYPEDEFS = ("record", "variant", "enum", "flags", "resource", "type-alias")


# ------------------------------------------------------------------ canonical


@dataclass
class Canon:
    source: bytes
    tree: Node
    interfaces: dict  # name -> Interface node, in order
    worlds: dict  # name -> World node
    type_owner: dict  # v4 type name -> interface


_CANON: dict[int, tuple[object, Canon]] = {}


def canon(table: RuleTable) -> Canon:
    """The canonical v4 package of the table (:meth:`RuleTable.wit`), as the planners use it."""
    package = table.wit("v4")
    hit = _CANON.get(id(package))
    if hit is not None and hit[0] is package:
        return hit[1]
    result = Canon(
        package.source,
        package.tree,
        {name: i.node for name, i in package.interfaces.items()},
        {name: w.node for name, w in package.worlds.items()},
        dict(package.type_owner),
    )
    _CANON[id(package)] = (package, result)
    return result


def _sig(node: Node) -> list[bytes]:
    """Significant token texts of a node (comments and whitespace dropped)."""
    return [t.text.lstrip(b"%") for t in node.iter_tokens(trivia=False)]


# ---------------------------------------------------------------- rename maps


@dataclass
class Maps:
    iface: dict  # v3 or v4 interface name -> v4 name
    iface_rule: dict  # v3 interface -> rule id
    types: dict  # v3 type -> (v4 name, rule id)
    funcs: dict  # (v4 interface of the input, input name) -> (v4 name, rule id, v4 interface it belongs to)
    params: dict  # (v3 function, v3 param) -> (v4 param, rule id)
    fields: dict  # (v3 record, v3 field) -> (v4 field, rule id)
    func_rules: dict  # (v4 interface, v4 name) -> rule id for signature changes
    v3_only: dict  # v3-only name -> rule id (for findings in v4 packages)


@functools.lru_cache(maxsize=4)
def maps_for(table: RuleTable) -> Maps:
    iface = {name: name for name in canon(table).interfaces}
    iface_rule = {}
    for old, r in table.interface_renames.items():
        iface[old] = r.new.wit
        iface_rule[old] = r.rule_id
    types = {old: (r.new.wit, r.rule_id) for old, r in table.type_renames.items()}
    funcs: dict = {}
    func_rules: dict = {}
    v3 = table.wit("v3")
    role_v3 = list(dict.fromkeys(e for w in v3.worlds.values() for e in w.exports))  # the exported role interfaces
    roles = [table.renamed_interface(i) for i in role_v3]
    lifecycle = set.intersection(*(set(v3.interfaces[i].functions) for i in role_v3)) if role_v3 else set()
    for r in table.renames:
        if r.item != "function":
            continue
        v4_iface = iface.get(r.interface, r.interface)
        names = [v4_iface]
        if r.interface in role_v3 and r.old.wit in lifecycle:
            names = roles  # one lifecycle for every role (declared once, on the source)
        for target in names:
            # a function a rule moves to another interface (`to-interface`) goes there
            dest = r.new_interface if r.new_interface and r.new_interface != v4_iface else target
            funcs[(target, r.old.wit)] = (r.new.wit, r.rule_id, dest)
            func_rules.setdefault((dest, r.new.wit), r.rule_id)
    params = {(r.owner, r.old.wit): (r.new.wit, r.rule_id) for r in table.renames if r.item == "param"}
    fields = {(r.owner, r.old.wit): (r.new.wit, r.rule_id) for r in table.renames if r.item == "field"}
    v4_names = table.wit("v4").identifiers
    v3_only = {}
    for r in table.renames:
        if r.old.wit != r.new.wit and r.old.wit not in v4_names and r.item in ("interface", "function", "type", "field"):
            v3_only[r.old.wit] = r.rule_id
    return Maps(iface, iface_rule, types, funcs, params, fields, func_rules, v3_only)


# --------------------------------------------------------------------- model


@dataclass
class WitFile:
    key: str  # display path
    data: bytes
    tree: Node
    newline: bytes = b"\n"


class Plan:
    """The planned edits and findings of a package's files: one plan store (rbmigrate.plan) per file."""

    def __init__(self, table: RuleTable):
        self.table = table
        self.stores: dict[str, FilePlan] = {}

    def store(self, f: WitFile) -> FilePlan:
        if f.key not in self.stores:
            self.stores[f.key] = FilePlan(f.key, f.data, self.table)
        return self.stores[f.key]

    def edit(self, f: WitFile, start: int, end: int, text: bytes | str, rule: str) -> None:
        self.store(f).edit(start, end, text.decode("utf-8") if isinstance(text, bytes) else text, rule)

    def extend(self, f: WitFile, edits: list[Edit]) -> None:
        for e in edits:
            self.store(f).edit(e.start, e.end, e.replacement, e.rule_id)

    def find(self, f: WitFile, offset: int, rule: str, severity: Severity, message: str, step: str = "") -> None:
        self.store(f).finding(offset, rule, message, step, severity)

    def has_edits(self, f: WitFile) -> bool:
        return f.key in self.stores and bool(self.stores[f.key].edits)

    def result(self, key: str) -> tuple[list[Edit], list[Finding]]:
        store = self.stores.get(key)
        return store.result() if store is not None else ([], [])


def package_version(tree: Node) -> tuple[str, str] | None:
    """(package id, version) of a file's package declaration, if it has one."""
    decl = tree.package
    if decl is None:
        return None
    pn = decl.package_name
    ident = f"{pn.namespace.ident}:{pn.name.ident}"
    version = decl.version.value if decl.version is not None else ""
    return ident, version


# ------------------------------------------------------------------- helpers


def _indent_unit(f: WitFile, body: Node) -> bytes:
    for item in body.items:
        ind = item.line_indent()
        if ind:
            return ind
    return b"    "


def _reindent(text: bytes, unit: bytes, levels: int = 1, canon_unit: bytes = b"    ") -> bytes:
    """Re-indent canonical text (4-space units) to ``unit``, adding ``levels`` units to every line."""
    out = []
    for line in text.split(b"\n"):
        if not line.strip():
            out.append(b"")
            continue
        n = 0
        while line.startswith(canon_unit * (n + 1)):
            n += 1
        out.append(unit * (levels + n) + line[len(canon_unit) * n :])
    return b"\n".join(out)


def _nl(text: bytes, newline: bytes) -> bytes:
    return text.replace(b"\n", newline) if newline != b"\n" else text


def _comment_block(node: Node, source: bytes) -> bytes:
    """The node's leading comment lines (no leading blank lines), dedented to column 0."""
    start, end = node.leading_trivia_span()
    lines = source[start:end].split(b"\n")
    out = [ln.strip(b" \t\r") for ln in lines]
    while out and not out[0]:
        out.pop(0)
    text = b"\n".join(x for x in out if x)
    return text + b"\n" if text else b""


def canon_item_text(item: Node, src: bytes) -> bytes:
    """A canonical item (of the package whose bytes are ``src``) with its doc comments, at indent level 0
    (4-space units inside)."""
    docs = _comment_block(item, src)
    body = src[item.start : item.end]
    # dedent the body's continuation lines by the item's own indent
    ind = item.line_indent()
    lines = body.split(b"\n")
    lines = [lines[0]] + [ln[len(ind) :] if ln.startswith(ind) else ln for ln in lines[1:]]
    return docs + b"\n".join(lines)


def _blank_before(item: Node, source: bytes) -> bool:
    """True when a blank line separates the item from the element before it."""
    s, e = item.leading_trivia_span()
    first, nl, _ = source[s:e].partition(b"\n")
    return bool(nl) and not first.strip(b" \t\r")


def _line_end_after(token: Token, source: bytes) -> int:
    k = source.find(b"\n", token.end)
    return len(source) if k < 0 else k + 1


# --------------------------------------------------------- package planning


class PackagePlanner:
    """Plans the migration of one v3 package (the files of one folder)."""

    def __init__(self, files: list[WitFile], table: RuleTable, plan: Plan):
        self.files = files
        self.table = table
        self.maps = maps_for(table)
        self.plan = plan
        self.canon = canon(table)
        self.ifaces: list[tuple[WitFile, Node]] = []
        self.worlds: list[tuple[WitFile, Node]] = []
        self.bodies: list[tuple[WitFile, Node]] = []
        for f in files:
            self.bodies.append((f, f.tree))
            for item in f.tree.items:
                if item.kind == "interface":
                    self.ifaces.append((f, item))
                elif item.kind == "world":
                    self.worlds.append((f, item))

    # --- naming ---------------------------------------------------------------

    def v4_type(self, name: str) -> tuple[str, str]:
        """(v4 name, rule id) of a type name as written in the input."""
        if name in self.maps.types:
            return self.maps.types[name]
        return name, ""

    def v4_iface(self, name: str) -> str:
        return self.maps.iface.get(name, name)

    def type_ref_edits(self, f: WitFile, node: Node) -> list[Edit]:
        out = []
        for nt in node.iter_nodes("named-type"):
            new, rule = self.v4_type(nt.ident)
            if rule:
                out.append(Edit(nt.name.start, nt.name.end, new, rule))
        return out

    # --- item inventory ---------------------------------------------------------

    def provider(self, v4_iface: str, item: Node) -> tuple[str, str, str] | None:
        """What v4 item an input item provides: (v4 interface, v4 name, rule) or None if unknown."""
        name = item.ident
        if item.kind in TYPEDEFS:
            new, rule = self.v4_type(name)
            owner = self.canon.type_owner.get(new)
            return (owner, new, rule or "RB011") if owner else None
        if item.kind == "func":
            key = (v4_iface, name)
            if key in self.maps.funcs:
                new, rule, dest = self.maps.funcs[key]
                return (dest, new, rule)
            canon_iface = self.canon.interfaces.get(v4_iface)
            if canon_iface is not None and canon_iface.item(name) is not None:
                return (v4_iface, name, self.maps.func_rules.get((v4_iface, name), ""))
        return None

    def run(self) -> None:
        # which input item provides each canonical item
        self.chosen: dict[tuple[str, str], tuple[WitFile, Node, str]] = {}
        candidates: dict[tuple[str, str], list[tuple[int, WitFile, Node, str]]] = {}
        self.fate: dict[int, tuple] = {}  # id(item) -> ("keep"|"move"|"drop"|"unknown", ...)
        for f, iface in self.ifaces:
            v4 = self.v4_iface(iface.ident)
            for item in iface.items:
                if item.kind not in TYPEDEFS and item.kind != "func":
                    continue
                prov = self.provider(v4, item)
                if prov is None:
                    continue
                exact = 0 if item.ident == prov[1] else 1
                rank = (exact, not prov[2], prov[2])  # an exact name first, then a rule that names it
                candidates.setdefault((prov[0], prov[1]), []).append((rank, f, item, prov[2]))
        for key, cands in candidates.items():
            cands.sort(key=lambda c: c[0])
            _, f, item, rule = cands[0]
            self.chosen[key] = (f, item, rule)
            for _, f2, other, rule2 in cands[1:]:
                self.fate[id(other)] = ("drop", f2, rule2 or "RB011")

        # primary input interface of each v4 interface
        self.primary: dict[str, tuple[WitFile, Node]] = {}
        for f, iface in self.ifaces:
            v4 = self.v4_iface(iface.ident)
            if v4 in self.canon.interfaces:
                current = self.primary.get(v4)
                if current is None or (current[1].ident != v4 and iface.ident == v4):
                    self.primary[v4] = (f, iface)

        # pass 1: decide every item's fate and render the items that move
        self.moved_text: dict[tuple[str, str], bytes] = {}
        self.kept_edits: dict[int, list[Edit]] = {}
        for f, iface in self.ifaces:
            self.classify(f, iface)
        # pass 2: edits
        for f, tree in self.bodies:
            self.package_decl(f, tree)
        for f, iface in self.ifaces:
            self.interface(f, iface)
        self.insert_missing_interfaces()
        for f, world in self.worlds:
            self.world(f, world)
        self.insert_missing_worlds()

    # --- package line -------------------------------------------------------------

    def package_decl(self, f: WitFile, tree: Node) -> None:
        decl = tree.package
        if decl is not None and decl.version is not None:
            self.plan.edit(f, decl.version.start, decl.version.end, V4_VERSION, "RB001")

    # --- interfaces -----------------------------------------------------------------

    def is_primary(self, iface: Node) -> bool:
        return self.primary.get(self.v4_iface(iface.ident), (None, None))[1] is iface

    def classify(self, f: WitFile, iface: Node) -> None:
        v4 = self.v4_iface(iface.ident)
        primary = self.is_primary(iface)
        for item in iface.items:
            if item.kind not in TYPEDEFS and item.kind != "func":
                continue
            if id(item) in self.fate:  # dropped: another item provides it
                continue
            prov = self.provider(v4, item)
            if prov is None:
                self.fate[id(item)] = ("unknown", f, "")
                continue
            target, new_name, rule = prov
            edits = self.item_edits(f, item, target, new_name, rule)
            if target == v4 and primary:
                self.fate[id(item)] = ("keep", f, rule)
                self.kept_edits[id(item)] = edits
            else:
                self.fate[id(item)] = ("move", f, rule or "RB011")
                self.moved_text[(target, new_name)] = self.render_moved(f, item, edits)

    def interface(self, f: WitFile, iface: Node) -> None:
        v4 = self.v4_iface(iface.ident)
        canon_iface = self.canon.interfaces.get(v4)
        primary = self.is_primary(iface)
        unit = _indent_unit(f, iface)
        items = [i for i in iface.items if i.kind != "use"]
        if canon_iface is not None and not primary and all(self.fate.get(id(i), ("x",))[0] in ("move", "drop") for i in items):
            # a second interface for the same v4 interface (a half-done split): its items moved; remove it
            for s, e in iface.removal_spans():
                self.plan.edit(f, s, e, b"", self.maps.iface_rule.get(iface.ident, "RB011"))
            return
        if iface.ident != v4:
            self.plan.edit(f, iface.name.start, iface.name.end, v4, self.maps.iface_rule.get(iface.ident, "RB011"))

        uses = iface.items_of("use")
        if canon_iface is not None and primary:
            want = canon_iface.items_of("use")
            if [_sig(u) for u in uses] != [_sig(u) for u in want]:
                text = _nl(b"\n".join(unit + canon_item_text(u, self.canon.source) for u in want), f.newline)
                if uses:
                    first = uses[0]
                    self.plan.edit(f, first.start - len(first.line_indent()), first.end, text, "RB011")
                    for u in uses[1:]:
                        for s, e in u.removal_spans():
                            self.plan.edit(f, s, e, b"", "RB011")
                elif want:
                    pos = _line_end_after(iface.lbrace, f.data)
                    tail = f.newline * (2 if items else 1)
                    self.plan.edit(f, pos, pos, text + tail, "RB011")
        else:
            for u in uses:
                self.rewrite_use(f, u, unit)

        for item in items:
            fate = self.fate.get(id(item))
            if fate is None:
                continue
            kind, _, rule = fate
            if kind == "keep":
                self.plan.extend(f, self.kept_edits[id(item)])
            elif kind in ("move", "drop"):
                for s, e in item.removal_spans():
                    self.plan.edit(f, s, e, b"", rule)
            elif kind == "unknown":
                if canon_iface is not None:
                    self.plan.find(
                        f, item.start, "RB912", Severity.WARNING,
                        f"`{item.ident}` in interface `{iface.ident}` is not part of the v4 contract; kept as it is",
                        "Move it to an interface of your own package, or remove it.",
                    )
                self.plan.extend(f, self.type_ref_edits(f, item))

        if canon_iface is not None and primary:
            self.insert_missing_items(f, iface, canon_iface, unit)

    def render_moved(self, f: WitFile, item: Node, edits: list[Edit]) -> bytes:
        """The item with its comments and trailing comment, inner edits applied, at indent level 0."""
        start, _ = item.leading_trivia_span()
        src = f.data
        while True:  # skip leading blank lines
            k = src.find(b"\n", start, item.start)
            if k < 0 or src[start:k].strip(b" \t\r"):
                break
            start = k + 1
        end = item.end_of_line()
        parts, pos = [], start
        for e in sorted(edits, key=lambda e: e.start):
            if e.start < start or e.end > end:
                continue
            parts.append(src[pos : e.start])
            parts.append(e.replacement.encode("utf-8"))
            pos = e.end
        parts.append(src[pos:end])
        text = b"".join(parts).replace(b"\r\n", b"\n").rstrip(b"\n")
        ind = item.line_indent()
        lines = [ln[len(ind) :] if ln.startswith(ind) else ln.lstrip(b" \t") for ln in text.split(b"\n")]
        return b"\n".join(lines)

    def insert_missing_items(self, f: WitFile, iface: Node, canon_iface: Node, unit: bytes) -> None:
        """Insert canonical items the interface lacks, after their nearest present predecessor."""
        v4 = canon_iface.ident
        present: dict[str, Node] = {}
        for item in iface.items:
            if self.fate.get(id(item), ("",))[0] == "keep":
                present[self.provider(v4, item)[1]] = item
        uses = iface.items_of("use")
        start_anchor = uses[-1].end_of_line() if uses else _line_end_after(iface.lbrace, f.data)
        kept = [i for i in iface.items if i.kind != "use"]
        blank_style = any(_blank_before(i, f.data) for i in kept[1:]) if len(kept) > 1 else True
        anchor: int | None = None
        for citem in canon_iface.items:
            if citem.kind == "use":
                continue
            name = citem.ident
            if name in present:
                anchor = present[name].end_of_line()
                continue
            text = self.moved_text.get((v4, name)) or canon_item_text(citem, self.canon.source)
            rule = self.chosen.get((v4, name), (None, None, ""))[2] or self.rule_for_new(v4, citem)
            body = _reindent(text, unit)
            if anchor is None:
                pos = start_anchor
                insert = (b"\n" if uses else b"") + body + b"\n" + (b"\n" if (kept and not uses) else b"")
            else:
                pos = anchor
                insert = (b"\n" if blank_style else b"") + body + b"\n"
            self.plan.edit(f, pos, pos, _nl(insert, f.newline), rule)
            if anchor is None and not uses:
                start_anchor = pos  # later insertions at the top keep their order

    def rule_for_new(self, v4_iface: str, citem: Node) -> str:
        if citem.kind == "func":
            return self.maps.func_rules.get((v4_iface, citem.ident), "RB011")
        return "RB011"

    # --- items ---------------------------------------------------------------------

    def item_edits(self, f: WitFile, item: Node, v4_iface: str, new_name: str, rule: str) -> list[Edit]:
        canon_iface = self.canon.interfaces[v4_iface]
        citem = canon_iface.item(new_name)
        edits: list[Edit] = []
        if item.ident != new_name:
            edits.append(Edit(item.name.start, item.name.end, new_name, rule))
        if item.kind == "func":
            edits += self.func_edits(f, item, citem, rule)
        elif item.kind == "record":
            edits += self.member_edits(f, item, citem, "fields", rule)
        elif item.kind in ("variant", "enum", "flags"):
            edits += self.member_edits(f, item, citem, "cases" if item.kind != "flags" else "flags", rule)
        else:
            edits += self.type_ref_edits(f, item)
            if citem is not None and _renamed_sig(item, edits, f.data) != _sig(citem):
                edits = [e for e in edits if e.start < (item.keyword.start if item.keyword else item.start)]
                edits.append(Edit(item.start, item.end, _canon_text(citem), rule or "RB011"))
        return edits

    def func_edits(self, f: WitFile, item: Node, citem: Node, rule: str) -> list[Edit]:
        edits: list[Edit] = []
        ft, cft = item.func_type, citem.func_type
        params, cparams = item.params, citem.params
        if len(params) != len(cparams):
            pl, cpl = ft.param_list, cft.param_list
            edits.append(Edit(pl.start, pl.end, _canon_text(cpl), rule))
        else:
            for p, cp in zip(params, cparams):
                if p.ident != cp.ident:
                    prule = self.maps.params.get((item.ident, p.ident), (None, rule))[1]
                    edits.append(Edit(p.name.start, p.name.end, cp.name.text.decode(), prule))
                edits += self.type_edits(f, p.type, cp.type, rule)
        res, cres = ft.result, cft.result
        if res is None and cres is not None:
            edits.append(Edit(ft.param_list.end, ft.param_list.end, " -> " + _canon_text(cres), rule))
        elif res is not None and cres is None:
            edits.append(Edit(ft.param_list.end, res.end, "", rule))
        elif res is not None:
            edits += self.type_edits(f, res, cres, rule)
        return edits

    def type_edits(self, f: WitFile, t: Node, ct: Node, rule: str) -> list[Edit]:
        renames = self.type_ref_edits(f, t)
        if _renamed_sig(t, renames, f.data) == _sig(ct):
            return renames
        return [Edit(t.start, t.end, _canon_text(ct), rule)]

    def member_edits(self, f: WitFile, item: Node, citem: Node, attr: str, rule: str) -> list[Edit]:
        edits: list[Edit] = []
        members = getattr(item, attr)
        cmembers = {m.ident: m for m in getattr(citem, attr)}
        corder = [m.ident for m in getattr(citem, attr)]
        present: dict[str, Node] = {}
        for m in members:
            name = m.ident
            new = name
            if attr == "fields" and (item.ident, name) in self.maps.fields:
                new, frule = self.maps.fields[(item.ident, name)]
                edits.append(Edit(m.name.start, m.name.end, new, frule))
            cm = cmembers.get(new)
            if cm is None:
                self.plan.find(
                    f, m.start, "RB912", Severity.WARNING,
                    f"`{item.ident}.{name}` is not part of the v4 contract; kept as it is",
                    "Remove it, or move the type to a package of your own.",
                )
                edits += self.type_ref_edits(f, m)
                continue
            present[new] = m
            t = getattr(m, "type", None)
            ct = getattr(cm, "type", None)
            if t is not None and ct is not None:
                edits += self.type_edits(f, t, ct, rule)
            elif t is None and ct is not None:
                edits.append(Edit(m.end, m.end, "(" + _canon_text(ct) + ")", rule))
            elif t is not None and ct is None:
                edits.append(Edit(m.name.end, m.end, "", rule))
        # insert missing members after their nearest present predecessor, in canonical order
        groups: list[tuple[Node | None, list[str]]] = []
        anchor: Node | None = None
        for name in corder:
            if name in present:
                anchor = present[name]
                continue
            if groups and groups[-1][0] is anchor:
                groups[-1][1].append(name)
            else:
                groups.append((anchor, [name]))
        multiline = b"\n" in f.data[item.lbrace.end : item.rbrace.start] if item.lbrace and item.rbrace else False
        for anchor, names in groups:
            texts = [_canon_text(cmembers[n]) for n in names]
            if not multiline:
                if anchor is None:
                    edits.append(Edit(item.lbrace.end, item.lbrace.end, " " + ", ".join(texts) + ",", rule))
                else:
                    sep = anchor.separator()
                    pos = sep.end if sep is not None else anchor.end
                    lead = " " if sep is not None else ", "
                    edits.append(Edit(pos, pos, lead + ", ".join(texts) + ("," if sep is not None else ""), rule))
                continue
            if anchor is None:
                ind = members[0].line_indent() if members else _indent_unit(f, item) * 2
                pos = _line_end_after(item.lbrace, f.data)
                block = b"".join(ind + t.encode() + b",\n" for t in texts)
            else:
                ind = anchor.line_indent()
                trailing = anchor.separator() is not None
                if not trailing:
                    edits.append(Edit(anchor.end, anchor.end, ",", rule))
                pos = anchor.end_of_line()
                lines = [ind + t.encode() for t in texts]
                block = b",\n".join(lines) + (b",\n" if trailing else b"\n")
            edits.append(Edit(pos, pos, _nl(block, f.newline).decode(), rule))
        return edits

    def rewrite_use(self, f: WitFile, use: Node, unit: bytes) -> None:
        """`use types.{a, b}` → one `use` per v4 owner (names renamed)."""
        path = use.path
        src_iface = path.ident
        qualified = path.is_qualified
        if qualified:
            return  # qualified uses belong to third-party planning
        if src_iface not in self.maps.iface:
            return
        groups: dict[str, list[str]] = {}
        for n in use.names:
            new, _ = self.v4_type(n.ident)
            owner = self.canon.type_owner.get(new, self.v4_iface(src_iface))
            alias = n.alias
            groups.setdefault(owner, []).append(new + (f" as {alias.text.decode()}" if alias is not None else ""))
        text = (b"\n" + unit).join(
            f"use {owner}.{{{', '.join(names)}}};".encode() for owner, names in groups.items()
        )
        if _sig(use) != _sig_of_text(text):
            self.plan.edit(f, use.start, use.end, _nl(text, f.newline), "RB011")

    # --- new interfaces and worlds ------------------------------------------------------

    def insert_missing_interfaces(self) -> None:
        """Insert the v4 interfaces the package lacks, after their canonical predecessor."""
        anchors: dict[str, tuple[WitFile, int]] = {}
        for name in self.canon.interfaces:
            existing = self.primary.get(name)
            if existing is not None:
                anchors[name] = (existing[0], existing[1].end_of_line())
                continue
            prev = next((anchors[n] for n in reversed(list(anchors)) if n in anchors), None)
            text = self.new_interface_text(name)
            if prev is not None:
                f, pos = prev
                insert = b"\n" + text + b"\n"
            elif self.ifaces:
                f, first = self.ifaces[0]
                pos = first.leading_trivia_span()[0]
                insert = text + b"\n\n"
            else:
                f = self.files[0]
                decl = f.tree.package
                pos = decl.end_of_line() if decl is not None else 0
                insert = b"\n" + text + b"\n"
            self.plan.edit(f, pos, pos, _nl(insert, f.newline), "RB011")
            anchors[name] = (f, pos)

    def new_interface_text(self, name: str) -> bytes:
        ci = self.canon.interfaces[name]
        src = self.canon.source
        docs = _comment_block(ci, src)
        lines = [docs + f"interface {name} {{".encode()]
        first = True
        for citem in ci.items:
            text = self.moved_text.get((name, citem.ident)) if citem.kind != "use" else None
            text = text or canon_item_text(citem, self.canon.source)
            if not first and (citem.kind != "func" or _blank_before(citem, src)):
                lines.append(b"")
            lines.append(_reindent(text, b"    "))
            first = False
        lines.append(b"}")
        return b"\n".join(lines)

    def insert_missing_worlds(self) -> None:
        have = {w.ident for _, w in self.worlds}
        missing = [w for name, w in self.canon.worlds.items() if name not in have]
        if not missing:
            return
        if self.worlds:
            f, last = self.worlds[-1]
            pos = last.end_of_line()
        else:
            f = self.files[0]
            pos = len(f.data)
        text = b"".join(b"\n" + canon_item_text(w, self.canon.source) + b"\n" for w in missing)
        if pos == len(f.data) and f.data and not f.data.endswith(b"\n"):
            text = b"\n" + text
        self.plan.edit(f, pos, pos, _nl(text, f.newline), "RB020")

    def world(self, f: WitFile, world: Node) -> None:
        unit = _indent_unit(f, world)
        for item in world.items:
            if item.kind in ("import", "export") and item.extern_kind == "path" and not item.path.is_qualified:
                name = item.path.name
                new = self.v4_iface(name.ident)
                if new != name.ident:
                    self.plan.edit(f, name.start, name.end, new, self.maps.iface_rule.get(name.ident, "RB020"))
            elif item.kind == "use":
                self.rewrite_use(f, item, unit)
            elif item.kind in TYPEDEFS or item.kind in ("import", "export"):
                self.plan.extend(f, self.type_ref_edits(f, item))


def _canon_text(node: Node) -> str:
    """The text of a node of the canonical package (lossless: exactly its bytes)."""
    return node.text.decode()


def _renamed_sig(node: Node, edits: list[Edit], source: bytes) -> list[bytes]:
    by_start = {e.start: e for e in edits}
    out = []
    for t in node.iter_tokens(trivia=False):
        e = by_start.get(t.start)
        out.append(e.replacement.encode().lstrip(b"%") if e is not None and e.end == t.end else t.text.lstrip(b"%"))
    return out


def _sig_of_text(text: bytes) -> list[bytes]:
    return re.findall(rb"%?[A-Za-z0-9_-]+|[^\sA-Za-z0-9_-]", text)


# ------------------------------------------------------------ third-party uses




class ThirdPartyPlanner:
    """Rewrites references to `rapidbyte:connector/...@3.0.0` in a package that is not ours."""

    def __init__(self, f: WitFile, table: RuleTable, plan: Plan):
        self.f = f
        self.table = table
        self.maps = maps_for(table)
        self.plan = plan

    def run(self) -> None:
        for node in self.f.tree.iter_nodes(("use", "toplevel-use", "import", "export", "include")):
            path = getattr(node, "path", None)
            if path is None or not path.is_qualified or path.package_name is None:
                continue
            ns_pkg = f"{path.namespace.ident}:{path.package.ident}"
            if ns_pkg != PKG_ID or path.version is None or path.version.value != V3_VERSION:
                continue
            if node.kind == "use":
                self.qualified_use(node)
            elif node.kind == "include":
                self.plan.edit(self.f, path.version.start, path.version.end, V4_VERSION, "RB001")
            else:
                iface = path.name.ident
                new = self.maps.iface.get(iface, iface)
                rule = self.maps.iface_rule.get(iface, "RB001")
                if new != iface:
                    self.plan.edit(self.f, path.name.start, path.name.end, new, rule)
                self.plan.edit(self.f, path.version.start, path.version.end, V4_VERSION, "RB001")
                if node.kind == "toplevel-use" and node.alias is None and new != iface:
                    self.rename_local_iface(iface, new, rule)

    def qualified_use(self, use: Node) -> None:
        path = use.path
        iface = path.ident
        groups: dict[str, list[str]] = {}
        scope = use.parent
        use_rule = ""
        for n in use.names:
            new, rule = self.maps.types.get(n.ident, (n.ident, ""))
            use_rule = use_rule or rule
            owner = canon(self.table).type_owner.get(new)
            if owner is None:
                owner = self.maps.iface.get(iface, iface)
                self.plan.find(
                    self.f, n.start, "RB011", Severity.ERROR,
                    f"`{n.ident}` is not a type of the v4 package; its new owner is unknown",
                    "Check the v4 contract (protocol-v4) and import the type from its owner.",
                )
            if n.alias is None and new != n.ident:
                self.rename_refs(scope, n.ident, new, rule)
            groups.setdefault(owner, []).append(new + (f" as {n.alias.text.decode()}" if n.alias is not None else ""))
        ind = use.line_indent() or b""
        text = (b"\n" + ind).join(
            f"use {PKG_ID}/{owner}@{V4_VERSION}.{{{', '.join(names)}}};".encode() for owner, names in groups.items()
        )
        self.plan.edit(self.f, use.start, use.end, _nl(text, self.f.newline), use_rule or "RB011")

    def rename_refs(self, scope: Node, old: str, new: str, rule: str) -> None:
        for nt in scope.iter_nodes("named-type"):
            if nt.ident == old:
                self.plan.edit(self.f, nt.name.start, nt.name.end, new, rule or "RB011")

    def rename_local_iface(self, old: str, new: str, rule: str) -> None:
        for node in self.f.tree.iter_nodes(("use", "import", "export")):
            path = getattr(node, "path", None)
            if path is not None and not path.is_qualified and path.name.ident == old:
                self.plan.edit(self.f, path.name.start, path.name.end, new, rule)


# --------------------------------------------------------------- v4 findings


def v4_findings(f: WitFile, table: RuleTable, plan: Plan) -> None:
    """A `@4.0.0` package is never rewritten; v3 names left in it are findings (RB910)."""
    v3_only = maps_for(table).v3_only
    for tok in f.tree.iter_tokens(trivia=False):
        if tok.kind == "id" and tok.ident in v3_only:
            parent = tok.parent
            if parent is not None and parent.kind in ("use-name",) and parent.alias is not None and parent.alias is tok:
                continue
            plan.find(
                f, tok.start, "RB910", Severity.ERROR,
                f"v3 name `{tok.ident}` in a @4.0.0 package (see {v3_only[tok.ident]})",
                f"Rename it as rule {v3_only[tok.ident]} says, or rerun rbmigrate on the v3 original.",
            )

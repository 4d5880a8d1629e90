"""Macro bodies are code: ``macro_rules!`` bodies, ``quote!`` / ``quote_spanned!`` bodies, ``bindgen!`` /
``generate!`` options.

tree-sitter keeps a macro's tokens as a token tree, so the expression-level concerns never see
them. Each body is migrated as code instead:

1. its inner bytes are *masked*: every interpolation becomes same-length valid Rust
   (``$name`` → ``_name``, ``$crate`` → ``crate `` , quote's ``#name`` → ``_name``, the
   ``$(`` … ``)*`` / ``#(`` … ``)*`` of a repetition → spaces), so byte offsets do not move;
2. the masked text is parsed as items, else as the body of a function, else as an expression
   (``bindgen!({ path: …, world: … })`` options as a struct literal);
3. the adapter's concerns run on that snippet (:func:`plan_bodies` is handed the adapter's
   concern sequence), with names resolved in the snippet first and then, where the snippet
   does not bind them, in the enclosing file at the macro's position (:class:`SnippetScopes`);
4. the snippet's edits come back into the enclosing plan: an edit that changes masked bytes
   is dropped and reported at its token instead, masked text inside a replacement is
   restored byte for byte, offsets are shifted. Findings are shifted the same way.

A parsed body then belongs to this pass (it is frozen for the enclosing plan's other
concerns). A body that parses in none of the three ways gets a token-level pass after the
other concerns (:func:`plan_unparsed`): binding-module paths are renamed where they are
certain, every other v3 name is reported at its token.

Facts that come from code (which types implement the generated ``Host`` trait) are collected
from the snippets too (``prepare_unit`` calls :func:`bodies` and ``_collect_facts`` on each).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from . import syntax
from .plan import FilePlan
from .scope import FileScopes, Scope, binding_split

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .scope import Target

# macro name (last path segment) → how its body is read
BODY_MACROS = {"quote": "quote", "quote_spanned": "quote", "bindgen": "options", "generate": "options"}
# std macros whose arguments are expressions (a format string first, for some): read as a tuple
ARG_MACROS = frozenset({"assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne",
                        "format", "format_args", "print", "println", "eprint", "eprintln", "write", "writeln",
                        "panic", "vec", "dbg", "todo", "unimplemented", "unreachable"})
_HINT = re.compile(rb"macro_rules!|\b(?:quote|quote_spanned|bindgen|generate)\s*!")
_ARGS_HINT = re.compile(rb"\b(?:" + b"|".join(sorted(n.encode() for n in ARG_MACROS)) + rb")\s*!")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")

# (prefix, suffix) tried in order: items, a function body, an expression, struct-literal options
_WRAPPERS = (
    ("", ""),
    ("fn __rbmigrate_body() {\n", "\n}\n"),
    ("const _: () = ", ";\n"),
)
# the arguments of an ARG_MACROS invocation: a tuple (`assert_eq!(a, b)`), or an array (`vec![x; n]`)
_ARG_WRAPPERS = (
    ("fn __rbmigrate_body() {\n(", ");\n}\n"),
    ("fn __rbmigrate_body() {\n[", "];\n}\n"),
)


@dataclass
class Body:
    """The inner bytes ``[start, end)`` of one macro body, in the enclosing data's offsets."""

    anchor: "Node"  # where the body sits in the enclosing tree (names resolve from there)
    start: int
    end: int
    kind: str  # "rules" | "quote" | "options"
    masks: list[tuple[int, int, bytes]] = field(default_factory=list)  # enclosing offsets, same-length text
    # interpolations standing alone where an item or statement goes (`#item` on its own line): tried as `;`
    standalone: set[int] = field(default_factory=set)  # start offsets of such masks


@dataclass
class Snippet:
    body: Body
    data: bytes  # wrapper prefix + masked body + wrapper suffix
    prefix: int  # len of the wrapper prefix (snippet offset = prefix + enclosing offset - body.start)
    tree: object = None
    captures: dict = field(default_factory=dict)
    scopes: "SnippetScopes | None" = None
    children: list["Snippet"] = field(default_factory=list)
    masks: list[tuple[int, int, str, str]] = field(default_factory=list)  # snippet offsets, masked, original

    @property
    def parsed(self) -> bool:
        return self.tree is not None

    def outer(self, offset: int) -> int:
        """An offset of the snippet as an offset of the enclosing data (clamped into the body)."""
        return max(self.body.start, min(self.body.end, self.body.start + offset - self.prefix))

    def walk(self) -> Iterator["Snippet"]:
        yield self
        for child in self.children:
            yield from child.walk()


# ------------------------------------------------------------------ finding bodies


def _macro_name(node: "Node") -> str:
    name = syntax.field(node, "macro")
    if name is None:
        return ""
    segs = syntax.path_segments(name)
    return syntax.text(segs[-1]) if segs else syntax.text(name)


def find_bodies(root: "Node", args: "Callable[[int, int], bool] | None" = None) -> list[Body]:
    """The macro bodies of a tree (outermost ones: a token tree holds no macro nodes); with ``args``, also the
    arguments of the expression macros (``assert_eq!(…)``) for which ``args(start, end)`` holds."""
    out: list[Body] = []
    stack = [root]
    while stack:
        node = stack.pop()
        t = node.type
        if t == "token_tree":
            continue
        if t == "macro_definition":
            for rule in syntax.named(node):
                right = syntax.field(rule, "right") if rule.type == "macro_rule" else None
                if right is not None and right.type == "token_tree" and right.child_count >= 2:
                    out.append(_body(right, right.children[0].end_byte, right.children[-1].start_byte, "rules"))
            continue
        if t == "macro_invocation":
            kind = BODY_MACROS.get(_macro_name(node))
            tree = next((c for c in node.children if c.type == "token_tree"), None)
            if kind is None and args is not None and tree is not None and _macro_name(node) in ARG_MACROS \
                    and tree.child_count >= 2 and args(tree.children[0].end_byte, tree.children[-1].start_byte):
                kind = "args"
            if kind is not None and tree is not None and tree.child_count >= 2:
                start = tree.children[0].end_byte
                if _macro_name(node) == "quote_spanned":  # `quote_spanned! {span=> …}`
                    arrow = next((c for c in tree.children if c.type == "=>"), None)
                    if arrow is None:
                        continue
                    start = arrow.end_byte
                out.append(_body(tree, start, tree.children[-1].start_byte, kind))
            continue
        stack.extend(reversed(node.children))
    out.sort(key=lambda b: b.start)
    return out


def _body(tree: "Node", start: int, end: int, kind: str) -> Body:
    body = Body(tree, start, end, kind)
    _masks(tree, body)
    body.masks.sort()
    return body


def _masks(tree: "Node", body: Body) -> None:
    stack = [tree]
    while stack:
        node = stack.pop()
        kids = node.children
        for i, child in enumerate(kids):
            if child.end_byte <= body.start or child.start_byte >= body.end:
                continue
            t = child.type
            if t == "metavariable":
                raw = child.text
                body.masks.append((child.start_byte, child.end_byte, b"crate " if raw == b"$crate" else b"_" + raw[1:]))
                if raw != b"$crate" and _standalone(kids, i, i, body):
                    body.standalone.add(child.start_byte)
            elif t == "token_repetition":
                inner = child.children
                if len(inner) >= 3 and inner[0].type == "$" and inner[1].type == "(":
                    close = max(j for j, c in enumerate(inner) if c.type == ")")
                    body.masks.append((inner[0].start_byte, inner[1].end_byte, b" " * (inner[1].end_byte - inner[0].start_byte)))
                    body.masks.append((inner[close].start_byte, child.end_byte, b" " * (child.end_byte - inner[close].start_byte)))
                    stack.append(_Span(inner[2:close]))
                continue
            elif t == "#" and body.kind == "quote":
                _quote_interpolation(kids, i, body)
            if child.child_count:
                stack.append(child)


def _standalone(kids, first: int, last: int, body: Body) -> bool:
    """Does the interpolation ``kids[first..=last]`` stand where an item or statement goes: after the body's
    start, a `;`, a `{`, a `}` or another such interpolation, with nothing after it on its line?"""
    prev = kids[first - 1] if first > 0 else None
    if prev is not None and prev.start_byte >= body.start:
        ok = prev.type in (";", "{") or (prev.type == "token_tree" and prev.text.endswith(b"}")) or (
            prev.start_byte in body.standalone or (first >= 2 and kids[first - 2].start_byte in body.standalone))
        if not ok:
            return False
    nxt = kids[last + 1] if last + 1 < len(kids) else None
    return nxt is None or nxt.start_byte >= body.end or nxt.type == "}" or (
        nxt.start_point[0] > kids[last].end_point[0])


class _Span:
    """A run of sibling nodes walked like one node's children (the inside of a repetition)."""

    def __init__(self, nodes):
        self.children = nodes


def _quote_interpolation(kids, i: int, body: Body) -> None:
    nxt = kids[i + 1] if i + 1 < len(kids) else None
    if nxt is None:
        return
    hash_ = kids[i]
    if nxt.type == "identifier":  # `#name` (the whole interpolation is one mask: `_name`)
        gap = nxt.start_byte - hash_.start_byte
        body.masks.append((hash_.start_byte, nxt.end_byte, b"_" * gap + nxt.text))
        if _standalone(kids, i, i + 1, body):
            body.standalone.add(hash_.start_byte)
    elif nxt.type == "token_tree" and nxt.text[:1] == b"(":  # `#( … ) sep? *`
        j = i + 2
        if j < len(kids) and kids[j].type != "*" and j + 1 < len(kids) and kids[j + 1].type == "*":
            j += 1  # a separator
        if j >= len(kids) or kids[j].type != "*":
            return
        open_end = nxt.children[0].end_byte
        close = nxt.children[-1]
        body.masks.append((hash_.start_byte, open_end, b" " * (open_end - hash_.start_byte)))
        body.masks.append((close.start_byte, kids[j].end_byte, b" " * (kids[j].end_byte - close.start_byte)))


# ------------------------------------------------------------------ parsing


def bodies(root: "Node", data: bytes, scopes: FileScopes) -> list[Snippet]:
    """Every macro body of a tree as a snippet (parsed when it parses), nested bodies as children.

    The arguments of an expression macro (``assert_eq!``, ``format!``, …) are one when they can hold
    something to migrate (the Rust v3 check passes on them)."""
    hint = _HINT.search(data) is not None
    vocab = getattr(scopes.facts, "vocab", None)
    worth = None
    if vocab is not None and _ARGS_HINT.search(data) is not None:
        modules = _imported_interfaces(vocab, data)
        worth = lambda start, end: vocab.v3_text(data[start:end]) or (  # noqa: E731
            modules is not None and modules.search(data, start, end) is not None)
    if not hint and worth is None:
        return []
    out = []
    for body in find_bodies(root, worth):
        out.append(_snippet(body, data, scopes))
    return out


def _imported_interfaces(vocab, data: bytes) -> "re.Pattern[bytes] | None":
    """`types::` and the like, when the file imports a renamed v3 interface module by its plain name
    (`use …::rapidbyte::connector::types;`): a path through it in macro arguments is v3 code too."""
    plain = [name for name in vocab.interfaces if "_" not in name]
    if not plain or re.search(rb"connector\s*::\s*(?:\{[^}]*\b)?(?:" + b"|".join(n.encode() for n in plain) + rb")\b",
                              data) is None:
        return None
    return re.compile(rb"(?<![\w:])(?:" + b"|".join(re.escape(n.encode()) for n in plain) + rb")\s*::")


def _snippet(body: Body, data: bytes, scopes: FileScopes) -> Snippet:
    col = body.start - syntax.line_start(data, body.start)
    indent = b" " * col
    snippet = None
    variants = [body.masks]
    if body.standalone:  # `#item` on its own line: `;` + spaces is an empty item or statement
        variants.append([(s, e, b";" + b" " * (e - s - 1) if s in body.standalone else text) for s, e, text in body.masks])
    for masks in variants if body.kind != "options" else ():  # options are data: see _plan_options
        masked = bytearray(data[body.start : body.end])
        for s, e, text in masks:
            masked[s - body.start : e - body.start] = text
        for prefix, suffix in _WRAPPERS if body.kind != "args" else _ARG_WRAPPERS:
            head = prefix.encode() + (indent if not prefix or prefix.endswith("\n") else b"")
            candidate = head + bytes(masked) + suffix.encode()
            tree = syntax.parse(candidate)
            if not tree.root_node.has_error:
                snippet = Snippet(body, candidate, len(head), tree, syntax.index(tree.root_node))
                break
        if snippet is not None:
            break
    if snippet is None:
        return Snippet(body, b"", 0)
    snippet.masks = [
        (snippet.prefix + s - body.start, snippet.prefix + e - body.start, text.decode("utf-8"),
         data[s:e].decode("utf-8"))
        for s, e, text in masks
    ]
    snippet.scopes = SnippetScopes(snippet.tree.root_node, scopes, body.anchor)
    snippet.children = bodies(snippet.tree.root_node, snippet.data, snippet.scopes)
    return snippet


class SnippetScopes(FileScopes):
    """Scopes of a snippet; a name the snippet does not bind resolves where the macro is written."""

    def __init__(self, root: "Node", outer: FileScopes, anchor: "Node"):
        super().__init__(root, outer.module_path, outer.facts)
        self.outer = outer
        self.anchor = anchor

    def lookup_in(self, name: str, scope: Scope | None) -> "Target | None":
        found = super().lookup_in(name, scope)
        if found is not None or scope is None:
            return found
        top = scope
        while top.parent is not None:
            top = top.parent
        if top.node.start_byte == self.root.start_byte and top.node.end_byte == self.root.end_byte:
            return self.outer.lookup(name, self.anchor)
        return None


# ------------------------------------------------------------------ planning


class SnippetPlan(FilePlan):
    """The planning state of one snippet: findings go straight to the enclosing plan."""

    snippet: Snippet
    parent: FilePlan

    def finding(self, node, rule_id, message, manual_step="", severity=None) -> None:
        offset = node if isinstance(node, int) else node.start_byte
        if self.is_frozen(offset, offset) and rule_id != "RB001":
            return
        self.parent.finding(self.snippet.outer(offset), rule_id, unmask(self.snippet, message),
                            unmask(self.snippet, manual_step), severity)


def unmask(snippet: Snippet, text: str) -> str:
    """A message about masked code, with each masked interpolation spelled as written."""
    for _s, _e, masked, original in snippet.masks:
        if masked.startswith("_") and masked in text:
            text = re.sub(r"(?<![A-Za-z0-9_])" + re.escape(masked) + r"(?![A-Za-z0-9_])", original.replace("\\", "\\\\"),
                          text)
    return text


def plan_bodies(plan: FilePlan, snippets: list[Snippet], concerns: Callable[[FilePlan, list], None]) -> None:
    """Run ``concerns`` on each parsed snippet and take its edits and findings into ``plan``."""
    for snippet in snippets:
        if not snippet.parsed or plan.is_frozen(snippet.body.start, snippet.body.end):
            continue
        sp = SnippetPlan(
            data=snippet.data,
            root=snippet.tree.root_node,
            ctx=plan.ctx,
            vocab=plan.vocab,
            facts=plan.facts,
            scopes=snippet.scopes,
            captures=snippet.captures,
        )
        sp.snippet = snippet
        sp.parent = plan
        sp.separate_alias_uses = True  # `use $p::core_types as wit;` and `use $p::stream_types;`, one per line
        concerns(sp, snippet.children)
        _take_edits(plan, sp)
        plan.frozen.append((snippet.body.start, snippet.body.end))


def _take_edits(plan: FilePlan, sp: SnippetPlan) -> None:
    snippet = sp.snippet
    lo, hi = snippet.prefix, snippet.prefix + (snippet.body.end - snippet.body.start)
    for e in sp.store.edits:
        start, end = e.start, e.end
        if start == end and start < lo:
            start = end = lo  # an insertion before the body (a `use` line first in the snippet): the body's start
        if start < lo or end > hi:  # the wrapper's own bytes
            sp.finding(max(lo, min(hi, start)), e.rule_id, "inside a macro body, a rewrite reaches past the body",
                       "Apply this rule's change by hand.")
            continue
        replacement = _restore(snippet, start, end, e.replacement)
        if replacement is None:
            old = " ".join(plan.data[snippet.outer(start) : snippet.outer(end)].decode("utf-8", "replace").split())
            old = old if len(old) <= 60 else old[:59] + "…"
            sp.finding(
                start,
                e.rule_id,
                f"inside a macro body, rewriting `{old}` would change a macro variable or repetition",
                "Rewrite it by hand; the macro's variables (`$name`, `#name`) and repetitions are kept as written.",
            )
            continue
        outer_start, outer_end = snippet.outer(start), snippet.outer(end)
        if plan.store.edit(outer_start, outer_end, replacement, e.rule_id, e.applicability) and (e.start, e.end) in sp.prose:
            plan.prose.add((outer_start, outer_end))


def _restore(snippet: Snippet, start: int, end: int, replacement: str) -> str | None:
    """The replacement with masked text spelled as written; None when the edit would change masked bytes.

    Every mask inside the edit must be in the replacement (a copy of it too, e.g. the path prefix
    of a `use` line split in two, is spelled as written)."""
    inside = []
    for s, e, masked, original in snippet.masks:
        if e <= start or s >= end:
            if start == end and s < start < e:
                return None  # an insertion inside a mask
            continue
        if s < start or e > end or not (masked.startswith("_") or masked == "crate "):
            return None  # a mask cut by the edit, or one not findable again (a repetition's delimiters, a `;`)
        inside.append((masked, original))
    for masked, original in dict(inside).items():
        pattern = re.compile(r"(?<![A-Za-z0-9_$])" + re.escape(masked) + (r"(?![A-Za-z0-9_])" if masked[-1] != " " else ""))
        if pattern.search(replacement) is None:
            return None  # the masked bytes would not survive
        replacement = pattern.sub(lambda _m: original, replacement)
    return replacement


# ------------------------------------------------------------------ the token-level pass


def plan_unparsed(plan: FilePlan, snippets: list[Snippet]) -> None:
    """Bodies that parse in no way: binding-module paths where certain; every other v3 name reported."""
    v = plan.vocab
    for snippet in snippets:
        if snippet.parsed or plan.is_frozen(snippet.body.start, snippet.body.end):
            continue
        if snippet.body.kind == "options":
            continue
        tokens = _tokens(snippet.body.anchor, snippet.body)
        names = _reportable(v)
        for i, tok in enumerate(tokens):
            if tok.type != "identifier" or plan.claimed(tok):
                continue
            name = syntax.text(tok)
            if _binding_token(plan, tokens, i):
                continue
            entry = names.get(name)
            if entry is None:
                continue
            new, rule = entry
            plan.finding(
                tok,
                rule,
                f"`{name}` (v4: `{new}`) in a macro body that does not parse as Rust once its variables are masked",
                "Migrate this token by hand.",
            )


def _tokens(tree: "Node", body: Body) -> list["Node"]:
    out = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            if body.start <= node.start_byte and node.end_byte <= body.end:
                out.append(node)
            continue
        stack.extend(reversed(node.children))
    return out


def _reportable(v) -> dict[str, tuple[str, str]]:
    cached = getattr(v, "_macro_names", None)
    if cached is not None:
        return cached
    names: dict[str, tuple[str, str]] = {}
    for table in (v.method_renames, v.host_imports_renames, v.type_renames, v.guest_calls, v.accessors):
        for old, entry in table.items():
            if old in v.v3_idents:
                names.setdefault(old, entry)
    for old, (new, rule) in v.method_renames.items():
        names.setdefault(old + "_impl", (new + "_impl", v.impl_twins_rule))
    v._macro_names = names  # type: ignore[attr-defined]
    return names


def _binding_token(plan: FilePlan, tokens: list["Node"], i: int) -> bool:
    """``… rapidbyte :: connector :: <iface> [:: Item]`` in a token stream: the interface renamed when certain."""
    v = plan.vocab
    segs: list["Node"] = []
    j = i
    while j < len(tokens) and tokens[j].type == "identifier":
        segs.append(tokens[j])
        if j + 2 < len(tokens) and tokens[j + 1].type == "::":
            j += 2
            continue
        break
    texts = [syntax.text(s) for s in segs]
    split = binding_split(texts)
    if split is None or (i > 0 and tokens[i - 1].type == "::" and i > 1 and tokens[i - 2].type == "identifier"):
        return False
    k, _exports = split
    iface = texts[k]
    item = texts[k + 1] if k + 1 < len(texts) else None
    if iface in v.split:
        move = v.item_moves[iface].get(item) if item is not None else None
        if move is None:
            plan.finding(segs[k], "RB011", f"`{iface}` is split in v4 ({', '.join(sorted({o for *_, o in v.item_moves[iface].values()}))}); "
                         "this path in a macro body has no single owner", "Name the v4 module that owns the item.")
            return True
        rule, new, owner = move
        plan.edit(segs[k], owner, v.interfaces[iface][1])
        if new != item:
            plan.edit(segs[k + 1], new, rule)
        return True
    entry = v.interfaces.get(iface)
    if entry is not None:
        plan.edit(segs[k], entry[0], entry[1])
        if item is not None and iface == v.host:
            fn = v.method_renames.get(item) or v.type_renames.get(item)
            if fn is not None:
                plan.edit(segs[k + 1], fn[0], fn[1])
    return True


# ------------------------------------------------------------------ bindgen! / generate! options

_INTERFACE_KEY = re.compile(r"^rapidbyte:connector/([a-z][a-z0-9-]*)(?:/([a-z][a-z0-9-]*))?$")


def plan_options(plan: FilePlan, snippets: list[Snippet]) -> None:
    """``bindgen!`` / ``generate!`` options (before the strings concern, which would only list their WIT names)."""
    for snippet in snippets:
        if snippet.body.kind == "options" and not plan.is_frozen(snippet.body.start, snippet.body.end):
            _plan_options(plan, _tokens(snippet.body.anchor, snippet.body))


def _plan_options(plan: FilePlan, tokens: list["Node"]) -> None:
    """Strings of ``bindgen!`` / ``generate!`` options name WIT items: ``"emit-batch"`` (``trappable_imports``),
    ``"rapidbyte:connector/host"`` (``with``, ``imports``) are renamed; the world names and paths stay (v4 keeps the
    world names). A versioned package string is the strings concern's (it is rewritten anywhere)."""
    v = plan.vocab
    for tok in tokens:
        if tok.type != "string_content" or plan.claimed(tok):
            continue
        content = syntax.text(tok)
        literal = tok.parent if tok.parent is not None else tok
        if content in v.wit_functions and "-" in content:
            plan.edit(tok, *v.wit_functions[content])
            plan.frozen.append((literal.start_byte, literal.end_byte))  # done: not a mention to list
            continue
        m = _INTERFACE_KEY.match(content)
        if m is None or m.group(1) not in v.wit_interfaces:
            continue
        iface, func = m.group(1), m.group(2)
        if iface.replace("-", "_") in v.split:
            plan.finding(tok, v.interfaces[iface.replace("-", "_")][1],
                         f"`{content}` names the v3 `{iface}` interface, which v4 splits",
                         "Name each v4 interface (`core-types`, `stream-types`, `telemetry`) the option is for.")
            continue
        new, rule = v.wit_interfaces[iface]
        text_ = f"rapidbyte:connector/{new}" + (f"/{v.wit_functions.get(func, (func,))[0]}" if func else "")
        plan.edit(tok, text_, rule)
        plan.frozen.append((literal.start_byte, literal.end_byte))

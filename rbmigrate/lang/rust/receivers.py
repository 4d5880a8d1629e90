"""Receiver analysis: is this expression the SDK ``Context``, a ``HostImports`` or a runtime ``Host``?

A method is renamed only on a receiver proven to be one of these
(recipes §0.2): a parameter or ``let`` typed as the SDK ``Context`` (not
``std::task::Context``), a binding from ``ctx.with_stream(…)`` or
``ctx.clone()``, a struct field whose type is the SDK ``Context`` (a crate-wide
fact), ``self`` inside the SDK's own ``impl Context``, ``host_imports()``, or a
value whose type implements the generated ``Host`` trait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .syntax import field, named, path_segments, text
from .vocab import is_host_trait

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan

CONTEXT = "context"
HOST_IMPORTS = "host_imports"
HOST_TRAIT = "host"
_WRAPPERS = {"Rc", "Arc", "Box", "Option", "Result", "RefCell", "Cell", "Mutex"}
_PASS_THROUGH = {"clone", "as_ref", "as_mut", "borrow", "borrow_mut", "unwrap", "expect", "lock"}
_PATH_PARENTS = {"scoped_identifier", "scoped_type_identifier", "tuple_struct_pattern", "struct_pattern"}


def binds(pattern: "Node | None", name: str) -> bool:
    """Does a pattern introduce the binding ``name``?"""
    if pattern is None:
        return False
    stack = [pattern]
    while stack:
        node = stack.pop()
        t = node.type
        if t in ("identifier", "shorthand_field_identifier"):
            if text(node) == name:
                return True
            continue
        if t in ("scoped_identifier", "scoped_type_identifier", "type_identifier", "field_identifier"):
            continue
        skip = None
        if t in _PATH_PARENTS:
            skip = field(node, "type")
        elif t == "field_pattern" and field(node, "pattern") is not None:
            skip = field(node, "name")
        stack.extend(c for c in node.named_children if c != skip)
    return False


def find_decl(ident: "Node") -> tuple[str, "Node"] | None:
    """The declaration a local name refers to: ``("param" | "let" | "closure" | "opaque", node)``."""
    name = text(ident)
    node = ident
    parent = node.parent
    while parent is not None:
        t = parent.type
        if t == "block":
            for stmt in reversed(parent.named_children):
                if stmt.end_byte > node.start_byte:
                    continue
                if stmt.type == "let_declaration" and binds(field(stmt, "pattern"), name):
                    return "let", stmt
        elif t == "function_item":
            params = field(parent, "parameters")
            for p in named(params) if params is not None else ():
                if p.type == "parameter" and binds(field(p, "pattern"), name):
                    return "param", p
                if p.type == "self_parameter" and name == "self":
                    return "self", p
            return None
        elif t == "closure_expression":
            params = field(parent, "parameters")
            if params is not None and node != params:
                for p in named(params):
                    if p.type == "parameter" and binds(field(p, "pattern"), name):
                        return "param", p
                    if p.type != "parameter" and binds(p, name):
                        return "opaque", p
        elif t == "match_arm":
            pat = field(parent, "pattern")
            if node != pat and binds(pat, name):
                return "opaque", pat
        elif t in ("if_expression", "while_expression"):
            cond = field(parent, "condition")
            if cond is not None and node != cond and cond.type in ("let_condition", "let_chain"):
                lets = [cond] if cond.type == "let_condition" else [c for c in named(cond) if c.type == "let_condition"]
                if any(binds(field(c, "pattern"), name) for c in lets):
                    return "opaque", cond
        elif t == "for_expression":
            pat = field(parent, "pattern")
            if node == field(parent, "body") and binds(pat, name):
                return "opaque", pat
        elif t in ("source_file", "declaration_list", "impl_item", "trait_item"):
            return None
        node = parent
        parent = node.parent
    return None


def in_outer(plan: "FilePlan", node: "Node") -> "tuple[FilePlan, Node] | None":
    """In a macro body (a ``macrobody.SnippetPlan``): the enclosing plan and the same token where the macro
    is written, for a name the body does not declare itself (None outside a macro body, or when the token
    was masked, such as a ``$metavariable``)."""
    outer = getattr(plan, "parent", None)
    if outer is None:
        return None
    snippet = plan.snippet
    start, end = snippet.outer(node.start_byte), snippet.outer(node.end_byte)
    found = outer.root.descendant_for_byte_range(start, end)
    if found is None or found.type != node.type or found.text != node.text:
        return None
    return outer, found


class Receivers:
    def __init__(self, plan: "FilePlan"):
        self.plan = plan
        self.scopes = plan.scopes
        self.facts = plan.facts
        self._cache: dict[tuple[int, int, str], str | None] = {}
        self._depth = 0
        # a macro body (macrobody.SnippetPlan): names it does not declare are the enclosing code's
        self.outer = getattr(plan, "parent", None)

    # ----------------------------------------------------------------- types

    def type_kind(self, node: "Node | None") -> str | None:
        if node is None:
            return None
        t = node.type
        if t in ("reference_type", "pointer_type"):
            return self.type_kind(field(node, "type"))
        if t in ("dynamic_type", "abstract_type"):
            return self.trait_kind(field(node, "trait") or (named(node)[0] if named(node) else None))
        if t == "generic_type":
            base = field(node, "type")
            if base is not None and text(base).split("::")[-1] in _WRAPPERS:
                args = field(node, "type_arguments")
                first = named(args)[0] if args is not None and named(args) else None
                return self.type_kind(first)
            return self.type_kind(base)
        if t in ("type_identifier", "scoped_type_identifier"):
            name = text(node)
            if t == "type_identifier":
                bound = self._generic_bound(node, name)
                if bound is not None:
                    return bound
                if name == "Self":
                    impl = self._enclosing_impl(node)
                    return self.type_kind(field(impl, "type")) if impl is not None else None
            target = self.scopes.resolve(node)
            if target is None:
                return None
            if target.is_sdk("Context"):
                return CONTEXT
            if target.kind == "local" and target.name in self.facts.host_impl_types:
                return HOST_TRAIT
            return None
        if t == "function_type":
            return self.type_kind(field(node, "return_type"))
        return None

    def trait_kind(self, node: "Node | None") -> str | None:
        if node is None:
            return None
        if node.type == "generic_type":
            node = field(node, "type")
        if node is None or node.type not in ("type_identifier", "scoped_type_identifier"):
            return None
        target = self.scopes.resolve(node)
        if target is None:
            return None
        if target.is_sdk("HostImports"):
            return HOST_IMPORTS
        if target.kind == "binding" and is_host_trait(self.plan.vocab, target.path):
            return HOST_TRAIT
        return None

    def _generic_bound(self, node: "Node", name: str) -> str | None:
        """Kind of a generic parameter ``name`` from its bounds (``H: Host``, ``where H: Host``)."""
        cur = node.parent
        while cur is not None:
            if cur.type in ("function_item", "impl_item", "struct_item", "trait_item"):
                params = field(cur, "type_parameters")
                for p in named(params) if params is not None else ():
                    pname = field(p, "name")
                    if p.type in ("type_parameter", "constrained_type_parameter") and pname is not None and text(pname) == name:
                        bounds = field(p, "bounds")
                        for b in named(bounds) if bounds is not None else ():
                            kind = self.trait_kind(b)
                            if kind is not None:
                                return kind
                        return None
                for w in cur.named_children:
                    if w.type == "where_clause":
                        for pred in named(w):
                            left = field(pred, "left")
                            if left is not None and text(left) == name:
                                for b in named(field(pred, "bounds") or pred):
                                    kind = self.trait_kind(b)
                                    if kind is not None:
                                        return kind
            cur = cur.parent
        return None

    @staticmethod
    def _enclosing_impl(node: "Node") -> "Node | None":
        cur = node.parent
        while cur is not None:
            if cur.type == "impl_item":
                return cur
            cur = cur.parent
        return None

    def impl_kind(self, impl: "Node") -> str | None:
        """What ``self`` is inside an impl block."""
        trait = field(impl, "trait")
        if trait is not None:
            kind = self.trait_kind(trait)
            if kind is not None:
                return kind
        ty = field(impl, "type")
        if ty is None:
            return None
        return self.type_kind(ty)

    # ----------------------------------------------------------- expressions

    def _outer_kind(self, expr: "Node") -> str | None:
        """In a macro body: the kind of the same token where the macro is written (``assert!(host.x())``)."""
        found = in_outer(self.plan, expr)
        if found is None or getattr(found[0], "receivers", None) is None:
            return None
        return found[0].receivers.kind(found[1])

    def kind(self, expr: "Node | None") -> str | None:
        if expr is None:
            return None
        key = (expr.start_byte, expr.end_byte, expr.type)
        if key in self._cache:
            return self._cache[key]
        if self._depth > 24:
            return None
        self._depth += 1
        self._cache[key] = None  # cycle guard
        try:
            result = self._kind(expr)
        finally:
            self._depth -= 1
        self._cache[key] = result
        return result

    def _kind(self, expr: "Node") -> str | None:
        t = expr.type
        if t == "identifier":
            decl = find_decl(expr)
            if decl is None:
                return self._outer_kind(expr)
            how, node = decl
            if how == "param":
                return self.type_kind(field(node, "type"))
            if how == "let":
                ty = field(node, "type")
                if ty is not None:
                    return self.type_kind(ty)
                pattern = field(node, "pattern")
                if pattern is None or pattern.type not in ("identifier", "mut_pattern"):
                    return None
                return self.kind(field(node, "value"))
            return None
        if t == "self":
            impl = self._enclosing_impl(expr)
            return self.impl_kind(impl) if impl is not None else self._outer_kind(expr)
        if t == "field_expression":
            name = field(expr, "field")
            if name is not None and name.type == "field_identifier" and self.facts.context_field(text(name)):
                return CONTEXT
            return None
        if t in ("reference_expression", "parenthesized_expression", "unary_expression", "try_expression"):
            inner = field(expr, "value") or (named(expr)[0] if named(expr) else None)
            if t == "unary_expression":
                inner = named(expr)[-1] if named(expr) else None
            return self.kind(inner)
        if t == "call_expression":
            fn = field(expr, "function")
            if fn is None:
                return None
            if fn.type == "field_expression":
                method = field(fn, "field")
                m = text(method) if method is not None else ""
                recv = self.kind(field(fn, "value"))
                if m == "with_stream" and recv == CONTEXT:
                    return CONTEXT
                if m in _PASS_THROUGH:
                    return recv
                return None
            if fn.type == "generic_function":
                fn = field(fn, "function") or fn
            segs = path_segments(fn)
            if not segs:
                return None
            if fn.type == "identifier":
                decl = find_decl(fn)
                if decl is not None and decl[0] == "param":
                    return self.type_kind(field(decl[1], "type"))
            target = self.scopes.resolve(fn)
            if target is not None and target.is_sdk("host_imports"):
                return HOST_IMPORTS
            if len(segs) >= 2 and text(segs[-1]) in ("new", "default", "from"):
                owner = segs[-2]
                fake = owner if owner.type == "identifier" else None
                if fake is not None:
                    t2 = self.scopes.lookup(text(fake), fake)
                    if t2 is not None and t2.is_sdk("Context"):
                        return CONTEXT
                    if t2 is not None and t2.kind == "local" and t2.name in self.facts.host_impl_types:
                        return HOST_TRAIT
            return None
        if t == "struct_expression":
            name = field(expr, "name")
            return self.type_kind(name) if name is not None else None
        return None

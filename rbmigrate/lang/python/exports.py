"""Export classes → ``Source`` / ``Destination`` / ``Transform`` (RB503, RB301–RB308, RB906).

``open`` returns ``(session, OpenInfo)`` built from the connector's manifest,
``validate`` and ``close`` take the session, the v3 ``discover`` / ``run_*``
bodies move unchanged into ``_discover_catalog`` / ``_read_stream`` / … and a
new ``run`` dispatches on ``request.phase`` to them, answering any other phase
with the canonical ``UNSUPPORTED_PHASE`` error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import libcst as cst

from ...ruletable import snake
from . import tables
from .context import MigrationContext
from .imports import ImportPlanner
from .names import ExportClass
from .resolve import Ref
from .syntax import returns_of

RULE = "RB503"
RUN_SUMMARY_RULE = "RB307"
UNSUPPORTED_RULE = "RB308"


@dataclass
class MovedMethod:
    node: cst.FunctionDef
    function: str  # v3 WIT name (run-read)
    phase: str  # v4 run-phase case (read)
    helper: str  # _read_stream
    rule_id: str
    param: cst.Param | None = None  # the ctx_json parameter of run_*


@dataclass
class ExportPlan:
    cls: cst.ClassDef
    export: ExportClass
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)  # v3 function (WIT) -> def
    moved: list[MovedMethod] = field(default_factory=list)
    annotated: bool = False


class ExportTransform:
    def __init__(self, ctx: MigrationContext, planner: ImportPlanner):
        self.ctx = ctx
        self.planner = planner
        ctx.shared["moved"] = {}

    def run(self, refs: list[Ref]) -> None:
        ctx = self.ctx
        for ref in refs:
            if ref.package != "wit_world.exports" or ref.item not in ctx.names.exports:
                continue
            export = ctx.names.exports[ref.item]
            arg = ctx.parent(ref.node)
            cls = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(cls, cst.ClassDef) and arg in cls.bases:
                self.reshape(ref, cls, export)
            else:
                self.rename(ref, export)

    def rename(self, ref: Ref, export: ExportClass) -> None:
        """``exports.SourceConnector`` → ``exports.Source``; a from-import is renamed with its uses."""
        ctx = self.ctx
        if ref.style == "attr":
            ctx.replace(ref.node, RULE, lambda u: u.with_changes(attr=cst.Name(export.v4)))
            return
        binding = ref.binding
        if binding is None or binding.alias is None:
            return
        if not binding.has_alias:
            ctx.replace_with(ref.node, RULE, cst.Name(export.v4))
        renamed = ctx.shared.setdefault("renamed_export_imports", set())
        if binding.alias not in renamed:
            renamed.add(binding.alias)
            ctx.replace_with(binding.alias.name, RULE, cst.Name(export.v4))

    # --- checks -------------------------------------------------------------------------

    def _plan(self, cls: cst.ClassDef, export: ExportClass) -> ExportPlan | str:
        ctx = self.ctx
        plan = ExportPlan(cls, export)
        if not isinstance(cls.body, cst.IndentedBlock):
            return "the class body is on one line"
        defined = {}
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef):
                defined[stmt.name.value] = stmt
                plan.annotated |= stmt.returns is not None
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Assign, cst.AnnAssign)):
                        targets = small.targets if isinstance(small, cst.Assign) else [small]
                        for t in targets:
                            if isinstance(t.target, cst.Name):
                                defined[t.target.value] = t
        for function in export.functions:
            if snake(function) in defined and isinstance(defined[snake(function)], cst.FunctionDef):
                plan.methods[function] = defined[snake(function)]
        moved_bodies = ctx.names.moved_bodies
        taken = [name for name in ["run", *(moved_bodies[f][1] for f in plan.methods if f in moved_bodies)]
                 if name in defined]
        if taken:
            return f"the class already defines {', '.join(f'`{n}`' for n in taken)}"
        for function, fdef in plan.methods.items():
            if function in moved_bodies:
                phase, helper = moved_bodies[function]
                rule = ctx.names.function_rule(export.v3_interface, function) or RULE
                params = fdef.params
                if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg:
                    return f"`{fdef.name.value}` has a signature the v3 protocol does not define"
                positional = list(params.posonly_params) + list(params.params)
                want = 1 if function == "discover" else 2
                if len(positional) != want:
                    return f"`{fdef.name.value}` does not take {want - 1} argument(s) besides `self`"
                plan.moved.append(MovedMethod(fdef, function, phase, helper, rule,
                                              positional[1] if want == 2 else None))
        for moved in plan.moved:
            if moved.param is not None and _mentions(moved.node, "request"):
                return f"`{moved.node.name.value}` already uses the name `request`, which the moved body receives"
        for function in ("validate", "close", "open"):
            fdef = plan.methods.get(function)
            if fdef is not None and len(list(fdef.params.params)) != (2 if function == "open" else 1):
                return f"`{function}` does not have the v3 signature"
        return plan

    def reshape(self, ref: Ref, cls: cst.ClassDef, export: ExportClass) -> None:
        ctx = self.ctx
        manifest = ctx.fctx.unit.manifest or {}
        problem = None
        if not manifest.get("id") or not manifest.get("role"):
            problem = ("the connector has no manifest.json with `id` and `role`",
                       "Add manifest.json (id, role, capabilities) beside the connector, then run `rbmigrate apply` again.")
        elif manifest.get("role") != export.role:
            problem = (f"manifest.json says role {manifest.get('role')!r} but the class exports `{export.v3_interface}`",
                       "Fix the manifest role or the export class.")
        if problem:
            ctx.finding(cls.name, RULE, f"`{cls.name.value}` cannot be migrated: {problem[0]}", problem[1])
            return
        plan = self._plan(cls, export)
        if isinstance(plan, str):
            ctx.finding(cls.name, "RB906", f"`{cls.name.value}` cannot be reshaped: {plan}",
                        "Rename the conflicting item (or restore the v3 signature), then run `rbmigrate apply` again.")
            return
        scope = ctx.scope(cls)
        clash = [a for a in scope[export.v4]] if scope is not None else []
        if clash:
            ctx.finding(cls.name, RULE, f"the module already binds `{export.v4}`",
                        f"Rename the existing `{export.v4}`, then run `rbmigrate apply` again.")
            return
        ctx.replace_with(cls.name, RULE, cst.Name(export.v4))
        self.rename(ref, export)
        for moved in plan.moved:
            ctx.shared["moved"][moved.node] = moved
        self._open(plan)
        for function in ("validate", "close"):
            if function in plan.methods:
                self._add_session(plan, plan.methods[function], function)
        for moved in plan.moved:
            self._move(plan, moved)
        if plan.moved:
            self._insert_run(plan)

    # --- methods ------------------------------------------------------------------------

    def _ref(self, wit_type: str) -> str:
        module, name = self.ctx.names.type_ref(wit_type)
        return self.ctx.code(self.planner.item_ref(module, name))

    def _member(self, enum: str, case: str) -> str:
        return self.ctx.code(self.planner.member(self.ctx.names.member(enum, case)))

    def _open_info(self, indent: str) -> str:
        ctx = self.ctx
        manifest = ctx.fctx.unit.manifest
        unit = ctx.indent
        nl = ctx.newline
        values = {
            "connector_id": json.dumps(manifest["id"]),
            "role": self._member("connector-role", manifest["role"]),
            "protocol_version": json.dumps(tables.PROTOCOL_VERSION),
            "capabilities": "[" + ", ".join(json.dumps(c) for c in manifest.get("capabilities") or []) + "]",
        }
        limits_fields = ctx.names.record_fields("stream-limits")
        if set(limits_fields) != set(tables.DEFAULT_LIMITS):
            raise AssertionError("tables.DEFAULT_LIMITS does not match stream-limits")
        limits = (f"{self._ref('stream-limits')}({nl}"
                  + "".join(f"{indent}{unit}{unit}{f}={tables.DEFAULT_LIMITS[f]},{nl}" for f in limits_fields)
                  + f"{indent}{unit})")
        values["default_limits"] = limits
        fields = ctx.names.record_fields("open-info")
        body = "".join(f"{indent}{unit}{f}={values[f]},{nl}" for f in fields)
        return f"return ({tables.SESSION}, {self._ref('open-info')}({nl}{body}{indent}))"

    def _open(self, plan: ExportPlan) -> None:
        ctx = self.ctx
        fdef = plan.methods.get("open")
        if fdef is None:
            return
        rule = ctx.names.function_rule(plan.export.v3_interface, "open") or RULE
        if fdef.returns is not None:
            info = self.planner.item_ref(*ctx.names.type_ref("open-info"))
            ann = cst.parse_expression(f"tuple[int, {ctx.code(info)}]")
            ctx.replace(fdef.returns.annotation, rule, lambda _u: ann)
        if not isinstance(fdef.body, cst.IndentedBlock):
            ctx.finding(fdef, rule, "`open` is written on one line", "Return `(session, OpenInfo(...))` by hand.")
            return
        for ret in returns_of(fdef)[0]:
            if ret.value is None or (isinstance(ret.value, cst.Name) and ret.value.value == "None"):
                ctx.text_edits[ret] = (self._open_info(ctx.line_indent(ret)), rule)
            else:
                ctx.finding(ret, rule, "`open` returns a value in v3", "Return `(session, OpenInfo(...))` by hand.")
        last = fdef.body.body[-1]
        if _ends_flow(last):
            return
        indent = ctx.line_indent(last)
        end = ctx.span(last)[1]
        nl_at = ctx.data.find(b"\n", end)
        if nl_at < 0:
            ctx.insert(len(ctx.data), ctx.newline + indent + self._open_info(indent), rule)
        else:
            ctx.insert(nl_at + 1, indent + self._open_info(indent) + ctx.newline, rule)

    def _add_session(self, plan: ExportPlan, fdef: cst.FunctionDef, function: str) -> None:
        ctx = self.ctx
        rule = ctx.names.function_rule(plan.export.v3_interface, function) or RULE
        annotation = cst.Annotation(cst.Name("int")) if fdef.returns is not None else None
        session = cst.Param(cst.Name("session"), annotation=annotation)

        def build(u: cst.Parameters) -> cst.Parameters:
            params = list(u.params)
            params[-1] = params[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            return u.with_changes(params=[*params, session])

        ctx.replace(fdef.params, rule, build)

    def _move(self, plan: ExportPlan, moved: MovedMethod) -> None:
        ctx = self.ctx
        fdef = moved.node
        ctx.replace_with(fdef.name, moved.rule_id, cst.Name(moved.helper))
        if moved.param is not None:
            param = moved.param
            ctx.replace_with(param.name, moved.rule_id, cst.Name("request"))
            if param.annotation is not None:
                request = self.planner.item_ref(*ctx.names.type_ref("run-request"))
                ctx.replace_with(param.annotation.annotation, moved.rule_id, request)

    def _insert_run(self, plan: ExportPlan) -> None:
        ctx = self.ctx
        first = min((m.node for m in plan.moved), key=lambda n: ctx.span(n)[0])
        indent = ctx.line_indent(first)
        u, nl = ctx.indent, ctx.newline
        role = plan.export.role
        summary_fields = ctx.names.record_fields("run-summary")
        lines = []
        if plan.annotated:
            lines.append(f"{indent}def run(self, session: int, request: {self._ref('run-request')}) -> {self._ref('run-summary')}:")
        else:
            lines.append(f"{indent}def run(self, session, request):")
        for moved in sorted(plan.moved, key=lambda m: list(ctx.names.moved_bodies).index(m.function)):
            lines.append(f"{indent}{u}if request.phase == {self._member('run-phase', moved.phase)}:")
            if moved.phase == "discover":
                record, field_name = tables.DISCOVER_SUMMARY
                value = f"{self._ref(record)}({snake(field_name)}=self.{moved.helper}())"
            else:
                value = f"self.{moved.helper}(request)"
            lines.append(f"{indent}{u}{u}return {self._ref('run-summary')}(")
            for f in summary_fields:
                if f == "role":
                    v = self._member("connector-role", role)
                elif f == moved.phase:
                    v = value
                else:
                    v = "None"
                lines.append(f"{indent}{u}{u}{u}{f}={v},")
            lines.append(f"{indent}{u}{u})")
        dispatch, lines = lines, []
        err = ctx.code(self.planner.stdlib("componentize_py_types", "Err"))
        spec = tables.UNSUPPORTED_PHASE
        values = {
            "category": self._member("error-category", spec["category"]),
            "scope": self._member("error-scope", spec["scope"]),
            "code": json.dumps(spec["code"]),
            "message": f'"{role} does not serve phase " + request.phase.name.lower()',
            "retryable": "False",
            "retry_after_ms": "None",
            "backoff_class": self._member("backoff-class", spec["backoff_class"]),
            "safe_to_retry": "False",
            "commit_state": "None",
            "details": "None",
        }
        fields = ctx.names.record_fields("connector-error")
        if set(fields) != set(values):
            raise AssertionError("UNSUPPORTED_PHASE does not fill connector-error")
        lines.append(f"{indent}{u}raise {err}({self._ref('connector-error')}(")
        lines += [f"{indent}{u}{u}{f}={values[f]}," for f in fields]
        lines.append(f"{indent}{u}))")
        offset = _start_of_leading_comments(ctx, first)
        # two insertions at one offset (kept in order): the dispatch with its run-summary, then the error
        ctx.insert(offset, nl.join(dispatch) + nl, RUN_SUMMARY_RULE)
        ctx.insert(offset, nl.join(lines) + nl + nl, UNSUPPORTED_RULE)


def _ends_flow(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[-1], (cst.Return, cst.Raise))


def _start_of_leading_comments(ctx: MigrationContext, fdef: cst.FunctionDef) -> int:
    """Line start of a definition, including its decorators and the comment lines right above it."""
    node = fdef.decorators[0] if fdef.decorators else fdef
    start = ctx.span(node)[0]
    line_start = ctx.data.rfind(b"\n", 0, start) + 1
    comments = 0
    for empty in reversed(fdef.leading_lines):
        if empty.comment is None:
            break
        comments += 1
    for _ in range(comments):
        line_start = ctx.data.rfind(b"\n", 0, line_start - 1) + 1
    return line_start


def _mentions(node: cst.CSTNode, name: str) -> bool:
    found = []

    class Visitor(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                found.append(node)

    node.body.visit(Visitor())
    return bool(found)

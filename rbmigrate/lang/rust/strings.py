"""String literals: WIT names used as WIT names, templates, manifests, and the findings strings lead to.

- ``"rapidbyte:connector/host@3.0.0"`` (anywhere) → ``"rapidbyte:connector/host-io@4.0.0"`` (RB001);
- a literal that is exactly a v3 WIT function name, passed to a linker call
  (``add_func("emit-batch", …)``), is renamed; elsewhere it is listed (RB904);
- v3 code inside a string template (``format!(r#"…"#)``) is reported (RB903);
- any other literal naming a v3 item (``"emit_batch failed"``) is listed (RB904, info);
- ``ManifestBuilder::….protocol_version("2")`` in ``build.rs`` → ``"4"`` (RB601);
- hand-built v3 JSON payloads (RB901) and ``ctx_json`` parsing (RB902) are reported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .syntax import enclosing, field, named, text

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from .plan import FilePlan
    from .vocab import Vocab

LINKER_METHODS = {
    "add_func", "func", "func_wrap", "func_new", "func_wrap_async", "func_new_async", "get_func",
    "get_typed_func", "typed_func", "get_export", "call_export", "export",
}
_PACKAGE = re.compile(r"rapidbyte:connector(?:/(%?[a-z][a-z0-9-]*))?@3\.0\.0(?:#([a-z][a-z0-9-]*))?")
_CODE_HINT = re.compile(r"[{}();]|::|\bfn\b")
PAYLOAD_KEYS = ("records_processed", "bytes_processed", "cursor_value")
ENVELOPE_KEYS = ("connector_id", "payload")
METRIC_TYPES = ("counter", "gauge", "histogram")


def rewrite_package_strings(v: "Vocab", s: str) -> list[tuple[int, int, str, str]]:
    """Replacements of ``rapidbyte:connector/<iface>@3.0.0[#func]`` inside a text."""
    out = []
    for m in _PACKAGE.finditer(s):
        iface, func = m.group(1), m.group(2)
        if iface is None:
            out.append((m.start(), m.end(), "rapidbyte:connector@4.0.0", "RB001"))
            continue
        rule = "RB001"
        if iface in v.wit_interfaces:
            new_iface, rule = v.wit_interfaces[iface]
            if iface.replace("-", "_") in v.split:
                continue  # split interface: no single v4 owner (reported by the caller)
        else:
            new_iface = iface  # a world name
        new = f"rapidbyte:connector/{new_iface}@4.0.0"
        if func is not None:
            new += "#" + v.wit_functions.get(func, (func,))[0]
        out.append((m.start(), m.end(), new, rule))
    return out


def _content(node: "Node") -> tuple[int, str]:
    """(byte offset of the content, content text) of a string literal."""
    raw = node.text
    if node.type == "raw_string_literal":
        i = raw.index(b'"') + 1
        hashes = raw[: i - 1].count(b"#")
        end = len(raw) - 1 - hashes
        return node.start_byte + i, raw[i:end].decode("utf-8", "replace")
    start = raw.index(b'"') + 1
    return node.start_byte + start, raw[start:-1].decode("utf-8", "replace")


def _linker_arg(node: "Node") -> bool:
    args = node.parent
    if args is None or args.type != "arguments":
        return False
    call = args.parent
    fn = field(call, "function") if call is not None else None
    if fn is None or fn.type != "field_expression":
        return False
    method = field(fn, "field")
    return method is not None and text(method) in LINKER_METHODS


def _code_patterns(v: "Vocab") -> re.Pattern:
    cached = getattr(v, "_code_pattern", None)
    if cached is not None:
        return cached
    names = set(v.method_renames) | set(v.guest_calls)
    calls = r"\.(?:" + "|".join(sorted(map(re.escape, names))) + r")\s*\("
    types = r"\b(?:" + "|".join(sorted(map(re.escape, v.type_renames))) + r")\b"
    variants = r"\b(?:" + "|".join(sorted(f"{re.escape(o)}::{re.escape(x)}" for o, x in v.variant_renames)) + r")\b"
    ifaces = r"\bconnector::(?:" + "|".join(sorted(map(re.escape, v.interfaces))) + r")\b"
    roles = r"\bfn\s+(?:init|run_read|run_write|run_transform)\s*\("
    version = r"\.protocol_version\(\s*\\?\"[23]\\?\"\s*\)"
    pattern = re.compile("|".join((calls, types, variants, ifaces, roles, version)))
    v._code_pattern = pattern  # type: ignore[attr-defined]
    return pattern


def _mention_pattern(v: "Vocab") -> re.Pattern:
    cached = getattr(v, "_mention_pattern", None)
    if cached is not None:
        return cached
    words = sorted(v.v3_idents, key=len, reverse=True)
    kebab = sorted((w for w in (*v.wit_functions, *v.wit_interfaces) if "-" in w), key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(map(re.escape, [*words, *kebab])) + r")(?![\w-])"
    )
    v._mention_pattern = pattern  # type: ignore[attr-defined]
    return pattern


def plan_strings(plan: "FilePlan") -> None:
    v = plan.vocab
    code = _code_patterns(v)
    mention = _mention_pattern(v)
    reported_macros: set[tuple[int, int]] = set()
    for node in plan.captures.get("string", ()):
        if plan.is_frozen(node.start_byte, node.end_byte):
            continue
        offset, content = _content(node)
        if len(content) < 3:
            continue
        # 1. package strings
        rewrites = rewrite_package_strings(v, content) if "rapidbyte:connector" in content else []
        for s, e, new, rule in rewrites:
            bs = offset + len(content[:s].encode("utf-8"))
            be = offset + len(content[:e].encode("utf-8"))
            plan.edit((bs, be), new, rule, code=False)
        if "rapidbyte:connector/types@3.0.0" in content:
            plan.finding(
                node,
                "RB011",
                "`rapidbyte:connector/types@3.0.0` has no single v4 owner (split into core-types, stream-types, "
                "telemetry)",
                "Name the v4 interface that owns the item this string refers to.",
            )
        # 2. an exact WIT function name
        if content in v.wit_functions and node.type == "string_literal":
            new, rule = v.wit_functions[content]
            if _linker_arg(node):
                plan.edit((offset, offset + len(content.encode("utf-8"))), new, rule, code=False)
                continue
            if "-" in content:
                _info(plan, node, content)
            continue
        # 3. code in a template
        if code.search(content) and (_CODE_HINT.search(content) or "\n" in content):
            macro = enclosing(node, "macro_invocation")
            anchor = macro if macro is not None else node
            key = (anchor.start_byte, anchor.end_byte)
            if key not in reported_macros:
                reported_macros.add(key)
                plan.finding(
                    anchor,
                    "RB903",
                    "v3 code inside a string template: "
                    + ", ".join(sorted({m.group(0).strip(".( ") for m in code.finditer(content)})[:6]),
                    "Update the template's code to v4 by hand (it is compiled elsewhere), then regenerate what "
                    "uses it.",
                )
            continue
        # 4. other mentions
        if not rewrites and mention.search(content):
            _info(plan, node, content)
    _build_script(plan)
    _protocol_constants(plan)
    _payload_findings(plan)
    _v3_decoders(plan)


def _info(plan: "FilePlan", node: "Node", content: str) -> None:
    shown = content if len(content) <= 60 else content[:57] + "..."
    plan.finding(
        node,
        "RB904",
        f"string mentions a v3 name: {shown!r}",
        "Left as it is (log text, messages); update it by hand if it should say the v4 name.",
    )


# ------------------------------------------------------------ manifests


def _build_script(plan: "FilePlan") -> None:
    """``ManifestBuilder::…(…).protocol_version("2")`` → ``"4"``."""
    if b"protocol_version" not in plan.data:
        return
    builder = b"ManifestBuilder" in plan.data and any(
        text(n) == "ManifestBuilder" and plan.scopes.is_sdk(n, "ManifestBuilder")
        for n in (*plan.captures.get("type", ()), *plan.captures.get("ident", ()))
        if n.text == b"ManifestBuilder"
        if n.parent is None or n.parent.type not in ("scoped_identifier", "scoped_type_identifier") or field(n.parent, "name") != n
    )
    if not builder and not plan.facts.is_sdk:
        return
    for call in plan.captures.get("call", ()):
        fn = field(call, "function")
        if fn is None or fn.type != "field_expression":
            continue
        method = field(fn, "field")
        if method is None or text(method) != "protocol_version":
            continue
        args = field(call, "arguments")
        items = named(args) if args is not None else []
        if len(items) == 1 and items[0].type == "string_literal":
            offset, content = _content(items[0])
            if content in ("2", "3"):
                plan.edit((offset, offset + len(content)), "4", "RB601")


def _protocol_constants(plan: "FilePlan") -> None:
    """SDK constants and enum serialisations that spell the v3 protocol version."""
    for const in plan.captures.get("const", ()) if plan.facts.is_sdk else ():
        name = field(const, "name")
        value = field(const, "value")
        if name is None or value is None or "PROTOCOL_VERSION" not in text(name) or value.type != "string_literal":
            continue
        offset, content = _content(value)
        if content in ("2", "3"):
            plan.edit((offset, offset + len(content)), "4", "RB601")
    renamed = {(o, x) for (o, x), (new, _) in plan.vocab.variant_renames.items() if o == "ProtocolVersion"}
    current = {(o, new) for (o, x), (new, _) in plan.vocab.variant_renames.items() if o == "ProtocolVersion"}
    parsed_four: set[tuple[int, int]] = set()  # the matches whose parsing arm now reads `"4"`
    for path in plan.captures.get("path", ()):
        name = field(path, "name")
        owner = field(path, "path")
        if name is None or owner is None or (text(owner), text(name)) not in renamed | current:
            continue
        arm = enclosing(path, "match_arm")
        if arm is None:
            continue
        value = field(arm, "value")
        pattern = field(arm, "pattern")
        in_pattern = pattern is not None and pattern.start_byte <= path.start_byte < pattern.end_byte
        if in_pattern and (text(owner), text(name)) in renamed and value is not None and value.type == "string_literal":
            offset, content = _content(value)
            if content in ("2", "3"):
                plan.edit((offset, offset + len(content)), "4", "RB405")
        if in_pattern:
            continue
        # the other way round: `"2" | "3" => Ok(ProtocolVersion::V2)` parses the v3 spellings
        strings = [n for n in _walk(pattern) if n.type == "string_literal"] if pattern is not None else []
        if not any(_content(n)[1] in ("2", "3") for n in strings):
            continue
        block = arm.parent
        key = (block.start_byte, block.end_byte) if block is not None else (arm.start_byte, arm.end_byte)
        if _only_v3_strings(pattern, strings) and not _matches_elsewhere(arm, "4") and key not in parsed_four:
            parsed_four.add(key)  # one `"4"` arm per match: a second v3 arm is reported
            plan.edit((pattern.start_byte, pattern.end_byte), '"4"', "RB405")
            continue
        plan.finding(pattern, "RB405", "this match still turns the v3 protocol strings into a version",
                     'v4 speaks only "4": match `"4"`, and keep `"2"`/`"3"` only where v3 data is read on purpose.')


def _only_v3_strings(pattern: "Node", strings: list["Node"]) -> bool:
    """`"2"`, `"3"` or `"2" | "3"`: a pattern made of v3 version strings and nothing else."""
    if any(_content(n)[1] not in ("2", "3") for n in strings):
        return False
    rest = [n for n in _walk(pattern) if n.is_named and n.type not in ("match_pattern", "or_pattern", "string_literal",
                                                                      "string_content")]
    return not rest


def _matches_elsewhere(arm: "Node", content: str) -> bool:
    """Another arm of the same match already matches the string `content`."""
    block = arm.parent
    for other in named(block) if block is not None else ():
        if other.type != "match_arm" or other.id == arm.id:
            continue
        pattern = field(other, "pattern")
        if pattern is not None and any(n.type == "string_literal" and _content(n)[1] == content
                                       for n in _walk(pattern)):
            return True
    return False


# ------------------------------------------------------------- payloads


_PAYLOAD_HINTS = tuple(k.encode() for k in (*PAYLOAD_KEYS, "connector_id", "histogram", "gauge", "counter"))


def _payload_findings(plan: "FilePlan") -> None:
    first_in_fn: dict[tuple[int, int], "Node"] = {}
    idents = plan.captures.get("ident", ()) if b"ctx_json" in plan.data else ()
    for ident in idents:
        if b"ctx_json" not in ident.text or plan.is_frozen(ident.start_byte, ident.end_byte):
            continue
        fn = enclosing(ident, "function_item")
        key = (fn.start_byte, fn.end_byte) if fn is not None else (ident.start_byte, ident.end_byte)
        if key not in first_in_fn or ident.start_byte < first_in_fn[key].start_byte:
            first_in_fn[key] = ident
    for ident in first_in_fn.values():
        plan.finding(
            ident,
            "RB902",
            "v3 `ctx-json` handling: the stream context is a typed `RunRequest.stream` in v4",
            "Take the typed `stream-context` (`StreamContext`) from the `RunRequest` instead of JSON.",
        )
    per_fn: dict[tuple[int, int], dict[str, "Node"]] = {}
    if not any(hint in plan.data for hint in _PAYLOAD_HINTS):
        return
    for node in plan.captures.get("string", ()):
        if plan.is_frozen(node.start_byte, node.end_byte):
            continue
        _, content = _content(node)
        fn = enclosing(node, "function_item")
        if fn is None:
            continue
        seen = per_fn.setdefault((fn.start_byte, fn.end_byte), {})
        for key in (*PAYLOAD_KEYS, *ENVELOPE_KEYS, "protocol_version", "type", *METRIC_TYPES):
            if content == key or f'"{key}"' in content:
                seen.setdefault(key, node)
    for found in per_fn.values():
        checkpoint = [found[k] for k in PAYLOAD_KEYS if k in found]
        envelope = "protocol_version" in found and all(k in found for k in ENVELOPE_KEYS)
        metric = "type" in found and any(k in found for k in METRIC_TYPES)
        if not (checkpoint or envelope or metric):
            continue
        anchor = min(found.values(), key=lambda n: n.start_byte)
        what = "checkpoint payload" if checkpoint else "envelope" if envelope else "metric payload"
        plan.finding(
            anchor,
            "RB901",
            f"hand-built v3 JSON {what}: v4 sends typed telemetry records",
            "Build `CheckpointEvent` / `MetricEvent` values (or drop this code if only the v3 host needed it).",
        )


def _walk(node: "Node"):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


_INTEGER_TYPES = {"u8", "u16", "u32", "u64", "i32", "i64", "usize"}


def _v3_decoders(plan: "FilePlan") -> None:
    """Host-side code that decodes what v3 guests sent: a function taking the JSON payload (`payload_json`) or
    an integer code under its v3 parameter name (`kind`, `scope`, `level`: the `[rule.codes]` parameters), and
    `from_code` calls that map a v3 integer code onto an SDK enum. v4 hosts receive typed records and enums."""
    if plan.facts.is_sdk or not plan.facts.host_impl_types:
        return  # host runtimes only (the SDK's host_ffi functions are reported as retyped signatures)
    table = plan.ctx.rules
    coded = {codes.param.replace("-", "_"): codes for codes in table.integer_codes.values()}
    payload = {f.replace("-", "_") for p in table.payloads.values() for f in ("payload-json",)}
    for fn in plan.captures.get("fn", ()):
        params = field(fn, "parameters")
        name = field(fn, "name")
        if params is None or name is None or plan.is_frozen(fn.start_byte, fn.end_byte):
            continue
        if fn.parent is None or fn.parent.type != "source_file" and not (
                fn.parent.type == "declaration_list" and fn.parent.parent is not None and fn.parent.parent.type == "mod_item"):
            continue  # free functions only: Host impl methods are reported as retyped signatures
        for param in named(params):
            pat, ty = field(param, "pattern"), field(param, "type")
            if param.type != "parameter" or pat is None or ty is None:
                continue
            pname, tname = text(pat), text(ty).replace(" ", "")
            if pname in payload and tname in ("&str", "String"):
                plan.finding(name, "RB901", f"`{text(name)}` decodes a v3 JSON payload; v4 passes typed records",
                             "Take the v4 record (`CheckpointEvent`, `MetricEvent`, `DlqRecord`) instead, or drop this "
                             "code if only the v3 host needed it.")
                break
            if pname in coded and tname in _INTEGER_TYPES:
                codes = coded[pname]
                plan.finding(name, codes.rule_id,
                             f"`{text(name)}` takes the v3 integer code `{pname}`; v4 passes the `{codes.enum}` enum",
                             f"Take the `{codes.enum}` enum instead of the integer code.")
                break
    for call in plan.captures.get("call", ()):
        fn = field(call, "function")
        if fn is None or fn.type != "scoped_identifier" or text(field(fn, "name") or fn) != "from_code":
            continue
        owner = field(fn, "path")
        if owner is None or plan.is_frozen(call.start_byte, call.end_byte):
            continue
        target = plan.scopes.resolve(owner)
        enums = {c.enum.replace("-", "") for c in table.integer_codes.values()}
        if target is not None and target.kind == "sdk" and target.name.lower() in enums:
            plan.finding(call, "RB907", f"`{text(fn)}` maps a v3 integer code; v4 passes the enum itself",
                         "Use the v4 enum value the host receives instead of decoding an integer.")

"""Every Rust spelling the adapter needs, derived once from the rule table.

Nothing here is a hand-typed rename table: WIT renames come from
``RuleTable.renames`` (snake and Pascal spellings, binding modules, host
strings, bindgen accessors) and Rust-only renames from ``[rule.rust]`` entries
in ``rules/rust.toml``. What is typed here is knowledge of the SDK's *shape*
(which names a prelude glob brings in, which trait methods move where), not
renames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...ruletable import RuleTable, bindgen_accessor, pascal, per_table, snake
from ..jsonprose import span_gate
from .guestvocab import guest_vocab
from .wittypes import rust_type

# the v4 SDK's new records and the v3 summaries they go beside (newapi.py: RB307, RB308)
NEW_RECORDS = ("RunPhase", "RunRequest", "RunSummary")
SUMMARIES = ("ReadSummary", "WriteSummary", "TransformSummary")

SDK_CRATE = "rapidbyte_sdk"
BINDING_ROOT = ("rapidbyte", "connector")

# Names the v3 and v4 SDK preludes (and the crate root) provide; a glob import
# of ``rapidbyte_sdk::prelude::*`` brings exactly these.
PRELUDE = frozenset(
    """RecordBatch Catalog Stream ConnectorConfig connector Destination Source Transform Context ConnectorError
    ErrorCategory JsonValue ColumnSchema DataErrorPolicy StreamContext SyncMode WriteMode Checkpoint CheckpointKind
    ConnectorInfo CursorValue Feature LogLevel Metric MetricValue ProtocolVersion ReadSummary StateScope StreamLimits
    TransformSummary ValidationResult ValidationStatus WriteSummary OpenInfo ValidationReport RunRequest RunPhase
    RunSummary""".split()
)
ROLE_TRAITS = ("Source", "Destination", "Transform")


@dataclass(frozen=True)
class RoleMethod:
    """A v3 role trait method that moves into a helper called by ``run``."""

    role: str  # trait name
    method: str  # v3 method
    helper: str  # the private helper its body moves to
    phase: str  # RunPhase variant
    summary: str  # RunSummary constructor
    takes_stream: bool
    rule_id: str


def role_methods(table: RuleTable) -> tuple[RoleMethod, ...]:
    """Recipes §0.8 and §2: which trait method serves which phase, and the helper it becomes
    (`[rule.run-phase]` in rules/wit.toml), in the order of the v4 `run-phase` enum."""
    order = table.wit("v4").enum_cases("run-phase")
    moves = sorted(table.run_phases, key=lambda m: order.index(m.phase))
    return tuple(
        RoleMethod(m.rust_trait, m.rust_method, snake(m.helper), pascal(m.phase), snake(m.phase), m.takes_stream,
                   m.rule_id)
        for m in moves
    )


@dataclass(frozen=True)
class Fold:
    """A v3 literal field whose value moves into a nested v4 record (`[rule.rust.fold]`)."""

    old: str  # default_max_batch_bytes
    into: str  # default_limits
    type: str  # StreamLimits
    field: str  # max_batch_bytes


@dataclass(frozen=True)
class LiteralChange:
    """How a struct literal of a v3 record changes shape in v4 (rules/rust.toml, wit/v3 → wit/v4)."""

    v3: str  # the v3 type (Pascal)
    v4: str  # its v4 name
    rule_id: str
    renamed: dict  # v3 field -> v4 field
    fold: Fold | None = None
    added: tuple = ()  # (field, empty value expression, Rust type) a v4 literal gains


@dataclass
class Vocab:
    method_renames: dict[str, tuple[str, str]] = field(default_factory=dict)  # Context / host fn: old → (new, rule)
    host_imports_renames: dict[str, tuple[str, str]] = field(default_factory=dict)
    retyped: dict[str, str] = field(default_factory=dict)  # host fn snake → rule (payload/code args changed)
    type_renames: dict[str, tuple[str, str]] = field(default_factory=dict)  # Pascal old → (new, rule)
    variant_renames: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    trait_method_renames: dict[str, tuple[str, str]] = field(default_factory=dict)
    guest_calls: dict[str, tuple[str, str]] = field(default_factory=dict)  # v3 guest call → (v4 call, rule)
    guest_methods: frozenset[str] = frozenset()  # every guest call, v3 and v4 (`call_open`, …; .guestcalls)
    interfaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # snake iface → (new snake, rule)
    v3_types: dict[str, str] = field(default_factory=dict)  # Pascal → kebab
    moves: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # Pascal → (rule, new Pascal, new iface snake)
    host: str = "host"  # the v3 interface every world imports (snake), from wit/v3
    # v3 interface module → item → (rule, v4 name, v4 module): where each item of a binding module goes
    item_moves: dict[str, dict[str, tuple[str, str, str]]] = field(default_factory=dict)
    split: frozenset[str] = frozenset()  # v3 interface modules whose items go to several v4 modules (`types`)
    type_ifaces: dict[str, str] = field(default_factory=dict)  # v3 type (Pascal) → its v3 interface module
    wit_functions: dict[str, tuple[str, str]] = field(default_factory=dict)  # kebab → (kebab, rule)
    wit_interfaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # kebab → (kebab, rule)
    accessors: dict[str, tuple[str, str]] = field(default_factory=dict)
    field_renames: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (Pascal, snake)
    impl_twins_rule: str = "RB411"
    role_methods: tuple[RoleMethod, ...] = ()
    type_owners: dict[str, str] = field(default_factory=dict)  # SDK-only type rename -> its SDK module
    literals: dict[str, LiteralChange] = field(default_factory=dict)  # v3 type (Pascal) -> its literal change
    payloads: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # host fn -> (v4 record, v3/v4 arity)
    json_payloads: dict[str, str] = field(default_factory=dict)  # RuleTable.json_payloads
    codes: dict[str, tuple[int, str]] = field(default_factory=dict)  # host fn -> (index of the coded param, v4 enum)
    log_levels: tuple[str, ...] = ()
    v3_idents: frozenset[str] = frozenset()  # identifiers that are v3 names (for strings and comments)
    prefilter: re.Pattern | None = None  # files worth parsing in a crate the adapter works on
    v3_text: "V3Text | None" = None  # can a file hold anything the adapter changes or reports? (see below)


@per_table
def vocab(table: RuleTable) -> Vocab:
    return _build(table)


def _host_interface(table: RuleTable) -> str:
    """The v3 interface every v3 world imports (``host``), from wit/v3."""
    imports = [set(w.imports) for w in table.wit("v3").worlds.values()]
    common = set.intersection(*imports) if imports else set()
    if len(common) != 1:
        raise ValueError(f"wit/v3: expected one interface imported by every world, found {sorted(common)}")
    return common.pop()


def _build(table: RuleTable) -> Vocab:
    v = Vocab()
    host = _host_interface(table)
    v.host = snake(host)
    for rename in table.renames:
        old, new = rename.old, rename.new
        if rename.item == "function" and rename.interface == host:
            if old.wit != new.wit:
                v.method_renames[old.snake] = (new.snake, rename.rule_id)
                v.wit_functions[old.wit] = (new.wit, rename.rule_id)
            if table.get(rename.rule_id).kind == "retype":
                v.retyped[old.snake] = rename.rule_id
        elif rename.item == "function" and old.wit != new.wit:
            v.wit_functions.setdefault(old.wit, (new.wit, rename.rule_id))
        elif rename.item == "interface":
            v.interfaces[old.snake] = (new.snake, rename.rule_id)
            v.wit_interfaces[old.wit] = (new.wit, rename.rule_id)
            if old.wit.endswith("-connector"):
                v.accessors[bindgen_accessor(old.wit)] = (bindgen_accessor(new.wit), rename.rule_id)
        elif rename.item == "type":
            v.type_renames[old.pascal] = (new.pascal, rename.rule_id)
        elif rename.item == "field":
            v.field_renames[(pascal(rename.owner), old.snake)] = (new.snake, rename.rule_id)
    v.host_imports_renames = dict(v.method_renames)
    for rule in table:
        spec = rule.rust
        if not spec.get("from"):
            continue
        olds = [spec["from"], *spec.get("also", [])]
        item = spec.get("item")
        for old in olds:
            entry = (spec["to"], rule.id)
            if item == "type":
                v.type_renames[old] = entry
                if spec.get("owner"):  # the SDK module it lives in: `host_tcp::HostTcpStream`
                    v.type_owners[old] = spec["owner"]
            elif item == "variant":
                v.variant_renames[(spec["owner"], old)] = entry
            elif item == "trait-method":
                v.trait_method_renames[old] = entry
            elif item == "method" and "HostImports" in spec.get("owner", "").split("|"):
                v.host_imports_renames[old] = entry  # the trait's methods and the host_ffi free functions
                if "Context" in spec.get("owner", "").split("|"):
                    v.method_renames.setdefault(old, entry)
            elif item == "method" and old != spec["to"]:
                v.guest_calls[old] = entry
    guests = guest_vocab(table)  # derived from wit/v3, wit/v4 and the role rules
    v.guest_calls.update(guests.renames())
    v.guest_methods = frozenset(guests.calls)
    for kebab, v3_owner in table.v3_types.items():
        v.v3_types[pascal(kebab)] = kebab
        v.type_ifaces[pascal(kebab)] = snake(v3_owner)
        move = table.type_move(kebab)
        if move is not None:
            rule_id, new, owner = move
            v.moves[pascal(kebab)] = (rule_id, pascal(new), snake(owner))
            v.item_moves.setdefault(snake(v3_owner), {})[pascal(kebab)] = v.moves[pascal(kebab)]
    for rename in table.renames:
        if rename.item == "function" and rename.interface == host:
            v.item_moves.setdefault(v.host, {})[rename.old.snake] = (
                rename.rule_id, rename.new.snake, snake(rename.new_interface))
    v.split = frozenset(i for i, items in v.item_moves.items() if len({o for *_, o in items.values()}) > 1)
    codes = table.integer_codes["log"].values  # the v3 integer codes, from rules/wit.toml
    v.log_levels = tuple(pascal(codes[i]) for i in range(len(codes)))
    v.role_methods = role_methods(table)
    v.literals = _literal_changes(table, v)
    v3_host, v4 = table.wit("v3"), table.wit("v4")
    v.json_payloads = dict(table.json_payloads)
    for rename in table.renames:
        if rename.item != "function" or rename.interface != host:
            continue
        old_fn = v3_host.function(rename.interface, rename.old.wit)
        new_fn = v4.function(rename.new_interface, rename.new.wit)
        if old_fn is None:
            continue
        payload = table.payloads.get(rename.old.wit)
        if payload is not None:
            v.payloads[rename.old.snake] = (payload.record, len(old_fn.params), len(new_fn.params) if new_fn else 1)
        codes = table.integer_codes.get(rename.old.wit)
        if codes is not None:
            v.codes[rename.old.snake] = (old_fn.param_names.index(codes.param), codes.enum)
    idents = set(v.method_renames) | set(v.host_imports_renames) | set(v.type_renames) | set(v.guest_calls)
    idents |= set(v.accessors) | {name for name in v.interfaces if "_" in name}
    # distinctive spellings only: ``checkpoint`` and ``metric`` are ordinary words in prose
    v.v3_idents = frozenset(i for i in idents if "_" in i or any(c.isupper() for c in i[1:]))
    tokens = {re.escape(t) for t in idents}
    tokens |= {re.escape(owner) for owner, _ in v.variant_renames}
    tokens |= {re.escape(w) for w in v.wit_functions if "-" in w}
    tokens |= {re.escape(f"connector::{name}") for name in v.interfaces}
    # what stays after a migration and is still reported (findings are stable across runs)
    tokens |= {re.escape(v.method_renames[old][0]) for old in v.retyped if old in v.method_renames}
    tokens |= {"rapidbyte", r"\.checkpoint\(", r"\.metric\(", "ctx_json", "details_json", "host_imports", "HostImports",
               "call_run", *sorted(v.guest_methods), "records_processed", "cursor_value", "protocol_version",
               r"fn init\b"}
    # a role trait still shaped by v3 (in the SDK: its definition, reported until it has `run`)
    tokens.add(r"fn (?:" + "|".join(sorted({re.escape(rm.method) for rm in role_methods(table)})) + r")\b")
    plain_ifaces = "|".join(sorted(re.escape(w) for w in v.wit_interfaces if "-" not in w))
    tokens.add(r"`(?:" + plain_ifaces + r")`\s+(?:interface|import|function)|WIT\s+`(?:" + plain_ifaces + r")`")
    v.prefilter = re.compile("|".join(sorted(tokens)).encode())
    v.v3_text = V3Text(v)
    return v


_EMPTY = {"list": "Vec::new()", "option": "None"}  # the empty value of a field v4 adds, by its WIT type


def _literal_changes(table: RuleTable, v: Vocab) -> dict[str, LiteralChange]:
    out: dict[str, LiteralChange] = {}
    for rule in table:
        spec = rule.rust
        if spec.get("item") == "type" and (spec.get("fields") or spec.get("fold")):
            fold = spec.get("fold")
            out[spec["from"]] = LiteralChange(
                spec["from"], spec["to"], rule.id, dict(spec.get("fields", {})),
                Fold(fold["from"], fold["into"], fold["type"], fold["field"]) if fold else None,
            )
    for record, fields in table.added_fields.items():
        name = pascal(record)
        new = v.type_renames.get(name, (name, ""))[0]
        added = tuple((snake(f.name), _EMPTY[f.empty], rust_type(f.type)) for f in fields if f.empty in _EMPTY)
        if added:
            out[name] = LiteralChange(name, new, fields[0].rule_id, {}, None, added)
    return out


# Rust token separators: whitespace and comments (``a :: /* x */ b`` is one path).
_SEP = r"(?:\s|//[^\n]*\n|/\*(?:[^*]|\*(?!/))*\*/)*"  # a comment is skipped whole
_QUOTED_23 = r'\\?"[23]\\?"'  # "2" / "3", also inside a string template (\"3\")


class V3Text:
    """Can a Rust file hold anything the adapter changes or reports (v3 code, or v4 code still reported)?

    ``prefilter`` also lets through every file using the SDK, because crate-wide facts (which
    types hold a ``Context``, which implement the runtime ``Host``, whether this is the SDK) come
    from all of them; this check decides whether a crate needs looking at at all. Each rule of
    the adapter needs one of these in some file of the crate:

    - a v3-only spelling: renamed methods, host functions, types, guest calls, accessors, v3
      interface modules, kebab WIT names, ``fn init`` / ``run_*``, ``ctx_json``, ``details_json``,
      ``default_max_batch_bytes``, a ``…@3.0.0`` package string, an exact ``"checkpoint"`` /
      ``"metric"`` / ``"discover"`` string, ``.checkpoint`` / ``::metric`` (the plain-word v3 methods);
    - a renamed enum variant: its owner (``StateScope``) and the variant (``Stream``) as words;
    - a role trait impl still shaped by v3: ``fn read|write|transform|discover`` and a role trait
      name (the reshape, RB409, RB906, RB910);
    - the platform's v4-named code that is still reported (RB901, RB907, RB911, RB001): binding
      module paths (``connector::``, ``rapidbyte::{``), a checked-in binding tree (``mod rapidbyte``),
      ``host_imports`` / ``HostImports``, ``host_ffi``, the guest calls (``call_open``, ``call_run``, …), the SDK records
      (``struct OpenInfo`` / ``struct ValidationReport``);
    - a v3 protocol version next to ``protocol_version`` / ``PROTOCOL_VERSION`` (RB601, RB405);
    - a hand-built v3 JSON payload: a quoted payload key, the envelope keys, or ``"type"`` with a
      metric type (RB901).
    """

    def __init__(self, v: Vocab):
        words = set(v.method_renames) | set(v.host_imports_renames) | set(v.type_renames) | set(v.guest_calls)
        words |= set(v.accessors) | {name for name in v.interfaces if "_" in name}
        plain = {w for w in words if "_" not in w and not any(c.isupper() for c in w[1:])}  # checkpoint, metric
        words = (words - plain) | {"run_read", "run_write", "run_transform", "ctx_json", "details_json",
                                   "default_max_batch_bytes", "host_imports", "HostImports", "host_ffi"}
        words |= v.guest_methods  # session-less `call_validate(store)` is v3 code under a v4 name
        words |= {w for w in (*v.wit_functions, *v.wit_interfaces) if "-" in w}
        words |= {f'"{w}"' for w in v.wit_functions if "-" not in w}  # "checkpoint" as a WIT name
        words |= {'"records_processed"', '"bytes_processed"', '"cursor_value"'}
        # literals first, so that `re` scans for their first bytes; a longer identifier holding one
        # (`emit_batch_nanos`) is not it, but an `_impl` twin is (RB411); the rest runs when its word is there
        alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        self.words = re.compile(("(?:" + alternation + r")(?:_impl)?(?![\w-])").encode())
        gated = [
            (plain, r"(?:\.|::)" + _SEP + r"(?:" + "|".join(sorted(plain)) + r")\b"),
            (["@3.0.0"], r"rapidbyte:connector(?:/%?[a-z][a-z0-9-]*)?@3\.0\.0"),
            # a v3 interface named in prose, in a code span (docs.py renames it: "the WIT `host` interface")
            (["`"], r"`(?:" + "|".join(sorted(re.escape(w) for w in v.wit_interfaces if "-" not in w)) +
             r")`\s+(?:interface|imports?|functions?)\b|\b(?:WIT|world['’]s)\s+`(?:" +
             "|".join(sorted(re.escape(w) for w in v.wit_interfaces if "-" not in w)) + r")`"),
            (["init"], r"\bfn\s+init\b"),
            (["connector"], r"connector" + _SEP + "::"),
            (["rapidbyte"], r"rapidbyte" + _SEP + "::" + _SEP + r"(?:\{|connector\b)|\bmod\s+rapidbyte\b"),
            (["OpenInfo", "ValidationReport"], r"\bstruct\s+(?:OpenInfo|ValidationReport)\b"),
            # where the v4 SDK's new API belongs while it is missing (RB307, RB308; newapi.py)
            (list(SUMMARIES), r"\bstruct\s+(?:" + "|".join(SUMMARIES) + r")\b|\bpub\s+use\b[^;]*\b(?:" +
             "|".join(SUMMARIES) + r")\b"),
            (["impl ConnectorError"], r"\bimpl\s+ConnectorError\b"),
            # a doc comment on the JSON payload of a host call v4 types (docs.py, RB901)
            (["JSON", "json", "Json"], r"//[/!][^\n]*" + span_gate(v.json_payloads)),
        ]
        self.gated = [([g.encode() for g in gate], re.compile(pattern.encode(), re.S)) for gate, pattern in gated]
        owners = sorted({owner for owner, _ in v.variant_renames})
        variants = sorted({old for _, old in v.variant_renames})
        pairs = [  # both halves somewhere in the file; each half only when one of its words is there
            (owners, _word(owners), variants, _word(variants)),
            (ROLE_TRAITS, _word(ROLE_TRAITS), ["fn"], rb"\bfn\s+(?:discover|read|write|transform)\b"),
            (["protocol_version", "PROTOCOL_VERSION"], rb"protocol_version|PROTOCOL_VERSION",
             ["2", "3"], _QUOTED_23.encode()),
            (['"type"'], rb'"type"', ["counter", "gauge", "histogram"], rb'"(?:counter|gauge|histogram)"'),
        ]
        self.pairs = [(_Gate(ga, a), _Gate(gb, b)) for ga, a, gb, b in pairs]
        self.envelope = (b'"protocol_version"', b'"connector_id"', b'"payload"')

    def __call__(self, data: bytes) -> bool:
        if self.words.search(data) is not None:
            return True
        for gate, pattern in self.gated:
            if any(g in data for g in gate) and pattern.search(data) is not None:
                return True
        if any(a(data) and b(data) for a, b in self.pairs):
            return True
        return all(key in data for key in self.envelope)


class _Gate:
    """A regex searched only when one of its literal words is in the text (``in`` is much faster)."""

    def __init__(self, words, pattern: bytes):
        self.words = [w.encode() for w in words]
        self.pattern = re.compile(pattern)

    def __call__(self, data: bytes) -> bool:
        return any(w in data for w in self.words) and self.pattern.search(data) is not None


def _word(names) -> bytes:
    return rb"\b(?:" + "|".join(names).encode() + rb")\b"


def protocol_names(v: Vocab) -> frozenset[str]:
    """The v3 item names whose definition marks a protocol crate (renamed types, owners of renamed variants)."""
    return frozenset(v.type_renames) | {owner for owner, _ in v.variant_renames} | frozenset(v.literals)


def is_host_trait(v: Vocab, path: tuple[str, ...]) -> bool:
    """The generated runtime ``Host`` trait, under its v3 or v4 module name."""
    return len(path) == 2 and path[1] == "Host" and path[0] in (v.host, v.interfaces.get(v.host, ("",))[0])


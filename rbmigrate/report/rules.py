"""`rbmigrate rules list` and `rbmigrate rules explain`, in the manner of `ruff rule`."""

from __future__ import annotations

from ..ruletable import Rule, RuleTable, spellings

_FIX = {
    "safe": "Fix is always available.",
    "unsafe": "Fix is always available (unsafe: review the diff).",
    "manual": "Fix is not available: this rule reports what needs manual work.",
}

_SAFETY = {
    "safe": "This fix is safe: it only rewrites sites that provably refer to the protocol item, "
    "and every site it cannot prove is reported instead.",
    "unsafe": "This fix is unsafe: the rewritten code compiles against v4 but its arguments or behaviour "
    "may need review; each rewritten site is also reported.",
    "manual": "There is no fix: the site is reported with its location and what to do by hand. "
    "The file's other edits still apply.",
}


def render_table(table: RuleTable) -> str:
    rows = [("Code", "Name", "Fix", "Title")]
    rows += [(r.id, r.name, r.fix if not r.is_finding else f"manual ({r.severity})", r.title) for r in table]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row[:3])) + "  " + row[3])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    return "\n".join(lines) + "\n"


def _origin(rule: Rule) -> str:
    w = rule.wit
    if not w:
        spec = rule.rust or rule.python
        if spec.get("from"):
            lang = "Rust SDK" if rule.rust else "Python guest"
            return f"A {lang} change with no WIT origin: `{spec['from']}` → `{spec['to']}`."
        return f"Applies to: {', '.join(rule.languages)}."
    where = f"`{w['interface']}.{w['from']}`" if w.get("interface") else f"`{w['from']}`"
    to_iface = w.get("to-interface") or w.get("interface")
    target = f"`{to_iface}.{w['to']}`" if to_iface else f"`{w['to']}`"
    return f"Derived from the WIT {w['item']} {where} → {target}."


def _derived_what(rule: Rule, table: RuleTable) -> str:
    rows = [row for r in table.renames if r.rule_id == rule.id for row in spellings(r, table)]
    if not rows:
        return ""
    lines = ["Renames the protocol item in every spelling where it provably refers to it:", ""]
    lines += [f"- {ctx}: `{old}` → `{new}`" for ctx, old, new in rows]
    return "\n".join(lines)


def _derived_example(rule: Rule, table: RuleTable) -> tuple[str, str, str]:
    """For a WIT function rename: its v3 and v4 declarations from the canonical packages."""
    w = rule.wit
    if w.get("item") == "function":
        old = table.declaration("v3", w["interface"], w["from"])
        new = table.declaration("v4", w.get("to-interface") or table.renamed_interface(w["interface"]), w["to"])
        if old and new:
            return old, new, "wit"
    rows = [row for r in table.renames if r.rule_id == rule.id for row in spellings(r, table)]
    if rows:
        return rows[0][1], rows[0][2], "wit"
    return "", "", ""


def _lang(rule: Rule) -> str:
    if rule.example_lang:
        return rule.example_lang
    for lang in ("wit", "rust", "python"):
        if lang in rule.languages:
            return lang
    return ""


_RUST_ITEMS = {
    "variant": "the enum variant `{old}` to `{owner}::{new}` in paths, patterns and `use` lists",
    "type": "the type `{old}` to `{new}`{where} in paths, `use` lists, signatures and doc links",
    "method": "the method `{old}` to `{new}`{where} at its definition and at every call on a receiver of that type",
    "trait-method": "the trait method `{old}` to `{new}`{where} in `impl` blocks, calls and trait-qualified paths",
    "function": "the function `{old}` to `{new}`{where} at its definition, calls and `use` lists",
}


def _rust_what(rule: Rule) -> str:
    """For a Rust SDK rename with no WIT origin: what it touches, from its `[rule.rust]` entry."""
    spec = rule.rust
    template = _RUST_ITEMS.get(spec.get("item", ""))
    if not template or not spec.get("from") or spec.get("from") == spec.get("to"):
        return ""
    owners = [o for o in str(spec.get("owner", "")).split("|") if o]
    olds = [spec["from"], *spec.get("also", ())]
    if spec["item"] == "variant":
        old = "` and `".join(f"{owners[0]}::{o}" for o in olds)
        text = template.format(owner=owners[0], old=old, new=spec["to"])
    else:
        where = f" (of `{'`, `'.join(owners)}`)" if owners else ""
        text = template.format(old="` and `".join(olds), new=spec["to"], where=where)
    return f"Renames {text}, wherever it provably refers to the SDK item."


def render_explain(rule: Rule, table: RuleTable) -> str:
    derived = _derived_what(rule, table)
    what = rule.what or derived or _rust_what(rule)
    out = [f"# {rule.name} ({rule.id})", "", rule.title, "", _origin(rule), "", _FIX[rule.fix], ""]
    if rule.is_finding:
        out += [f"Severity: {rule.severity}.", ""]
    out += ["## What it does", what or "(no description)", ""]
    if rule.what and derived:
        out += ["## Spellings", derived.split("\n", 2)[2], ""]
    out += ["## Why is this bad?", rule.why, ""]
    example, instead, fence = rule.example, rule.use_instead, _lang(rule)
    if not example:
        example, instead, fence = _derived_example(rule, table)
    if example:
        out += ["## Example", f"```{fence}", example, "```", ""]
        if instead:
            out += ["Use instead:", f"```{fence}", instead, "```", ""]
    out += ["## Fix safety", _SAFETY[rule.fix], ""]
    return "\n".join(out)

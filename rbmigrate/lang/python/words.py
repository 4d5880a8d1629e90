"""The v3 names worth looking for in text (no libcst here: the adapter's prefilter uses them)."""

from __future__ import annotations

import functools
import re

from ...ruletable import RuleTable, spellings



def moved_bodies(table: RuleTable) -> dict[str, tuple[str, str]]:
    """v3 role function (WIT) -> (run-phase case, private helper its body moves into), in run-phase order."""
    order = table.wit("v4").enum_cases("run-phase")
    moves = sorted(table.run_phases, key=lambda m: order.index(m.phase))
    return {m.function: (m.phase, "_" + m.helper.replace("-", "_")) for m in moves}


def _distinctive(name: str) -> bool:
    """Multi-part names only: `emit_batch`, `connect-tcp`, `SourceConnector`, `host.log` — never `host`, `metric`."""
    return bool(re.search(r"[-_.]|[a-z][A-Z]", name)) and re.fullmatch(r"[A-Za-z][\w.-]*", name) is not None


@functools.lru_cache(maxsize=4)
def table_words(table: RuleTable) -> tuple[dict[str, tuple[str | None, str]], re.Pattern | None]:
    """v3 spelling -> (v4 spelling or None when there is no single one, rule id), and a regex matching any."""
    words: dict[str, tuple[str | None, str]] = {}
    for rename in table.renames:
        for _context, old, new in spellings(rename, table):
            if _distinctive(old):
                # a reshaped function (`run_read` → `run` + `_read_stream`) has no single new name either
                reshaped = rename.rule_id in table and table.get(rename.rule_id).kind == "reshape"
                split = rename.item == "interface" and rename.old.wit in table.split_interfaces
                single = not (split or reshaped)
                words.setdefault(old, (new if single else None, rename.rule_id))
    if not words:
        return words, None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return words, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

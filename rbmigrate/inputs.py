"""What a unit's result depends on besides the unit's own files (for the result cache).

The result of a unit is a function of its files' bytes (the cache key hashes them), the rule table,
the options and rbmigrate itself, and of a few things adapters look at outside the unit's file list:
a ``rustfmt.toml`` above a crate, checked-in ``wit_world/`` bindings (never discovered), the ``.rs``
files of a crate that discovery left out, another Markdown file a link points into, the
``wasm-tools`` binary. Code that consults such a path (reads it, lists it, or only checks that it
exists) declares it here::

    from rbmigrate.inputs import depends_on
    depends_on(root / "wit_world" / "imports" / "host.py")   # before `.is_file()`

While the engine migrates a unit it records every declared path (:func:`recording`); the result
cache stores each one's state (missing, a file's bytes, a folder's listing) with the result and
uses the result again only while every one is unchanged. Outside a recording this costs nothing.
``tests/test_result_cache.py`` checks, with an audit hook, that the adapters open and list no path
outside the unit that they did not declare.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_stack: list[set[str]] = []


def depends_on(*paths: "os.PathLike[str] | str") -> None:
    """The result being computed depends on these paths (files or folders, present or not)."""
    if _stack:
        _stack[-1].update(os.path.abspath(os.fspath(p)) for p in paths)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the paths declared inside the block (nested recordings also report to the outer one)."""
    seen: set[str] = set()
    _stack.append(seen)
    try:
        yield seen
    finally:
        _stack.pop()
        if _stack:
            _stack[-1].update(seen)

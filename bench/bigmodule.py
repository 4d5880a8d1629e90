"""A componentize-py connector whose ``app.py`` is one big module (generated or vendored code, as real
projects have), for the big-module rows of ``bench/run``.

The module is the v3 ``source-postgres`` connector of ``testdata/python/v3`` grown to ``lines`` lines:
its module-level helpers (host calls, v3 types, stream-context dict helpers) are repeated under fresh
names (``_run`` → ``_run_17``), interleaved with the stdlib-only filler functions and classes of
:mod:`bench.filler` (about two filler lines for every protocol line), and the one export class comes
last. Deterministic: same ``lines`` and ``seed``, same bytes.

    .venv/bin/python -m bench.bigmodule --out /tmp/big --lines 50000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

from . import filler

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "testdata" / "python" / "v3" / "source-postgres"
_CLASS = "\nclass SourceConnector("


def _parts(text: str) -> tuple[str, str, str, list[str]]:
    """(head up to the first helper, the helpers, the export class and what follows, helper names)."""
    start = text.index("\n# --- errors")
    end = text.index(_CLASS)
    head, helpers, tail = text[:start + 1], text[start + 1:end + 1], text[end + 1:]
    names = re.findall(r"^(?:def|class) (\w+)", helpers, flags=re.M)
    return head, helpers, tail, names


def module_text(lines: int, seed: int = 8, protocol_share: float | None = None) -> str:
    """The big ``app.py``: at least ``lines`` lines. ``protocol_share``: the share of its lines that are protocol
    code (default: about a third, the benchmark's module; a vendored library would hold a few percent)."""
    rng = random.Random(seed)
    text = (TEMPLATE / "app.py").read_text(encoding="utf-8")
    head, helpers, tail, names = _parts(text)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    out = [head]
    count = head.count("\n") + tail.count("\n")
    copy = 0
    protocol = 0
    while count < lines:
        copy += 1
        if protocol_share is None or protocol <= protocol_share * count:
            block = pattern.sub(lambda m: f"{m.group(1)}_{copy}", helpers)
            out.append(block)
            count += block.count("\n")
            protocol += block.count("\n")
        while count < lines and (rng.random() < 0.9 if protocol_share is None
                                 else protocol > protocol_share * count):  # (default: ~2 filler lines per protocol line)
            code, _fns = filler.python_module(rng, f"part {copy}")
            code = code.split('"""\n\n', 1)[1] if code.startswith('"""') else code  # no second docstring
            code = re.sub(r"^(def|class) (\w+)", lambda m: f"{m.group(1)} {m.group(2)}_{copy}", code, flags=re.M)
            out.append("\n\n" + code + "\n\n")
            count += code.count("\n") + 4
    out.append("\n" + tail)
    return "".join(out)


def generate(out: Path, lines: int, seed: int = 8, protocol_share: float | None = None) -> Path:
    """A connector folder ``out`` (manifest, the big ``app.py``, its two helper modules); returns ``app.py``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "pgwire.py", "pgtypes.py"):
        shutil.copy2(TEMPLATE / name, out / name)
    app = out / "app.py"
    app.write_text(module_text(lines, seed, protocol_share), encoding="utf-8")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bigmodule", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--protocol-share", type=float, help="share of protocol code (default: about a third)")
    args = parser.parse_args(argv)
    app = generate(args.out, args.lines, args.seed, args.protocol_share)
    print(f"{app}: {app.read_text(encoding='utf-8').count(chr(10))} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

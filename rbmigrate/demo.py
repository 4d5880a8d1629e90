"""`./dev demo`: migrate a temporary copy of a bundled v3 connector and show the result.

Nothing in the checkout is touched: the connector is copied into a temporary
folder, migrated there with ``rbmigrate apply --diff`` and then ``apply``, and
the folder is removed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .resources import data_root

DEFAULT = "testdata/python/v3/source-postgres"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source = data_root() / (argv[0] if argv else DEFAULT)
    if not source.is_dir():
        print(f"demo: {source} not found", file=sys.stderr)
        return 2
    rbmigrate = [sys.executable, "-m", "rbmigrate"]
    with tempfile.TemporaryDirectory(prefix="rbmigrate-demo-") as tmp:
        work = Path(tmp) / source.name
        shutil.copytree(source, work, ignore=shutil.ignore_patterns("__pycache__", "*.wasm"))
        print(f"== rbmigrate apply --diff {source.relative_to(data_root())} (a temporary copy)", flush=True)
        subprocess.run([*rbmigrate, "apply", "--diff", "--verbose", work.name], cwd=tmp)
        print("\n== rbmigrate apply (writes the copy), then a second run to show it is idempotent", flush=True)
        subprocess.run([*rbmigrate, "apply", work.name], cwd=tmp)
        second = subprocess.run([*rbmigrate, "apply", "--check", work.name], cwd=tmp)
        print(f"second run: exit code {second.returncode} ({'nothing left to do' if second.returncode == 0 else 'changes pending'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

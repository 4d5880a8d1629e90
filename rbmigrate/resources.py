"""Where rbmigrate's data lives: the rule table and the canonical WIT packages."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding ``rules/`` and ``wit/``.

    ``RBMIGRATE_DATA`` wins; otherwise the checkout the package was installed
    from (``pip install -e .``), or the copy a wheel ships inside the package
    (``rbmigrate/_data/``, put there by ``setup.py`` from the checkout's ``rules/`` and ``wit/``).
    """
    env = os.environ.get("RBMIGRATE_DATA")
    if env:
        return Path(env)
    for candidate in (_PACKAGE.parent, _PACKAGE / "_data"):
        if (candidate / "rules").is_dir() and (candidate / "wit").is_dir():
            return candidate
    raise FileNotFoundError(
        "rbmigrate data (rules/, wit/) not found: the installation is incomplete; reinstall "
        "(`pip install .`) or set RBMIGRATE_DATA to a folder holding rules/ and wit/"
    )


def rules_dir() -> Path:
    return data_root() / "rules"


def wit_dir(version: str) -> Path:
    """``wit_dir("v3")`` or ``wit_dir("v4")``: a canonical package folder."""
    return data_root() / "wit" / version

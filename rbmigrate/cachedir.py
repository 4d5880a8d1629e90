"""Where rbmigrate keeps what it can compute again: ``$RBMIGRATE_CACHE_DIR``, else
``$XDG_CACHE_HOME/rbmigrate``, else ``~/.cache/rbmigrate``.

``results/`` holds the result cache of ``apply``/``scan`` (:mod:`rbmigrate.resultcache`); ``verify``
keeps snapshots, builds and compiled components beside it.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    env = os.environ.get("RBMIGRATE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is ignored
        return Path(xdg) / "rbmigrate"
    return Path.home() / ".cache" / "rbmigrate"

"""Unit-level actions performed by the write phase (see :class:`rbmigrate.model.Action`).

An action is prepared before anything of its unit is written: it builds its new folders in a scratch
folder inside the unit and returns them, and the unit's journalled write (:mod:`rbmigrate.journal`)
swaps them in together with the unit's files.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .model import Action

# kind -> "module:function"; each function takes the action's params as keyword arguments and returns
# (scratch folder, [(new folder or file, target)]).
PREPARERS = {
    "regenerate-bindings": "rbmigrate.bindings:prepare",
}


def prepare(action: Action) -> tuple[Path, list[tuple[Path, Path]]]:
    try:
        target = PREPARERS[action.kind]
    except KeyError:
        raise ValueError(f"unknown action kind {action.kind!r}") from None
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)(**action.params)


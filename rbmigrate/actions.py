"""Unit-level actions performed by the write phase (see :class:`rbmigrate.model.Action`)."""

from __future__ import annotations

import importlib

from .model import Action

# kind -> "module:function"; each function takes the action's params as keyword arguments.
PERFORMERS = {
    "regenerate-bindings": "rbmigrate.bindings:regenerate",
}


def perform(action: Action) -> None:
    try:
        target = PERFORMERS[action.kind]
    except KeyError:
        raise ValueError(f"unknown action kind {action.kind!r}") from None
    module, func = target.split(":")
    getattr(importlib.import_module(module), func)(**action.params)

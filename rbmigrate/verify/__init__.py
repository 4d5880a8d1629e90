"""`rbmigrate verify`: build, instantiate and differentially run migrated connectors (docs/verify.md).

    from rbmigrate.verify import verify, VerifyOptions, BaseSpec, Sandbox, snapshot_originals

Importing this package is cheap: wasmtime, componentize-py and PostgreSQL are touched only when a
verification runs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BaseSpec", "Sandbox", "VerifyOptions", "VerifyReport", "ConnectorResult", "snapshot_originals",
           "verify", "apply_to_units"]


def __getattr__(name: str) -> Any:  # lazy: keep `import rbmigrate.verify.pgcluster` light
    if name in ("verify", "VerifyOptions"):
        from . import run

        return getattr(run, name)
    if name in ("BaseSpec", "snapshot_originals"):
        from . import base

        return getattr(base, name)
    if name == "Sandbox":
        from .sandbox import Sandbox

        return Sandbox
    if name in ("VerifyReport", "ConnectorResult"):
        from . import model

        return getattr(model, name)
    if name == "apply_to_units":
        from .units import apply_to_units

        return apply_to_units
    raise AttributeError(name)

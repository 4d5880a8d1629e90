"""The pipeline state store (state-get / state-put / state-cas), shared by all stages of a run.

Reuse one `StateStore` across runs (`HostOptions.state`) to run an incremental second pass.
"""

from __future__ import annotations

import threading


class StateStore:
    """A map {(scope name, key): value}. Scopes are the v4 `state-scope` case names
    (`protocol.STATE_SCOPES`)."""

    def __init__(self, initial: dict[tuple[str, str], str] | None = None) -> None:
        self._values: dict[tuple[str, str], str] = dict(initial or {})
        self._lock = threading.Lock()

    def snapshot(self) -> dict[tuple[str, str], str]:
        with self._lock:
            return dict(self._values)

    def get(self, scope: str, key: str) -> str | None:
        with self._lock:
            return self._values.get((scope, key))

    def put(self, scope: str, key: str, value: str) -> None:
        with self._lock:
            self._values[(scope, key)] = value

    def cas(self, scope: str, key: str, expected: str | None, new_value: str) -> bool:
        """Set `new_value` iff the current value equals `expected` (None: the key is absent)."""
        with self._lock:
            if self._values.get((scope, key)) != expected:
                return False
            self._values[(scope, key)] = new_value
            return True

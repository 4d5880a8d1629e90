"""The error a host function reports to the guest as a `connector-error`."""

from __future__ import annotations

import json
from typing import Any

from .protocol import ERROR_CATEGORIES


class HostError(Exception):
    """Raised by host-function cores; the v3/v4 bindings lower it to a `connector-error` record."""

    def __init__(self, category: str, code: str, message: str, *, retryable: bool = False,
                 details: Any = None) -> None:
        assert category in ERROR_CATEGORIES, category
        super().__init__(f"{category}/{code}: {message}")
        self.category = category
        self.code = code
        self.message = message
        self.retryable = retryable
        self.details = details

    def fields(self, details_key: str) -> dict[str, Any]:
        """connector-error fields (snake_case); `details_key` is `details_json` (v3) or `details` (v4)."""
        return {
            "category": self.category,
            "scope": "per-stream",
            "code": self.code,
            "message": self.message,
            "retryable": self.retryable,
            "retry_after_ms": None,
            "backoff_class": "normal",
            "safe_to_retry": self.retryable,
            "commit_state": None,
            details_key: None if self.details is None else json.dumps(self.details, sort_keys=True),
        }


def normalise_error(raw: dict) -> dict:
    """connector-error fields with `details_json`/`details` unified as `details`, parsed when JSON."""
    out = {k: v for k, v in raw.items() if k not in ("details_json", "details")}
    details = raw.get("details", raw.get("details_json"))
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            pass
    out["details"] = details
    return out

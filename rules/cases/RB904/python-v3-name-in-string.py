"""Wraps `emit_batch`; see also host.connect_tcp in the docs."""
from wit_world.imports import host


def send(handle):
    try:
        host.emit_batch(handle)
    except Exception:
        host.log(0, "emit_batch failed")
        raise

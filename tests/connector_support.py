"""Shared by the tests that use the testdata connectors' modules directly in CPython."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "testdata" / "python" / "v3"


def load_module(path: Path, name: str):
    """Import a connector module by path, without leaving __pycache__ in testdata."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    keep, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = keep
    return module


class SocketTransport:
    """The test twin of the guest's host-socket transport: a real blocking socket."""

    def __init__(self, host: str, port: int, max_chunk: int | None = None, timeout: float = 60) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.max_chunk = max_chunk  # force tiny reads to exercise message framing

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self, n: int) -> bytes:
        return self.sock.recv(min(n, self.max_chunk) if self.max_chunk else n)

    def close(self) -> None:
        self.sock.close()

"""tcp-connect / socket-read / socket-write as real non-blocking sockets behind an allowlist.

Only (host, port) pairs on the allowlist are reachable. Names are resolved on both sides: the
guest may say `localhost` for an allowlisted `127.0.0.1` and vice versa. A port that is on no
allowlist entry is refused before any name lookup, so a guest cannot make the host query DNS for
arbitrary ports. Everything else gets `connector-error { category: permission }`.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Callable, Iterable

from .errors import HostError

MAX_READ = 1 << 20  # bytes returned by one read at most


def _resolve(host: str, port: int) -> set[tuple[str, int]]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return {(info[4][0], info[4][1]) for info in infos}


class Allowlist:
    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self.entries = [(str(h).lower(), int(p)) for h, p in entries]
        self.ports = {p for _, p in self.entries}
        self._addrs: set[tuple[str, int]] | None = None

    def addresses(self) -> set[tuple[str, int]]:
        if self._addrs is None:
            addrs: set[tuple[str, int]] = set()
            for host, port in self.entries:
                try:
                    addrs |= _resolve(host, port)
                except OSError:
                    pass  # an unresolvable entry allows nothing
            self._addrs = addrs
        return self._addrs

    def permitted(self, host: str, port: int) -> list[tuple[str, int]]:
        """The addresses `host:port` may connect to; raises HostError(permission) if none."""
        if port not in self.ports:
            raise HostError("permission", "NETWORK_DENIED", f"{host}:{port} is not on the host's network allowlist")
        try:
            resolved = _resolve(host, port)
        except OSError as exc:
            if (host.lower(), port) in self.entries:
                raise HostError("transient-network", "RESOLVE_FAILED", f"cannot resolve {host}: {exc}", retryable=True)
            raise HostError("permission", "NETWORK_DENIED", f"{host}:{port} is not on the host's network allowlist")
        allowed = sorted(resolved & self.addresses())
        if not allowed:
            raise HostError("permission", "NETWORK_DENIED", f"{host}:{port} is not on the host's network allowlist")
        return allowed


class SocketTable:
    """One per guest instance; handles start at 1."""

    def __init__(self, allow: Allowlist, connect_timeout_s: float, poll_s: float,
                 remaining: Callable[[], float]) -> None:
        self.allow = allow
        self.connect_timeout_s = connect_timeout_s
        self.poll_s = poll_s
        self.remaining = remaining  # seconds left of the current guest call's deadline
        self._socks: dict[int, socket.socket] = {}
        self._next = 1
        self.connects: list[tuple[str, int, str]] = []  # (host, port, outcome) for diagnostics

    def _get(self, handle: int) -> socket.socket:
        sock = self._socks.get(handle)
        if sock is None:
            raise HostError("internal", "UNKNOWN_SOCKET", f"no socket with handle {handle}")
        return sock

    def connect(self, host: str, port: int) -> int:
        try:
            targets = self.allow.permitted(host, port)
        except HostError as exc:
            self.connects.append((host, port, exc.category))
            raise
        last: OSError | None = None
        for addr in targets:
            family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(max(0.05, min(self.connect_timeout_s, self.remaining())))
            try:
                sock.connect(addr)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            handle = self._next
            self._next += 1
            self._socks[handle] = sock
            self.connects.append((host, port, "connected"))
            return handle
        self.connects.append((host, port, "failed"))
        raise HostError("transient-network", "CONNECT_FAILED", f"cannot connect to {host}:{port}: {last}", retryable=True)

    def read(self, handle: int, length: int) -> bytes | None | str:
        """bytes (data), None (eof) or the string "would-block"."""
        sock = self._get(handle)
        if length == 0:
            return b""
        if self.poll_s > 0:
            select.select([sock], [], [], self.poll_s)
        try:
            data = sock.recv(min(length, MAX_READ))
        except (BlockingIOError, InterruptedError):
            return "would-block"
        except OSError as exc:
            raise HostError("transient-network", "SOCKET_READ_FAILED", f"read failed: {exc}", retryable=True)
        return data if data else None

    def write(self, handle: int, data: bytes) -> int | str:
        """Bytes written, or the string "would-block"."""
        sock = self._get(handle)
        if not data:
            return 0
        if self.poll_s > 0:
            select.select([], [sock], [], self.poll_s)
        try:
            return sock.send(data)
        except (BlockingIOError, InterruptedError):
            return "would-block"
        except OSError as exc:
            raise HostError("transient-network", "SOCKET_WRITE_FAILED", f"write failed: {exc}", retryable=True)

    def close(self, handle: int) -> None:
        sock = self._socks.pop(handle, None)
        if sock is not None:
            sock.close()

    def close_all(self) -> None:
        for handle in list(self._socks):
            self.close(handle)

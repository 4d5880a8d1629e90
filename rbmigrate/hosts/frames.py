"""Frames: host-owned byte buffers a guest fills, seals and hands over (or reads when handed one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import HostError


@dataclass
class Frame:
    capacity: int
    data: bytearray = field(default_factory=bytearray)
    sealed: bool = False


class FrameTable:
    """One per guest instance. Handles start at 1 and are never reused within an instance."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._frames: dict[int, Frame] = {}
        self._next = 1

    def __len__(self) -> int:
        return len(self._frames)

    def _get(self, handle: int) -> Frame:
        frame = self._frames.get(handle)
        if frame is None:
            raise HostError("frame", "UNKNOWN_FRAME", f"no frame with handle {handle}")
        return frame

    def new(self, capacity: int) -> int:
        if capacity > self.max_bytes:
            raise HostError("frame", "FRAME_TOO_LARGE", f"capacity {capacity} exceeds the host limit {self.max_bytes}")
        handle = self._next
        self._next += 1
        self._frames[handle] = Frame(capacity=capacity)
        return handle

    def adopt(self, data: bytes) -> int:
        """A sealed frame holding `data` (a batch handed over by the previous stage)."""
        handle = self.new(0)
        frame = self._frames[handle]
        frame.data[:] = data
        frame.sealed = True
        return handle

    def write(self, handle: int, chunk: bytes) -> int:
        frame = self._get(handle)
        if frame.sealed:
            raise HostError("frame", "FRAME_SEALED", f"frame {handle} is sealed; it cannot be written")
        if len(frame.data) + len(chunk) > self.max_bytes:
            raise HostError("frame", "FRAME_TOO_LARGE", f"frame {handle} would exceed the host limit {self.max_bytes}")
        frame.data += chunk
        return len(chunk)

    def seal(self, handle: int) -> None:
        frame = self._get(handle)
        if frame.sealed:
            raise HostError("frame", "FRAME_SEALED", f"frame {handle} is already sealed")
        frame.sealed = True

    def length(self, handle: int) -> int:
        return len(self._get(handle).data)

    def read(self, handle: int, offset: int, length: int) -> bytes:
        frame = self._get(handle)
        if not frame.sealed:
            raise HostError("frame", "FRAME_NOT_SEALED", f"frame {handle} must be sealed before it is read")
        if offset > len(frame.data):
            raise HostError("frame", "FRAME_RANGE", f"offset {offset} is past the end of frame {handle} ({len(frame.data)} bytes)")
        return bytes(frame.data[offset:offset + length])

    def take(self, handle: int) -> bytes:
        """Remove a sealed frame and return its bytes (emit: ownership passes to the host)."""
        frame = self._get(handle)
        if not frame.sealed:
            raise HostError("frame", "FRAME_NOT_SEALED", f"frame {handle} must be sealed before it is emitted")
        del self._frames[handle]
        return bytes(frame.data)

    def drop(self, handle: int) -> bool:
        """Free a frame; dropping an unknown handle is a no-op (the WIT function returns nothing)."""
        return self._frames.pop(handle, None) is not None

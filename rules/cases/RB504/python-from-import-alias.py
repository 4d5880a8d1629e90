from wit_world.imports.host import (
    emit_batch as emit,
    next_batch,
    socket_read,
)
from wit_world.imports.types import SocketReadResult_Data, ValidationResult as VR, ValidationStatus


def pump(h):
    while (b := next_batch()) is not None:
        emit(b)
    data = socket_read(h, 16)
    return isinstance(data, SocketReadResult_Data), VR(ValidationStatus.SUCCESS, "")

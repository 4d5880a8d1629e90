from wit_world.imports.host import socket_write
from wit_world.imports.types import SocketWriteResult_Written


def write(handle, data):
    res = socket_write(handle, data)
    return res.value if isinstance(res, SocketWriteResult_Written) else 0

from wit_world.imports import host, types


def read(handle):
    res = host.socket_read(handle, 4096)
    if isinstance(res, types.SocketReadResult_Data):
        return bytes(res.value)
    return b"" if isinstance(res, types.SocketReadResult_Eof) else None

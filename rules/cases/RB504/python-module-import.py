from wit_world.imports import host, types


def send(handle):
    host.emit_batch(handle)
    return types.ErrorCategory.DATA, types.SocketReadResult_Eof()

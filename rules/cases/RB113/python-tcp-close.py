from wit_world.imports import host


def io(address, port, handle, data):
    return host.socket_close(handle)

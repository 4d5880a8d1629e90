from wit_world.imports import host


def chunk(handle, size):
    return host.frame_read(handle, 0, size)

from wit_world.imports import host


def drain():
    while host.next_batch() is not None:
        pass

from wit_world.imports import host


def cursor(stream):
    return host.state_get(1, stream + ".cursor"), host.state_get(2, "instance")

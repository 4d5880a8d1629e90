from wit_world.imports import host


def save(key, value):
    host.state_put(0, key, val=value)

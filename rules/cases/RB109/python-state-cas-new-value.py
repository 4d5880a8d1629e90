from wit_world.imports import host


def swap(key, old, new):
    return host.state_cas(1, key, old, new_val=new)

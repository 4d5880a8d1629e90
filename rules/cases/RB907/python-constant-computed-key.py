from wit_world.imports import host

LEVEL = {"info": 2, "debug": 3}


def note(name, msg):
    host.log(LEVEL[name], msg)  # a computed key of a dict that has other uses
    host.log(LEVEL["info"], msg)
    return list(LEVEL)

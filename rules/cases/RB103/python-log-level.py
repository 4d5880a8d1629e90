from wit_world.imports import host


def report(msg):
    host.log(0, msg)
    host.log(1, msg)
    host.log(2, msg)
    host.log(3, msg)

from wit_world.imports import host


def report(level, scope, msg):
    host.log(level, msg)
    host.state_get(scope, "k")
    host.log(1, msg)

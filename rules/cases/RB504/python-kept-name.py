from wit_world.imports.host import state_get, log as say


def read(scope):
    first = state_get(scope, "cursor")
    second = state_get(1, "cursor")
    say(2, "read")
    return first, second

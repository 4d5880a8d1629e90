from wit_world.imports import host

INSTANCE_SCOPE = 2
SEEN = "rows_seen"


def seen(count):
    total = int(host.state_get(INSTANCE_SCOPE, SEEN) or "0") + count
    host.state_put(INSTANCE_SCOPE, SEEN, str(total))
    return total

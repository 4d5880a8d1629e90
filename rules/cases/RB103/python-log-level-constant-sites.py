from wit_world.imports import host

INFO = 2
LEVELS = {"info": 2, "debug": 3}


def note(msg):
    host.log(INFO, msg)
    host.log(LEVELS["debug"], msg)
    return {"level": INFO, "known": sorted(LEVELS)}  # other uses: each protocol use site is rewritten

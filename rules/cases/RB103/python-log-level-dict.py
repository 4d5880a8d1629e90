import wit_world.imports.host as rb

LEVEL = {"info": 2, "debug": 3}


def note(msg, verbose):
    rb.log(LEVEL["info"], msg)
    if verbose:
        rb.log(LEVEL["debug"], msg)

import wit_world.imports.host as rb


def report(level, handle):
    rb.emit_batch(handle)
    rb.log(level, "passed in: stays v3, with its finding, on every run")
    rb.log(2, "done")

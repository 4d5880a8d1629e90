import wit_world.imports


def emit(handle):
    wit_world.imports.host.emit_batch(handle)
    wit_world.imports.host.log(3, "emitted")

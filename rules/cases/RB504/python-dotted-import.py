import wit_world.imports.host
import wit_world.imports.host as h


def pump(handle):
    wit_world.imports.host.emit_batch(handle)
    h.frame_drop(handle)

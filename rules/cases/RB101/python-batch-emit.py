from wit_world.imports.host import emit_batch


def emit_batch_twice(handle):  # a local helper: only the inner calls change
    emit_batch(handle)
    emit_batch(handle)

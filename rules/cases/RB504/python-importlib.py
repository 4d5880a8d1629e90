import importlib

host = importlib.import_module("wit_world.imports.host")
types = importlib.import_module("wit_world.imports.types")


def emit(handle):
    host.emit_batch(handle)
    host.frame_drop(handle)


def summary(n):
    return types.ReadSummary(records_read=n, bytes_read=0, batches_emitted=0, checkpoint_count=0, records_skipped=0)


def lookup(name):
    # not a module binding: its uses cannot be followed
    return getattr(importlib.import_module("wit_world.imports." + name), "log"), importlib.import_module("wit_world.imports.host")

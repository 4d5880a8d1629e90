from wit_world import imports
from wit_world.imports import host_io

_io = imports.host_io  # v4: fine
_h = imports.host  # v3: reported, and every protocol use through it


def emit_batch(rows):  # the project's own helper, named like the v3 host function
    return rows


class Metrics:
    def __init__(self):
        self.checkpoint_count = 0  # contains a v3 word: never reported
        self.emit_batch_nanos = 0

    def checkpoint(self):  # an ordinary method named `checkpoint`
        self.checkpoint_count += 1


def run(metrics, rows, label="emit_batch failed"):
    emit_batch(rows)  # the helper
    metrics.checkpoint()  # not the host: a plain word on another receiver
    host_io.batch_emit(1)  # v4
    source_connector_id = "x"
    _h.checkpoint(0, "{}")  # the v3 host: reported
    host_io.checkpoint(0, "{}")  # a v3 name on the v4 module: reported
    return label, source_connector_id

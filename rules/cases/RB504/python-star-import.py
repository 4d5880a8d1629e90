from wit_world.imports.host import *
from wit_world.imports.types import *


def pump(h):
    log(2, "pump")
    emit_batch(h)
    return ReadSummary(records_read=1, bytes_read=0, batches_emitted=1, checkpoint_count=0, records_skipped=0)

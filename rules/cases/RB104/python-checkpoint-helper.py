import json

import wit_world.imports.host as rb

KIND_TRANSFORM = 2


def _checkpoint(batch, stream, records, size):
    return json.dumps({"id": batch, "stream": stream, "cursor_field": None, "cursor_value": None,
                       "records_processed": records, "bytes_processed": size})


def done(batch, stream, records, size):
    rb.checkpoint(KIND_TRANSFORM, _checkpoint(batch, stream, records, size))

import json
from wit_world.imports import host


def save(n, stream, last, rows, size):
    host.checkpoint(0, json.dumps({"id": n, "kind": "source", "stream": stream, "cursor_field": "id",
                                   "cursor_value": last, "records_processed": rows, "bytes_processed": size}))
    payload = {"id": n, "kind": "dest", "stream": stream, "cursor_field": None, "cursor_value": None,
               "records_processed": rows, "bytes_processed": size}
    envelope = {"protocol_version": "2", "connector_id": "acme/x", "stream_name": stream, "payload": payload}
    host.checkpoint(1, json.dumps(envelope))

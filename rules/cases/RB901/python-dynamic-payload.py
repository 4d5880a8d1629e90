import json
from wit_world.imports import host


def report(payload, name, value, category):
    host.checkpoint(0, json.dumps(payload))
    host.metric(json.dumps({name: value}))
    host.emit_dlq_record("s", "{}", "bad row", category)
    host.emit_batch(1)  # the rest of the file still migrates

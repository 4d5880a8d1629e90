import json

import wit_world.imports.host as rb


def _metric(name, value, stream):
    payload = {"name": name, "value": {"type": "counter", "value": value}, "labels": [["stream", stream]]}
    return json.dumps(payload)


def _gauge(name, value):
    return {"name": name, "value": {"type": "gauge", "value": value}}


def report(stream, rows, lag):
    rb.metric(_metric("rows", rows, stream))
    rb.metric(_metric("batches", 1, stream))
    rb.metric(json.dumps(_gauge("lag", lag)))

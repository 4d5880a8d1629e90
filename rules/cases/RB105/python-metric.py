import json
from wit_world.imports import host


def metrics(stream, rows, secs):
    labels = [["stream", stream]]
    host.metric(json.dumps({"name": "rows", "value": {"type": "counter", "value": rows}, "labels": labels}))
    metric = {"name": "secs", "value": {"type": "gauge", "value": secs}, "labels": [["stream", stream]]}
    host.metric(json.dumps(metric))

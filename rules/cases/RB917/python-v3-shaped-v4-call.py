import json

import wit_world.imports.host_io as rb
from wit_world.imports import core_types, telemetry

LEVEL = {"info": 2, "debug": 3}
INSTANCE_SCOPE = 2
PIPELINE = core_types.StateScope.PIPELINE


def _metric(name, value):
    return json.dumps({"name": name, "value": {"type": "counter", "value": value}})


def report(rows, payload):
    rb.log(2, "started")
    rb.log(LEVEL["info"], "rows")
    rb.state_get(INSTANCE_SCOPE, "cursor")
    rb.state_get(PIPELINE, "cursor")  # v4: fine
    rb.telemetry_metric(json.dumps({"name": "rows", "value": rows}))
    rb.telemetry_metric(_metric("rows", rows))
    rb.telemetry_metric(telemetry.MetricEvent(name="rows", value=float(rows), labels=[]))  # v4: fine
    rb.metric(payload)

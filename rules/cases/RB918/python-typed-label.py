import json

from wit_world.imports import host


def report(stream: str, shard: int, rows: int) -> None:
    # v3 hosts took any JSON label value; v4 labels are list<tuple<string, string>>
    host.metric(json.dumps({"name": "rows", "value": {"type": "counter", "value": rows},
                            "labels": [["stream", stream], ["shard", shard]]}))
    host.log(2, "reported")

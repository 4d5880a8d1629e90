import json
from wit_world.imports import host


def reject(stream, row, err):
    host.emit_dlq_record(stream, json.dumps(row), str(err), "transient_db")

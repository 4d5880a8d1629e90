# The host module reached without an import statement: no adapter sees `_host` as the v3 host.
import importlib
import json

_host = importlib.import_module("wit_world.imports.host")


def flush(stream, rows):
    _host.checkpoint(0, json.dumps({"stream": stream, "records_processed": rows}))
    while _host.next_batch() is not None:
        rows += 1
    return rows

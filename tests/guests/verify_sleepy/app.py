"""A v4 source that blocks in a WASI sleep inside `open`, where the epoch deadline cannot interrupt it
(wasmtime interrupts wasm code only). tests/test_verify_units.py uses it to show that verify's worker
budget still ends the run: a guest can never hang `rbmigrate verify`."""

import time

from wit_world import exports


class Source(exports.Source):
    def open(self, config_json):
        time.sleep(3600)
        raise RuntimeError("unreachable")

    def validate(self, session):
        raise RuntimeError("unreachable")

    def run(self, session, request):
        raise RuntimeError("unreachable")

    def close(self, session):
        pass

"""The replay source of `rbmigrate verify`, protocol v3 (twin of app_v4.py; the frames: frames.py).

It emits, verbatim, the frames given in its config: `{"streams": {"<stream>": ["<base64 frame>", ...]}}`.
verify uses it to judge a transform or a destination in isolation: both versions of the stage under
test get exactly the batches the v3 original's upstream stage emitted. It does nothing else (no
checkpoint, metric, log or state), so it adds nothing to compare.
"""

import json

import frames
from wit_world import exports
from wit_world.imports import host, types


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        frames.load(config_json)

    def discover(self):
        return frames.catalog_json()

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "replay")

    def run_read(self, ctx_json):
        count, size = frames.emit(json.loads(ctx_json)["stream_name"], host.frame_new, host.frame_write,
                                  host.frame_seal, host.emit_batch)
        return types.ReadSummary(records_read=0, bytes_read=size, batches_emitted=count, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        frames.clear()

"""The replay source of `rbmigrate verify`, protocol v3 (twin of ../replay_v4/app.py).

It emits, verbatim, the frames given in its config: `{"streams": {"<stream>": ["<base64 frame>", ...]}}`.
verify uses it to judge a transform or a destination in isolation: both versions of the stage under
test get exactly the batches the v3 original's upstream stage emitted. It does nothing else (no
checkpoint, metric, log or state), so it adds nothing to compare.
"""

import base64
import json

from wit_world import exports
from wit_world.imports import host, types

_frames = {}


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        _frames.clear()
        _frames.update(json.loads(config_json).get("streams", {}))

    def discover(self):
        return json.dumps({"streams": [{"name": name} for name in sorted(_frames)]})

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "replay")

    def run_read(self, ctx_json):
        name = json.loads(ctx_json)["stream_name"]
        count = size = 0
        for text in _frames.get(name, []):
            data = base64.b64decode(text)
            handle = host.frame_new(len(data))
            host.frame_write(handle, data)
            host.frame_seal(handle)
            host.emit_batch(handle)
            count += 1
            size += len(data)
        return types.ReadSummary(records_read=0, bytes_read=size, batches_emitted=count, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        _frames.clear()

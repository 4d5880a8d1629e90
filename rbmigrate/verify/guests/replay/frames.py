"""What the two replay sources (app_v3.py, app_v4.py) share: the frames of their config, emitted verbatim.

The config is `{"streams": {"<stream>": ["<base64 frame>", ...]}}`. Each version passes its own host
functions; the frames and the catalog are the same in both.
"""

import base64
import json

_frames = {}


def load(config_json):
    _frames.clear()
    _frames.update(json.loads(config_json).get("streams", {}))


def clear():
    _frames.clear()


def catalog_json():
    return json.dumps({"streams": [{"name": name} for name in sorted(_frames)]})


def emit(stream, frame_new, frame_write, frame_seal, emit_batch):
    """Emit the frames of `stream` through the host; (batches, bytes) emitted."""
    count = size = 0
    for text in _frames.get(stream, []):
        data = base64.b64decode(text)
        handle = frame_new(len(data))
        frame_write(handle, data)
        frame_seal(handle)
        emit_batch(handle)
        count += 1
        size += len(data)
    return count, size

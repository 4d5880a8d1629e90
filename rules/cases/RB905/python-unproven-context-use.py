import json
from wit_world import exports
from wit_world.imports import host, types


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        pass

    def discover(self):
        return "{}"

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "")

    def run_read(self, ctx_json):
        ctx = json.loads(ctx_json)
        key = "stream_name"
        name = ctx[key]
        audit(ctx)
        for k in ctx.items():
            host.log(3, str(k))
        mode = ctx["sync_mode"]  # still migrates
        return types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        pass

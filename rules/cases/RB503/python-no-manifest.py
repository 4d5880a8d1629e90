import json
from wit_world import exports
from wit_world.imports import host, types


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        host.log(2, "configured")

    def discover(self):
        return json.dumps({"streams": []})

    def validate(self):
        return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="ok")

    def run_read(self, ctx_json):
        ctx = json.loads(ctx_json)
        host.log(2, "reading " + ctx["stream_name"])
        return types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        pass

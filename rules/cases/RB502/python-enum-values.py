import json
from wit_world import exports
from wit_world.imports import host, types


class DestConnector(exports.DestConnector):
    def open(self, config_json):
        pass

    def validate(self):
        return types.ValidationResult(types.ValidationStatus.SUCCESS, "")

    def run_write(self, ctx_json):
        ctx = json.loads(ctx_json)
        if ctx["sync_mode"] == "incremental":
            host.log(3, "incremental")
        write_mode = ctx.get("write_mode") or {"mode": "append"}
        mode = write_mode.get("mode", "append")
        if mode in ("replace", "upsert"):
            host.log(2, "mode %s, policy %s" % (mode, ctx["policies"]["on_data_error"]))
        return types.WriteSummary(records_written=0, bytes_written=0, batches_written=0, checkpoint_count=0,
                                  records_failed=0)

    def close(self):
        pass

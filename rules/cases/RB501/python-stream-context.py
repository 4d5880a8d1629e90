import json
from wit_world import exports
from wit_world.imports import host, types


def _limits(ctx):
    return ctx["limits"]


def _max_records(ctx):
    return _limits(ctx).get("max_records")


def _cursor_field(ctx):
    info = ctx.get("cursor_info")
    return info["cursor_field"] if info else None


class SourceConnector(exports.SourceConnector):
    def open(self, config_json):
        pass

    def discover(self):
        return "{}"

    def validate(self):
        return types.ValidationResult(status=types.ValidationStatus.SUCCESS, message="")

    def run_read(self, ctx_json):
        ctx = json.loads(ctx_json)
        name = ctx["stream_name"]
        columns = ctx.get("selected_columns") or []
        batch_bytes = _limits(ctx).get("max_batch_bytes")
        limit = _max_records(ctx)
        cursor = _cursor_field(ctx)
        last = ctx["cursor_info"].get("last_value") if cursor else None
        evolution = ctx["policies"]["schema_evolution"]
        part = ctx.get("partition_index")
        pk = (ctx.get("write_mode") or {}).get("primary_key") or []
        names = [c["name"] for c in ctx["schema"]["data"]]
        host.log(3, "%s %s %s %s %s %s %s %s %s" % (name, columns, batch_bytes, limit, last, evolution, part, pk, names))
        return types.ReadSummary(records_read=0, bytes_read=0, batches_emitted=0, checkpoint_count=0,
                                 records_skipped=0)

    def close(self):
        pass

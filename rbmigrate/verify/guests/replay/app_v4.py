"""The replay source of `rbmigrate verify`, protocol v4 (twin of app_v3.py; the frames: frames.py)."""

import frames
from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import core_types, host_io, stream_types


def _limits():
    mib = 1024 * 1024
    return core_types.StreamLimits(max_batch_bytes=64 * mib, max_record_bytes=16 * mib, max_inflight_batches=16,
                                   max_parallel_requests=1, checkpoint_interval_bytes=64 * mib,
                                   checkpoint_interval_rows=0, checkpoint_interval_seconds=0)


class Source(exports.Source):
    def open(self, config_json):
        frames.load(config_json)
        return (1, core_types.OpenInfo(connector_id="rbmigrate/replay", role=core_types.ConnectorRole.SOURCE,
                                       protocol_version="4", capabilities=[], default_limits=_limits()))

    def validate(self, session):
        return core_types.ValidationReport(core_types.ValidationStatus.SUCCESS, "replay", [])

    def run(self, session, request):
        if request.phase == core_types.RunPhase.DISCOVER:
            return stream_types.RunSummary(role=core_types.ConnectorRole.SOURCE, read=None, write=None,
                                           transform=None, discover=stream_types.DiscoverSummary(frames.catalog_json()))
        if request.phase != core_types.RunPhase.READ:
            raise Err(core_types.ConnectorError(
                category=core_types.ErrorCategory.CONFIG, scope=core_types.ErrorScope.PER_STREAM,
                code="UNSUPPORTED_PHASE", message="source does not serve phase " + request.phase.name.lower(),
                retryable=False, retry_after_ms=None, backoff_class=core_types.BackoffClass.NORMAL,
                safe_to_retry=False, commit_state=None, details=None))
        count, size = frames.emit(request.stream.stream_name, host_io.frame_new, host_io.frame_write,
                                  host_io.frame_seal, host_io.batch_emit)
        summary = stream_types.ReadSummary(records_read=0, bytes_read=size, batches_emitted=count,
                                           checkpoint_count=0, records_skipped=0)
        return stream_types.RunSummary(role=core_types.ConnectorRole.SOURCE, read=summary, write=None,
                                       transform=None, discover=None)

    def close(self, session):
        frames.clear()

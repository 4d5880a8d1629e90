"""Reference hosts of protocol v3 and v4, and the pipeline runner.

    from rbmigrate.hosts import (StreamSpec, PipelineSpec, HostOptions, PipelineResult, run_pipeline,
                                 build_python_component, StateStore)

Importing this package does not import wasmtime: that happens on the first run.
"""

from .batch import Batch, BatchFormatError, decode_batch, encode_batch
from .build import BuildError, build_python_component
from .events import (
    BatchEvent, CasOutcome, CheckpointEvent, DlqEvent, ErrorEvent, LogEvent, MetricEvent, PipelineResult,
    StateReport, StateWrite, SummaryEvent, ValidationEvent,
)
from .pipeline import run_pipeline
from .spec import DEFAULT_LIMITS, HostOptions, PipelineSpec, StreamSpec
from .state import StateStore

__all__ = [
    "Batch", "BatchEvent", "BatchFormatError", "BuildError", "CasOutcome", "CheckpointEvent", "DEFAULT_LIMITS",
    "DlqEvent", "ErrorEvent", "HostOptions", "LogEvent", "MetricEvent", "PipelineResult", "PipelineSpec",
    "StateReport", "StateStore", "StateWrite", "StreamSpec", "SummaryEvent", "ValidationEvent",
    "build_python_component", "decode_batch", "encode_batch", "run_pipeline",
]

import json
from componentize_py_types import Err
from wit_world import exports
from wit_world.imports.host import emit_batch, next_batch
from wit_world.imports.types import TransformSummary, ValidationResult, ValidationStatus


class TransformConnector(exports.TransformConnector):
    def open(self, config_json: str) -> None:
        json.loads(config_json)

    def validate(self) -> ValidationResult:
        return ValidationResult(ValidationStatus.SUCCESS, "")

    def run_transform(self, ctx_json: str) -> TransformSummary:
        n = 0
        while (handle := next_batch()) is not None:
            emit_batch(handle)
            n += 1
        return TransformSummary(records_in=0, records_out=0, bytes_in=0, bytes_out=0, batches_processed=n)

    def close(self) -> None:
        pass

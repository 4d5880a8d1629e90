import json
from componentize_py_types import Err
from wit_world.imports.types import BackoffClass, ConnectorError, ErrorCategory, ErrorScope


def fail(details):
    return Err(ConnectorError(category=ErrorCategory.DATA, scope=ErrorScope.PER_RECORD, code="BAD", message="bad",
                              retryable=False, retry_after_ms=None, backoff_class=BackoffClass.NORMAL,
                              safe_to_retry=False, commit_state=None, details_json=json.dumps(details)))

from wit_world.imports import types


def error(code):
    return types.ConnectorError(category=types.ErrorCategory.CONFIG, scope=types.ErrorScope.PER_STREAM,
                                code=code, message=code, retryable=False, retry_after_ms=None,
                                backoff_class=types.BackoffClass.NORMAL, safe_to_retry=False,
                                commit_state=None, details_json=None), types.ReadSummary

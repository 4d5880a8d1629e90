from wit_world.imports.types import ValidationResult, ValidationStatus


def check(ok):
    if not ok:
        return ValidationResult(ValidationStatus.FAILED, "not reachable")
    return ValidationResult(
        status=ValidationStatus.SUCCESS,
        message="reachable",
    )

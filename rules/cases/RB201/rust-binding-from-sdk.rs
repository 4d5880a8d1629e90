use rapidbyte_sdk::bindings::source::rapidbyte::connector::types as wit;
use rapidbyte_sdk::{ValidationResult, ValidationStatus};

/// The SDK's record into the binding's: the field v4 adds is carried over from the SDK value.
pub fn to_wit(result: ValidationResult) -> wit::ValidationResult {
    let status = match result.status {
        ValidationStatus::Success => wit::ValidationStatus::Success,
        ValidationStatus::Failed => wit::ValidationStatus::Failed,
        ValidationStatus::Warning => wit::ValidationStatus::Warning,
    };
    wit::ValidationResult { status, message: result.message }
}

/// Built from something else: the empty default.
pub fn failed(message: String) -> wit::ValidationResult {
    wit::ValidationResult { status: wit::ValidationStatus::Failed, message }
}

/// From a borrowed SDK record: carrying the field over would move out of the borrow, so the empty default.
pub fn to_wit_ref(result: &ValidationResult) -> wit::ValidationResult {
    wit::ValidationResult { status: result.status, message: result.message.clone() }
}

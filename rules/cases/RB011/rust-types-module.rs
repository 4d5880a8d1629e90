use crate::bindings::rapidbyte::connector::types;

pub struct SourceRun {
    pub validation: Option<types::ValidationResult>,
    pub summaries: Vec<(String, types::ReadSummary)>,
}

fn fail(category: types::ErrorCategory) -> types::ConnectorError {
    types::ConnectorError::new(category)
}

use crate::rapidbyte::connector::types as wit;

impl From<wit::ConnectorError> for ConnectorError {
    fn from(e: wit::ConnectorError) -> Self {
        ConnectorError { code: e.code, details: e.details_json }
    }
}

impl From<ReadSummary> for wit::ReadSummary {
    fn from(s: ReadSummary) -> Self {
        wit::ReadSummary { records_read: s.records_read }
    }
}

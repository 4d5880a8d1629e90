use crate::bindings::rapidbyte::connector::types;

fn error(code: &str, details_json: Option<String>) -> types::ConnectorError {
    types::ConnectorError { code: code.to_owned(), details_json }
}

fn details(e: &types::ConnectorError) -> Option<String> {
    e.details_json.clone()
}

//! CSV parsing (RFC 4180 quoting, header row first).

use rapidbyte_sdk::prelude::*;

/// Something that can produce the raw rows of a named stream.
pub trait RowReader {
    /// Header row first, then the data rows.
    fn read_stream(&mut self, name: &str) -> Result<Vec<Vec<String>>, ConnectorError>;
}

pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ConnectorError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(ConnectorError::data("CSV_QUOTE", "unterminated quoted field"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

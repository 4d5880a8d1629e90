//! Decoding of the host-call arguments that stay JSON in v4: the cursor of a
//! `checkpoint-event`, `{"field": .., "value": ..}`.

use rapidbyte_types::{ConnectorError, CursorValue};

/// The cursor field and value of a checkpoint event, if it has a cursor.
pub fn parse_cursor(cursor: Option<&str>) -> Result<(Option<String>, Option<CursorValue>), ConnectorError> {
    let Some(json) = cursor else {
        return Ok((None, None));
    };
    let bad = |message: String| ConnectorError::internal("BAD_CHECKPOINT", message);
    let mut cursor: serde_json::Value = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    let field = cursor["field"].as_str().ok_or_else(|| bad(format!("cursor without a field: {json}")))?.to_owned();
    let value = serde_json::from_value(cursor["value"].take()).map_err(|e| bad(e.to_string()))?;
    Ok((Some(field), Some(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_is_field_and_value() {
        let (field, value) = parse_cursor(Some(r#"{"field": "id", "value": 42}"#)).unwrap();
        assert_eq!((field.as_deref(), value), (Some("id"), Some(CursorValue::Int(42))));
        assert_eq!(parse_cursor(None).unwrap(), (None, None));
        assert_eq!(parse_cursor(Some("[]")).unwrap_err().code, "BAD_CHECKPOINT");
    }
}

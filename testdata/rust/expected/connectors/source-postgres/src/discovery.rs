//! Catalog discovery from `information_schema`.

use rapidbyte_sdk::{Catalog, ColumnSchema, ConnectorError, Stream, SyncMode};

use crate::client::PgClient;

/// Map a PostgreSQL type name to a logical batch type (docs/batch-format.md).
pub fn logical_type(pg_type: &str) -> &'static str {
    match pg_type {
        "smallint" | "integer" | "bigint" | "int2" | "int4" | "int8" => "int64",
        "real" | "double precision" | "float4" | "float8" => "float64",
        "numeric" | "decimal" => "numeric",
        "boolean" | "bool" => "bool",
        "timestamp without time zone" | "timestamp" => "timestamp",
        "timestamp with time zone" | "timestamptz" => "timestamptz",
        "date" => "date",
        "json" | "jsonb" => "json",
        "bytea" => "bytes",
        _ => "string",
    }
}

/// Logical type for a result column's type OID.
pub fn logical_type_for_oid(oid: u32) -> &'static str {
    match oid {
        20 | 21 | 23 => "int64",
        700 | 701 => "float64",
        1700 => "numeric",
        16 => "bool",
        1114 => "timestamp",
        1184 => "timestamptz",
        1082 => "date",
        114 | 3802 => "json",
        17 => "bytes",
        _ => "string",
    }
}

pub fn discover(client: &mut PgClient, schema: &str) -> Result<Catalog, ConnectorError> {
    let columns = client.query(&format!(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable \
         FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = '{schema}' AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position"
    ))?;
    let keys = client.query(&format!(
        "SELECT k.table_name, k.column_name FROM information_schema.key_column_usage k \
         JOIN information_schema.table_constraints tc ON tc.constraint_name = k.constraint_name \
         AND tc.table_schema = k.table_schema \
         WHERE k.table_schema = '{schema}' AND tc.constraint_type = 'PRIMARY KEY' \
         ORDER BY k.table_name, k.ordinal_position"
    ))?;

    let mut catalog = Catalog::default();
    for row in &columns.rows {
        let [Some(table), Some(column), Some(data_type), Some(nullable)] = &row[..] else {
            return Err(ConnectorError::schema("DISCOVERY_ROW", "unexpected information_schema row"));
        };
        if catalog.streams.last().map(|s| &s.name) != Some(table) {
            catalog.streams.push(Stream {
                name: table.clone(),
                schema: Vec::new(),
                supported_sync_modes: vec![SyncMode::FullRefresh, SyncMode::Incremental],
                source_defined_cursor: None,
                source_defined_primary_key: None,
            });
        }
        let stream = catalog.streams.last_mut().expect("stream was just pushed");
        stream.schema.push(ColumnSchema {
            name: column.clone(),
            data_type: logical_type(data_type).to_owned(),
            nullable: nullable == "YES",
        });
    }
    for row in &keys.rows {
        if let [Some(table), Some(column)] = &row[..] {
            if let Some(stream) = catalog.streams.iter_mut().find(|s| &s.name == table) {
                stream.source_defined_primary_key.get_or_insert_with(Vec::new).push(column.clone());
            }
        }
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_types() {
        assert_eq!(logical_type("bigint"), "int64");
        assert_eq!(logical_type("character varying"), "string");
        assert_eq!(logical_type_for_oid(1184), "timestamptz");
    }
}

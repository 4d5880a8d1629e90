//! Inline CSV source: each config entry `streams.<name>` is a CSV document
//! (header row first) served as the stream `<name>`, all columns `string`.

mod reader;

use rapidbyte_sdk::prelude::*;

use crate::reader::{parse_csv, RowReader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub streams: Vec<(String, String)>,
}

impl ConnectorConfig for Config {
    fn from_json(value: &JsonValue) -> Result<Self, ConnectorError> {
        let Some(JsonValue::Object(streams)) = value.get("streams") else {
            return Err(ConnectorError::config("MISSING_STREAMS", "`streams` must map stream names to CSV text"));
        };
        let streams = streams
            .iter()
            .map(|(name, csv)| match csv.as_str() {
                Some(csv) => Ok((name.clone(), csv.to_owned())),
                None => Err(ConnectorError::config("INVALID_STREAM", format!("streams.{name} must be a string"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Config { streams })
    }
}

#[connector(source)]
pub struct CsvSource {
    config: Config,
}

// TRAP: moved-body name collision: CsvSource already has read_stream (from RowReader); moving
// Source::read into an inherent read_stream would shadow it, so the codemod must report a finding
impl RowReader for CsvSource {
    fn read_stream(&mut self, name: &str) -> Result<Vec<Vec<String>>, ConnectorError> {
        let (_, text) =
            self.config.streams.iter().find(|(stream, _)| stream == name).ok_or_else(|| {
                ConnectorError::config("UNKNOWN_STREAM", format!("no CSV document for stream {name}"))
            })?;
        parse_csv(text)
    }
}

fn string_columns(header: &[String]) -> Vec<ColumnSchema> {
    header
        .iter()
        .map(|name| ColumnSchema { name: name.clone(), data_type: "string".to_owned(), nullable: true })
        .collect()
}

impl Source for CsvSource {
    type Config = Config;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        let info = ConnectorInfo {
            protocol_version: ProtocolVersion::V2,
            features: vec![],
            default_max_batch_bytes: StreamLimits::DEFAULT_MAX_BATCH_BYTES,
        };
        Ok((Self { config }, info))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        let mut catalog = Catalog::default();
        for (name, _) in self.config.streams.clone() {
            let rows = self.read_stream(&name)?;
            catalog.streams.push(Stream {
                name,
                schema: string_columns(rows.first().map(Vec::as_slice).unwrap_or_default()),
                supported_sync_modes: vec![SyncMode::FullRefresh],
                source_defined_cursor: None,
                source_defined_primary_key: None,
            });
        }
        Ok(catalog)
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        let mut rows = self.read_stream(&stream.stream_name)?.into_iter();
        let header = rows.next().unwrap_or_default();
        let mut batch = RecordBatch::new(stream.stream_name.clone(), string_columns(&header));
        for row in rows {
            batch.push_row(row.into_iter().map(JsonValue::from).collect())?;
        }
        let summary = ReadSummary {
            records_read: batch.num_rows() as u64,
            bytes_read: batch.byte_size(),
            batches_emitted: u64::from(!batch.is_empty()),
            ..ReadSummary::default()
        };
        if !batch.is_empty() {
            ctx.emit_batch(&batch)?;
        }
        Ok(summary)
    }
}

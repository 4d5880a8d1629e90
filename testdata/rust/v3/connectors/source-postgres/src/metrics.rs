//! Per-stream read metrics.

use rapidbyte_sdk::{ConnectorError, Context, Metric, MetricValue, ReadSummary};

/// Wall-clock time spent in the two expensive steps of a read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReadTimings {
    pub query_nanos: u64,
    // TRAP: emit_batch_nanos only contains a protocol name; it is not one
    pub emit_batch_nanos: u64,
}

pub fn report(ctx: &Context, stream: &str, summary: &ReadSummary, timings: &ReadTimings) -> Result<(), ConnectorError> {
    let labels = vec![("stream".to_owned(), stream.to_owned())];
    ctx.metric(&Metric {
        name: "source_records_read".to_owned(),
        value: MetricValue::Counter(summary.records_read),
        labels: labels.clone(),
    })?;
    ctx.metric(&Metric {
        name: "source_bytes_read".to_owned(),
        value: MetricValue::Counter(summary.bytes_read),
        labels: labels.clone(),
    })?;
    ctx.metric(&Metric {
        name: "source_query_secs".to_owned(),
        value: MetricValue::Histogram(timings.query_nanos as f64 / 1e9),
        labels: labels.clone(),
    })?;
    ctx.metric(&Metric {
        name: "source_emit_secs".to_owned(),
        value: MetricValue::Histogram(timings.emit_batch_nanos as f64 / 1e9),
        labels,
    })
}

// `mod metrics` is a module name, not the metric host call
mod metrics;

use rapidbyte_sdk::{ConnectorError, Context, Metric, MetricValue};

pub fn report(ctx: &Context, rows: u64) -> Result<(), ConnectorError> {
    ctx.metric(&Metric { name: "rows".to_owned(), value: MetricValue::Counter(rows), labels: vec![] })
}

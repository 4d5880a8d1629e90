//! Connector metrics.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum MetricValue {
    Counter(u64),
    Gauge(f64),
    Histogram(f64),
}

impl MetricValue {
    pub fn as_f64(self) -> f64 {
        match self {
            MetricValue::Counter(n) => n as f64,
            MetricValue::Gauge(v) | MetricValue::Histogram(v) => v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub value: MetricValue,
    #[serde(default)]
    pub labels: Vec<(String, String)>,
}

impl Metric {
    pub fn counter(name: &str, value: u64) -> Metric {
        Metric { name: name.to_owned(), value: MetricValue::Counter(value), labels: Vec::new() }
    }

    pub fn gauge(name: &str, value: f64) -> Metric {
        Metric { name: name.to_owned(), value: MetricValue::Gauge(value), labels: Vec::new() }
    }

    pub fn with_label(mut self, key: &str, value: &str) -> Metric {
        self.labels.push((key.to_owned(), value.to_owned()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let metric = Metric::counter("rows_read", 12).with_label("stream", "users");
        let json = serde_json::to_string(&metric).unwrap();
        assert_eq!(json, r#"{"name":"rows_read","value":{"type":"counter","value":12},"labels":[["stream","users"]]}"#);
        assert_eq!(serde_json::from_str::<Metric>(&json).unwrap(), metric);
        assert_eq!(Metric::gauge("lag", 1.5).value.as_f64(), 1.5);
    }
}

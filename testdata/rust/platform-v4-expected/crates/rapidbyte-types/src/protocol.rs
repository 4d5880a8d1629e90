//! The protocol version, connector features, and what a connector tells the
//! host about itself when it is opened.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::limits::{StreamLimits, DEFAULT_MAX_BATCH_BYTES};

/// Version of the connector protocol a connector speaks, as manifests and
/// envelopes carry it (its serde name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProtocolVersion {
    #[serde(rename = "4", alias = "2")]
    V4,
}

impl ProtocolVersion {
    /// The version this crate implements.
    pub const CURRENT: ProtocolVersion = ProtocolVersion::V4;

    /// The wire name, as written in manifests and envelopes.
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V4 => "4",
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported protocol version {0:?}")]
pub struct UnknownProtocolVersion(pub String);

impl FromStr for ProtocolVersion {
    type Err = UnknownProtocolVersion;

    /// Parses a manifest's `protocol_version`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "4" => Ok(ProtocolVersion::V4),
            other => Err(UnknownProtocolVersion(other.to_owned())),
        }
    }
}

/// Optional behaviour a connector declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Cdc,
    Stateful,
    ExactlyOnce,
    SchemaAutoMigrate,
    BulkLoadCopy,
}

impl fmt::Display for Feature {
    /// Kebab-case, as in manifests' `capabilities` lists.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Feature::Cdc => "cdc",
            Feature::Stateful => "stateful",
            Feature::ExactlyOnce => "exactly-once",
            Feature::SchemaAutoMigrate => "schema-auto-migrate",
            Feature::BulkLoadCopy => "bulk-load-copy",
        })
    }
}

/// What a connector says about itself when it is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInfo {
    pub protocol_version: ProtocolVersion,
    pub capabilities: Vec<Feature>,
    pub default_limits: StreamLimits,
}

impl OpenInfo {
    pub fn new(features: Vec<Feature>) -> OpenInfo {
        OpenInfo {
            protocol_version: ProtocolVersion::V4,
            capabilities: features,
            default_limits: StreamLimits { max_batch_bytes: DEFAULT_MAX_BATCH_BYTES, ..StreamLimits::default() },
        }
    }

    pub fn with_max_batch_bytes(mut self, bytes: u64) -> OpenInfo {
        self.default_limits.max_batch_bytes = bytes;
        self
    }

    pub fn supports(&self, feature: Feature) -> bool {
        self.capabilities.contains(&feature)
    }
}

impl Default for OpenInfo {
    fn default() -> Self {
        OpenInfo::new(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_wire_name_matches_display() {
        let json = serde_json::to_string(&ProtocolVersion::CURRENT).unwrap();
        assert_eq!(json, format!("\"{}\"", ProtocolVersion::CURRENT));
        assert_eq!(serde_json::from_str::<ProtocolVersion>(&json).unwrap(), ProtocolVersion::CURRENT);
        assert_eq!(ProtocolVersion::CURRENT.as_str().parse::<ProtocolVersion>(), Ok(ProtocolVersion::CURRENT));
    }

    #[test]
    fn reads_versions_stored_by_v3_hosts() {
        let stored: ProtocolVersion = serde_json::from_str(r#""2""#).unwrap();
        assert_eq!(stored, ProtocolVersion::V4);
        assert!("1".parse::<ProtocolVersion>().is_err());
    }

    #[test]
    fn connector_info_round_trips() {
        let info = OpenInfo {
            protocol_version: ProtocolVersion::V4,
            capabilities: vec![Feature::Cdc, Feature::ExactlyOnce],
            default_limits: StreamLimits { max_batch_bytes: 4 * 1024 * 1024, ..StreamLimits::default() },
        };
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(serde_json::from_str::<OpenInfo>(&json).unwrap(), info);
        assert!(info.supports(Feature::Cdc) && !info.supports(Feature::Stateful));
    }

    #[test]
    fn builder_sets_the_batch_size() {
        let info = OpenInfo::new(vec![Feature::BulkLoadCopy]).with_max_batch_bytes(1024);
        assert_eq!(info.default_limits.max_batch_bytes, 1024);
        assert_eq!(OpenInfo::default().default_limits.max_batch_bytes, DEFAULT_MAX_BATCH_BYTES);
        assert_eq!(Feature::SchemaAutoMigrate.to_string(), "schema-auto-migrate");
    }
}

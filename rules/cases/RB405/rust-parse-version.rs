use std::str::FromStr;

use rapidbyte_sdk::types::ProtocolVersion;

pub struct Unknown(pub String);

pub struct Manifest(pub ProtocolVersion);

impl FromStr for Manifest {
    type Err = Unknown;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "2" | "3" => Ok(Manifest(ProtocolVersion::V2)),
            other => Err(Unknown(other.to_owned())),
        }
    }
}

/// Reads v3 data on purpose: "4" is already matched, so the v3 arm is reported, not rewritten.
pub fn stored(s: &str) -> Option<ProtocolVersion> {
    match s {
        "4" => Some(ProtocolVersion::V2),
        "2" | "3" => Some(ProtocolVersion::V2),
        _ => None,
    }
}

/// One arm per v3 string: the first becomes `"4"`, the second is reported.
pub fn each(s: &str) -> Option<ProtocolVersion> {
    match s {
        "2" => Some(ProtocolVersion::V2),
        "3" => Some(ProtocolVersion::V2),
        _ => None,
    }
}

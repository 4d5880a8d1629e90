use rapidbyte_sdk::types::ProtocolVersion;

pub fn is_current(v: ProtocolVersion) -> bool {
    matches!(v, ProtocolVersion::V2 | ProtocolVersion::V3)
}

pub const VERSION: ProtocolVersion = ProtocolVersion::V2;

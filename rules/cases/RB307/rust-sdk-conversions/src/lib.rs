//! The SDK's records into the bindings' records: v4's exports also need `OpenInfo`, `RunRequest` and
//! `RunSummary` converted; the last conversion of a summary is where they go.

mod bindings; // wit_bindgen::generate! output

use crate::bindings::source::rapidbyte::connector::types as wit;

pub struct ReadSummary {
    pub records_read: u64,
}

pub struct RunRequest;
pub struct RunSummary;
pub struct RunPhase;

impl From<ReadSummary> for wit::ReadSummary {
    fn from(s: ReadSummary) -> Self {
        wit::ReadSummary { records_read: s.records_read }
    }
}

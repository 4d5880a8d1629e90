//! `macro_rules!` bodies are code: `$world` is kept byte for byte, the rest migrates.

use rapidbyte_sdk::{ConnectorError, ReadSummary};

macro_rules! conversions {
    ($world:ident) => {
        const _: () = {
            use $world::rapidbyte::connector::types as wit;

            impl From<wit::ConnectorError> for ConnectorError {
                fn from(e: wit::ConnectorError) -> Self {
                    ConnectorError { code: e.code, details: e.details_json }
                }
            }

            impl From<ReadSummary> for wit::ReadSummary {
                fn from(s: ReadSummary) -> Self {
                    wit::ReadSummary { records_read: s.records_read }
                }
            }

            $crate::register!($world, wit::ConnectorError);
        };
    };
}

// a lookalike: the metavariables are named like v3 items and stay as they are
macro_rules! forward {
    ($emit_batch:ident, $types:ident) => {
        fn $emit_batch(h: u64) -> u64 {
            $types::len(h)
        }
    };
}

conversions!(host);
forward!(emit_batch, types);

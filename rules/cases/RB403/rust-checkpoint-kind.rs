use rapidbyte_sdk::prelude::*;

fn kind_name(kind: CheckpointKind) -> &'static str {
    match kind {
        CheckpointKind::Source => "source",
        CheckpointKind::Dest => "dest",
        CheckpointKind::Transform => "transform",
    }
}

// a local enum with the same variant name is not the SDK's
enum Side {
    Src,
    Dest,
}

fn side() -> Side {
    Side::Dest
}

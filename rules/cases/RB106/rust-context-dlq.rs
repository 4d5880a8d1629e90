use rapidbyte_sdk::{ConnectorError, Context, ErrorCategory};

pub fn reject(ctx: Context, raw: &str, err: &ConnectorError) -> Result<(), ConnectorError> {
    let ctx2 = ctx.clone();
    ctx2.emit_dlq_record(raw, &err.message, ErrorCategory::Data)
}

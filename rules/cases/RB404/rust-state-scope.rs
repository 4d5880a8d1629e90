use rapidbyte_sdk::{ConnectorError, Context, StateScope};

pub fn cursor(ctx: &Context) -> Result<Option<String>, ConnectorError> {
    ctx.state_get(StateScope::Stream, "cursor")
}

pub fn pipeline(ctx: &Context) -> Result<Option<String>, ConnectorError> {
    ctx.state_get(StateScope::Pipeline, "cursor")
}

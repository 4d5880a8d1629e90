use rapidbyte_sdk::{ConnectorError, Source};

/// `<T as Source>::init` names the trait method through a qualified path.
pub async fn open_one<T: Source>(config: T::Config) -> Result<T, ConnectorError> {
    let (connector, _info) = <T as Source>::init(config).await?;
    Ok(connector)
}

/// A lookalike: `init` of a trait that is not the SDK's stays.
pub trait Init {
    fn init() -> Self;
}

pub fn make<T: Init>() -> T {
    <T as Init>::init()
}

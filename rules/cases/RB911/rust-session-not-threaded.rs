use rapidbyte_runtime::{source, Loaded};

/// The session lives elsewhere: reported, not rewritten.
pub fn shutdown(loaded: &mut Loaded<source::RapidbyteSource>) -> wasmtime::Result<()> {
    let guest = loaded.bindings.rapidbyte_connector_source();
    guest.call_close(&mut loaded.store)?.map_err(wasmtime::Error::from)
}

/// `session` is taken: no binding is made.
pub fn reopen(loaded: &mut Loaded<source::RapidbyteSource>, session: &str) -> wasmtime::Result<()> {
    let guest = loaded.bindings.rapidbyte_connector_source();
    guest.call_open(&mut loaded.store, session)??;
    guest.call_validate(&mut loaded.store)??;
    Ok(())
}

/// Two guests opened in one function: which session goes where is not for the codemod to guess.
pub fn pair(a: &mut Loaded<source::RapidbyteSource>, b: &mut Loaded<source::RapidbyteSource>) -> wasmtime::Result<()> {
    let first = a.bindings.rapidbyte_connector_source();
    let second = b.bindings.rapidbyte_connector_source();
    first.call_open(&mut a.store, "{}")??;
    second.call_open(&mut b.store, "{}")??;
    first.call_close(&mut a.store)??;
    assert!(second.call_close(&mut b.store).is_ok());
    Ok(())
}

/// The value goes into a closure: not a dropped statement.
pub fn mapped(loaded: &mut Loaded<source::RapidbyteSource>) -> bool {
    let guest = loaded.bindings.rapidbyte_connector_source();
    guest.call_open(&mut loaded.store, "{}").map(|r| r.is_ok()).unwrap_or(false)
}

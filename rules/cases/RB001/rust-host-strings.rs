//! Registers the host functions of `rapidbyte:connector/host@3.0.0`.

/// The instance name every v3 connector imports.
pub const HOST_INTERFACE: &str = "rapidbyte:connector/host@3.0.0";
pub const SOURCE_WORLD: &str = "rapidbyte:connector/rapidbyte-source@3.0.0";

pub fn add_to_linker(linker: &mut Linker) -> Result<(), Error> {
    let mut inst = linker.instance(HOST_INTERFACE)?;
    inst.add_func("emit-batch", emit)?;
    inst.add_func("checkpoint", checkpoint)?;
    // a label, not a WIT name: listed (RB904), left as it is
    trace("emit-batch");
    Ok(())
}

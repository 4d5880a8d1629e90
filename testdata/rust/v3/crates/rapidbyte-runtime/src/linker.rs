//! Registers the host functions of `rapidbyte:connector/host@3.0.0` with a
//! [`Linker`], converting between component values and the [`Host`] methods.

use crate::bindings::rapidbyte::connector::host::Host;
use crate::bindings::rapidbyte::connector::types;
use crate::component::{Error, Linker, Result, Val};

/// The instance name every v3 connector imports.
pub const HOST_INTERFACE: &str = "rapidbyte:connector/host@3.0.0";

fn arg(args: &[Val], i: usize) -> Result<&Val> {
    args.get(i).ok_or_else(|| Error::new(format!("missing argument {i}")))
}

fn arg_u64(args: &[Val], i: usize) -> Result<u64> {
    arg(args, i)?.as_u64()
}

fn arg_u32(args: &[Val], i: usize) -> Result<u32> {
    u32::try_from(arg_u64(args, i)?).map_err(|_| Error::new(format!("argument {i} is not a u32")))
}

fn arg_string(args: &[Val], i: usize) -> Result<String> {
    Ok(arg(args, i)?.as_str()?.to_owned())
}

fn arg_opt_string(args: &[Val], i: usize) -> Result<Option<String>> {
    match arg(args, i)? {
        Val::Option(None) => Ok(None),
        Val::Option(Some(v)) => Ok(Some(v.as_str()?.to_owned())),
        other => Err(Error::new(format!("argument {i}: expected an option, got {other:?}"))),
    }
}

fn arg_bytes(args: &[Val], i: usize) -> Result<Vec<u8>> {
    match arg(args, i)? {
        Val::List(items) => items
            .iter()
            .map(|v| v.as_u64().and_then(|b| u8::try_from(b).map_err(|_| Error::new("byte out of range"))))
            .collect(),
        other => Err(Error::new(format!("argument {i}: expected list<u8>, got {other:?}"))),
    }
}

fn ret<R>(
    result: std::result::Result<R, types::ConnectorError>,
    ok: impl FnOnce(R) -> Option<Val>,
) -> Result<Vec<Val>> {
    Ok(vec![match result {
        Ok(value) => Val::ok(ok(value)),
        Err(err) => Val::err(err.lower()),
    }])
}

/// Define every host function, reaching the host through `get`.
pub fn add_to_linker<T: 'static, H: Host + 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut H) -> Result<()> {
    let mut inst = linker.instance(HOST_INTERFACE)?;
    inst.add_func("emit-batch", move |t, args| ret(get(t).emit_batch(arg_u64(args, 0)?), |()| None))?;
    inst.add_func("next-batch", move |t, _| {
        ret(get(t).next_batch(), |h| Some(Val::Option(h.map(|h| Box::new(Val::U64(h))))))
    })?;
    inst.add_func("log", move |t, args| {
        get(t).log(arg_u32(args, 0)?, arg_string(args, 1)?);
        Ok(vec![])
    })?;
    inst.add_func("checkpoint", move |t, args| {
        ret(get(t).checkpoint(arg_u32(args, 0)?, arg_string(args, 1)?), |()| None)
    })?;
    inst.add_func("metric", move |t, args| ret(get(t).metric(arg_string(args, 0)?), |()| None))?;
    inst.add_func("emit-dlq-record", move |t, args| {
        let result = get(t).emit_dlq_record(
            arg_string(args, 0)?,
            arg_string(args, 1)?,
            arg_string(args, 2)?,
            arg_string(args, 3)?,
        );
        ret(result, |()| None)
    })?;
    inst.add_func("state-get", move |t, args| {
        ret(get(t).state_get(arg_u32(args, 0)?, arg_string(args, 1)?), |v| {
            Some(Val::Option(v.map(|s| Box::new(Val::String(s)))))
        })
    })?;
    inst.add_func("state-put", move |t, args| {
        ret(get(t).state_put(arg_u32(args, 0)?, arg_string(args, 1)?, arg_string(args, 2)?), |()| None)
    })?;
    inst.add_func("state-cas", move |t, args| {
        let result =
            get(t).state_cas(arg_u32(args, 0)?, arg_string(args, 1)?, arg_opt_string(args, 2)?, arg_string(args, 3)?);
        ret(result, |swapped| Some(Val::Bool(swapped)))
    })?;
    inst.add_func("frame-new", move |t, args| ret(get(t).frame_new(arg_u64(args, 0)?), |h| Some(Val::U64(h))))?;
    inst.add_func("frame-write", move |t, args| {
        ret(get(t).frame_write(arg_u64(args, 0)?, arg_bytes(args, 1)?), |n| Some(Val::U64(n)))
    })?;
    inst.add_func("frame-seal", move |t, args| ret(get(t).frame_seal(arg_u64(args, 0)?), |()| None))?;
    inst.add_func("frame-len", move |t, args| ret(get(t).frame_len(arg_u64(args, 0)?), |n| Some(Val::U64(n))))?;
    inst.add_func("frame-read", move |t, args| {
        ret(get(t).frame_read(arg_u64(args, 0)?, arg_u64(args, 1)?, arg_u64(args, 2)?), |bytes| {
            Some(Val::List(bytes.into_iter().map(|b| Val::U32(u32::from(b))).collect()))
        })
    })?;
    inst.add_func("frame-drop", move |t, args| {
        get(t).frame_drop(arg_u64(args, 0)?);
        Ok(vec![])
    })?;
    inst.add_func("connect-tcp", move |t, args| {
        let port = u16::try_from(arg_u64(args, 1)?).map_err(|_| Error::new("port out of range"))?;
        ret(get(t).connect_tcp(arg_string(args, 0)?, port), |h| Some(Val::U64(h)))
    })?;
    inst.add_func("socket-read", move |t, args| {
        ret(get(t).socket_read(arg_u64(args, 0)?, arg_u64(args, 1)?), |r| Some(r.lower()))
    })?;
    inst.add_func("socket-write", move |t, args| {
        ret(get(t).socket_write(arg_u64(args, 0)?, arg_bytes(args, 1)?), |r| Some(r.lower()))
    })?;
    inst.add_func("socket-close", move |t, args| {
        get(t).socket_close(arg_u64(args, 0)?);
        Ok(vec![])
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host_state::HostState;

    #[test]
    fn registers_all_nineteen_functions() {
        let mut linker: Linker<HostState> = Linker::new();
        add_to_linker(&mut linker, |s| s).unwrap();
        assert_eq!(linker.func_names(HOST_INTERFACE).len(), 19);
        let emit = linker.func(HOST_INTERFACE, "emit-batch").unwrap();
        let mut state = HostState::new("test");
        let out = emit(&mut state, &[Val::U64(99)]).unwrap();
        assert!(matches!(out.as_slice(), [Val::Result(Err(Some(_)))]));
    }
}

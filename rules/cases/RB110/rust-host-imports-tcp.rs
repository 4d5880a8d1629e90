use rapidbyte_sdk::host_ffi::{host_imports, HostImports, SocketReadResult};

pub fn open(host: &str, port: u16) -> Result<u64, String> {
    host_imports().connect_tcp(host, port).map_err(|e| e.message)
}

pub fn read_some(handle: u64) -> Option<Vec<u8>> {
    let imports = host_imports();
    match imports.socket_read(handle, 4096).ok()? {
        SocketReadResult::Data(data) => Some(data),
        _ => None,
    }
}

pub fn close(imports: &dyn HostImports, handle: u64) {
    imports.socket_close(handle)
}

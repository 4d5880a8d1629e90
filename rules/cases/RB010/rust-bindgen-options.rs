//! `bindgen!` / `generate!` options name WIT items: interface and function names are renamed,
//! world names (the same in v4), paths and other packages' names stay.

pub mod host {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "rapidbyte-source",
        trappable_imports: ["emit-batch", "frame-new"],
        with: {
            "rapidbyte:connector/host": crate::host_impl,
            "wasi:io/streams": wasmtime_wasi::bindings::io::streams,
        },
    });
}

pub mod guest {
    wit_bindgen::generate!({
        path: "wit",
        world: "rapidbyte-destination",
        export_macro_name: "export_destination",
    });
}

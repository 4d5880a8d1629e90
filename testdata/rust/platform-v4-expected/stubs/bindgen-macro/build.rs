//! Embeds every `templates/<version>/<interface>[.<side>].rs.in` file into the macro.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for version in sorted_dir(&root) {
        println!("cargo:rerun-if-changed={}", version.display());
        for file in sorted_dir(&version) {
            let name = file.file_name().unwrap().to_str().unwrap().to_owned();
            let Some(stem) = name.strip_suffix(".rs.in") else { continue };
            println!("cargo:rerun-if-changed={}", file.display());
            let version = version.file_name().unwrap().to_str().unwrap().to_owned();
            entries.push(format!("    ({version:?}, {stem:?}, include_str!({:?})),\n", file.display().to_string()));
        }
    }
    let table = format!("static TEMPLATES: &[(&str, &str, &str)] = &[\n{}];\n", entries.concat());
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("templates.rs"), table).unwrap();
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
}

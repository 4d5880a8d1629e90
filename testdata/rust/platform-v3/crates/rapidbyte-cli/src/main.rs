//! `rapidbyte run PIPELINE.json`, `rapidbyte new (source|destination|transform) NAME [DIR]`,
//! `rapidbyte version`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use rapidbyte_cli::scaffold::{self, Role};
use rapidbyte_engine::{run_pipeline, Pipeline};
use rapidbyte_runtime::Runtime;
use rapidbyte_types::ProtocolVersion;

const USAGE: &str = "usage: rapidbyte run PIPELINE.json | rapidbyte new ROLE NAME [DIR] | rapidbyte version";

fn run(path: &str) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let pipeline = Pipeline::from_json(&text).with_context(|| format!("parsing {path}"))?;
    let runtime = Runtime::new()?;
    let outcome = run_pipeline(&runtime, &pipeline).with_context(|| format!("running pipeline {}", pipeline.name))?;
    for (stream, summary) in &outcome.source.summaries {
        println!("{stream}: read {} records", summary.records_read);
    }
    for (stream, summary) in &outcome.written {
        println!("{stream}: wrote {} records", summary.records_written);
    }
    for line in outcome.journal.lines() {
        eprintln!("journal: {line}");
    }
    Ok(())
}

fn new(role: &str, name: &str, dir: Option<&String>) -> Result<()> {
    let role: Role = role.parse()?;
    let dir = dir.map(PathBuf::from).unwrap_or_else(|| PathBuf::from(name));
    let files = scaffold::render(role, name)?;
    scaffold::write(&dir, &files).with_context(|| format!("writing {}", dir.display()))?;
    println!("created {} connector {name} in {}", role.as_str(), dir.display());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["run", path] => run(path),
        ["new", role, name] => new(role, name, None),
        ["new", role, name, _] => new(role, name, args.get(3)),
        ["version"] => {
            println!("rapidbyte {} (connector protocol {})", env!("CARGO_PKG_VERSION"), ProtocolVersion::CURRENT);
            Ok(())
        }
        _ => Err(anyhow::anyhow!(USAGE)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

//! `rapidbyte new`: a connector crate from templates.
//!
//! The templates are the code a new connector starts from, so they follow the
//! SDK: the constructor's `OpenInfo`, `ctx.batch_emit(..)` and
//! `ctx.batch_next(..)`.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source,
    Destination,
    Transform,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Destination => "destination",
            Role::Transform => "transform",
        }
    }

    fn lib_template(self) -> &'static str {
        match self {
            Role::Source => SOURCE_LIB_RS,
            Role::Destination => DESTINATION_LIB_RS,
            Role::Transform => TRANSFORM_LIB_RS,
        }
    }
}

impl FromStr for Role {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Role> {
        match s {
            "source" => Ok(Role::Source),
            "destination" => Ok(Role::Destination),
            "transform" => Ok(Role::Transform),
            other => bail!("unknown role {other:?}: expected source, destination or transform"),
        }
    }
}

const CARGO_TOML: &str = r#"[package]
name = "{{name}}"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
rapidbyte-sdk = "0.9"
serde = { version = "1", features = ["derive"] }

[package.metadata.component]
target = "rapidbyte:connector/rapidbyte-{{role}}@3.0.0"
"#;

const CARGO_CONFIG: &str = r#"[build]
target = "wasm32-wasip2"
"#;

const SOURCE_LIB_RS: &str = r#"use rapidbyte_sdk::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Config {
    pub url: String,
}

#[rapidbyte_sdk::connector(source)]
pub struct {{type}} {
    config: Config,
}

impl Source for {{type}} {
    type Config = Config;

    async fn init(config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        let info = ConnectorInfo {
            protocol_version: ProtocolVersion::V2,
            features: vec![],
            default_max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
        };
        Ok((Self { config }, info))
    }

    async fn discover(&mut self, _ctx: &Context) -> Result<Catalog, ConnectorError> {
        Ok(Catalog::default())
    }

    async fn read(&mut self, ctx: &Context, stream: StreamContext) -> Result<ReadSummary, ConnectorError> {
        ctx.log(LogLevel::Info, &format!("reading {} from {}", stream.stream_name, self.config.url));
        // Encode rows into a batch, then: ctx.emit_batch(&batch)?;
        Ok(ReadSummary::default())
    }
}
"#;

const DESTINATION_LIB_RS: &str = r#"use rapidbyte_sdk::prelude::*;

#[rapidbyte_sdk::connector(destination)]
pub struct {{type}};

impl Destination for {{type}} {
    type Config = serde_json::Value;

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Self, ConnectorInfo::new(vec![Feature::ExactlyOnce])))
    }

    async fn write(&mut self, ctx: &Context, stream: StreamContext) -> Result<WriteSummary, ConnectorError> {
        let mut summary = WriteSummary::default();
        while let Some(batch) = ctx.next_batch(stream.limits.max_batch_bytes)? {
            summary.bytes_written += batch.len() as u64;
            summary.batches_written += 1;
        }
        ctx.checkpoint(&Checkpoint::new(1, CheckpointKind::Dest, stream.stream_name))?;
        Ok(summary)
    }
}
"#;

const TRANSFORM_LIB_RS: &str = r#"use rapidbyte_sdk::prelude::*;

#[rapidbyte_sdk::connector(transform)]
pub struct {{type}};

impl Transform for {{type}} {
    type Config = serde_json::Value;

    async fn init(_config: Self::Config) -> Result<(Self, ConnectorInfo), ConnectorError> {
        Ok((Self, ConnectorInfo::default()))
    }

    async fn transform(&mut self, ctx: &Context, _stream: StreamContext) -> Result<TransformSummary, ConnectorError> {
        let mut summary = TransformSummary::default();
        while let Some(batch) = ctx.next_batch(DEFAULT_MAX_BATCH_BYTES)? {
            ctx.emit_batch(&batch)?;
            summary.batches_processed += 1;
        }
        Ok(summary)
    }
}
"#;

/// `my-source` → `MySource`.
fn type_name(name: &str) -> String {
    name.split(|c: char| c == '-' || c == '_')
        .filter(|part| !part.is_empty())
        .map(|part| part[..1].to_ascii_uppercase() + &part[1..])
        .collect()
}

/// The files of a new connector crate, relative to its directory.
pub fn render(role: Role, name: &str) -> Result<Vec<(PathBuf, String)>> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        bail!("connector names are ASCII letters, digits, `-` and `_`: {name:?}");
    }
    let fill = |template: &str| {
        template.replace("{{name}}", name).replace("{{type}}", &type_name(name)).replace("{{role}}", role.as_str())
    };
    Ok(vec![
        (PathBuf::from("Cargo.toml"), fill(CARGO_TOML)),
        (PathBuf::from(".cargo/config.toml"), CARGO_CONFIG.to_owned()),
        (PathBuf::from("src/lib.rs"), fill(role.lib_template())),
    ])
}

/// Writes the rendered files under `dir`, which must not exist yet.
pub fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder() {
        for role in [Role::Source, Role::Destination, Role::Transform] {
            let files = render(role, "my-conn").unwrap();
            assert!(files.iter().all(|(_, text)| !text.contains("{{")));
            assert!(files[2].1.contains("pub struct MyConn"));
            assert!(files[0].1.contains(&format!("rapidbyte-{}@", role.as_str())));
        }
        assert!(render(Role::Source, "bad name").is_err());
        assert_eq!("transform".parse::<Role>().unwrap(), Role::Transform);
    }
}

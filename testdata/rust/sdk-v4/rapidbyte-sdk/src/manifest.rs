//! Build-time connector manifest (`build.rs`).
//!
//! ```no_run
//! use rapidbyte_sdk::manifest::ManifestBuilder;
//!
//! ManifestBuilder::source("rapidbyte/source-postgres")
//!     .name("PostgreSQL")
//!     .emit()
//!     .expect("write manifest");
//! ```

use std::io;
use std::path::PathBuf;

use crate::json::JsonValue;
use crate::types::Feature;

/// Protocol version recorded when a build script does not set one.
pub const DEFAULT_PROTOCOL_VERSION: &str = "4";

/// File name of the manifest inside `OUT_DIR`.
pub const MANIFEST_FILE: &str = "rapidbyte_manifest.json";

#[derive(Debug, Clone, PartialEq)]
pub struct ManifestBuilder {
    id: String,
    role: &'static str,
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    protocol_version: String,
    features: Vec<Feature>,
    allowed_hosts: Vec<String>,
    config_schema: Option<String>,
}

impl ManifestBuilder {
    fn new(id: &str, role: &'static str) -> Self {
        ManifestBuilder {
            id: id.to_owned(),
            role,
            name: None,
            version: std::env::var("CARGO_PKG_VERSION").ok(),
            description: std::env::var("CARGO_PKG_DESCRIPTION").ok().filter(|d| !d.is_empty()),
            protocol_version: DEFAULT_PROTOCOL_VERSION.to_owned(),
            features: Vec::new(),
            allowed_hosts: Vec::new(),
            config_schema: None,
        }
    }

    pub fn source(id: &str) -> Self {
        Self::new(id, "source")
    }

    pub fn destination(id: &str) -> Self {
        Self::new(id, "destination")
    }

    pub fn transform(id: &str) -> Self {
        Self::new(id, "transform")
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    pub fn version(mut self, version: &str) -> Self {
        self.version = Some(version.to_owned());
        self
    }

    pub fn description(mut self, description: &str) -> Self {
        self.description = Some(description.to_owned());
        self
    }

    pub fn protocol_version(mut self, version: &str) -> Self {
        self.protocol_version = version.to_owned();
        self
    }

    pub fn feature(mut self, feature: Feature) -> Self {
        self.features.push(feature);
        self
    }

    pub fn allow_network(mut self, hosts: &[&str]) -> Self {
        self.allowed_hosts.extend(hosts.iter().map(|h| (*h).to_owned()));
        self
    }

    pub fn config_schema(mut self, schema_json: &str) -> Self {
        self.config_schema = Some(schema_json.to_owned());
        self
    }

    /// The manifest document, in the `rapidbyte_manifest_v1` layout.
    pub fn rapidbyte_manifest_v1(&self) -> JsonValue {
        JsonValue::object([
            ("manifest_format", JsonValue::from("rapidbyte_manifest_v1")),
            ("id", JsonValue::from(self.id.as_str())),
            ("role", JsonValue::from(self.role)),
            ("name", JsonValue::from(self.name.clone())),
            ("version", JsonValue::from(self.version.clone())),
            ("description", JsonValue::from(self.description.clone())),
            ("protocol_version", JsonValue::from(self.protocol_version.as_str())),
            ("features", JsonValue::Array(self.features.iter().map(|f| JsonValue::from(f.as_str())).collect())),
            (
                "permissions",
                JsonValue::object([(
                    "network",
                    JsonValue::Array(self.allowed_hosts.iter().map(|h| JsonValue::from(h.as_str())).collect()),
                )]),
            ),
            ("config_schema", JsonValue::from(self.config_schema.clone())),
        ])
    }

    /// Write the manifest to `$OUT_DIR/rapidbyte_manifest.json` and return its path.
    pub fn emit(self) -> io::Result<PathBuf> {
        let out_dir = std::env::var_os("OUT_DIR")
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "OUT_DIR is not set (run from build.rs)"))?;
        let path = PathBuf::from(out_dir).join(MANIFEST_FILE);
        std::fs::write(&path, self.rapidbyte_manifest_v1().to_string())?;
        println!("cargo:rustc-env=RAPIDBYTE_MANIFEST_PATH={}", path.display());
        println!("cargo:rerun-if-changed=build.rs");
        Ok(path)
    }
}

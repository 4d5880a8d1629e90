//! Just enough of a WIT reader to elaborate a world: the package line, the
//! interfaces with the local interfaces they `use`, and the worlds.

use std::fs;
use std::path::{Path, PathBuf};

pub struct Package {
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub files: Vec<PathBuf>,
    /// (interface, interfaces it `use`s), in declaration order.
    pub interfaces: Vec<(String, Vec<String>)>,
    pub worlds: Vec<World>,
}

pub struct World {
    pub name: String,
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

impl Package {
    pub fn load(root: &Path) -> Result<Package, String> {
        let mut files: Vec<PathBuf> = if root.is_dir() {
            fs::read_dir(root)
                .map_err(|e| format!("{}: {e}", root.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "wit"))
                .collect()
        } else {
            vec![root.to_path_buf()]
        };
        files.sort();
        let mut text = String::new();
        for file in &files {
            text.push_str(&fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?);
            text.push('\n');
        }
        let tokens = tokenize(&text);
        let mut pkg = Package {
            namespace: String::new(),
            name: String::new(),
            version: String::new(),
            files,
            interfaces: Vec::new(),
            worlds: Vec::new(),
        };
        let mut i = 0;
        while i < tokens.len() {
            match tokens[i].as_str() {
                "package" => {
                    let end = tokens[i..].iter().position(|t| t == ";").ok_or("unterminated package line")? + i;
                    let spec: String = tokens[i + 1..end].concat();
                    let (ns, rest) = spec.split_once(':').ok_or("package without namespace")?;
                    let (name, version) = rest.split_once('@').ok_or("package without version")?;
                    (pkg.namespace, pkg.name, pkg.version) = (ns.to_owned(), name.to_owned(), version.to_owned());
                    i = end + 1;
                }
                "interface" => {
                    let name = tokens.get(i + 1).ok_or("interface without name")?.clone();
                    let (body, next) = block(&tokens, i + 2)?;
                    let mut uses = Vec::new();
                    for w in body.windows(3) {
                        if w[0] == "use" && w[2] == "." && !uses.contains(&w[1]) {
                            uses.push(w[1].clone());
                        }
                    }
                    pkg.interfaces.push((name, uses));
                    i = next;
                }
                "world" => {
                    let name = tokens.get(i + 1).ok_or("world without name")?.clone();
                    let (body, next) = block(&tokens, i + 2)?;
                    let mut world = World { name, imports: Vec::new(), exports: Vec::new() };
                    for w in body.windows(3) {
                        if w[2] == ";" && w[0] == "import" {
                            world.imports.push(w[1].clone());
                        } else if w[2] == ";" && w[0] == "export" {
                            world.exports.push(w[1].clone());
                        }
                    }
                    pkg.worlds.push(world);
                    i = next;
                }
                _ => i += 1,
            }
        }
        if pkg.version.is_empty() {
            return Err(format!("{}: no `package ns:name@version;` line", root.display()));
        }
        Ok(pkg)
    }

    pub fn world(&self, name: &str) -> Result<&World, String> {
        self.worlds
            .iter()
            .find(|w| w.name == name)
            .ok_or_else(|| format!("no world `{name}` in {}:{}@{}", self.namespace, self.name, self.version))
    }

    /// `ns:name/iface@version`.
    pub fn qualified(&self, iface: &str) -> String {
        format!("{}:{}/{}@{}", self.namespace, self.name, iface, self.version)
    }

    /// The interfaces a world imports (its own imports plus every interface that
    /// its imports and exports `use`, transitively) and the ones it exports, each
    /// in declaration order.
    pub fn elaborate(&self, world: &World) -> (Vec<String>, Vec<String>) {
        let mut needed: Vec<String> = Vec::new();
        let mut stack: Vec<String> = world.imports.iter().chain(&world.exports).cloned().collect();
        while let Some(name) = stack.pop() {
            if needed.contains(&name) {
                continue;
            }
            if let Some((_, uses)) = self.interfaces.iter().find(|(n, _)| *n == name) {
                stack.extend(uses.iter().cloned());
            }
            needed.push(name);
        }
        let ordered = self.interfaces.iter().map(|(n, _)| n).filter(|n| needed.contains(n));
        let (exports, imports): (Vec<String>, Vec<String>) = ordered.cloned().partition(|n| world.exports.contains(n));
        (imports, exports)
    }
}

/// The tokens of a `{ ... }` block starting at `start` and the index after it.
fn block(tokens: &[String], start: usize) -> Result<(&[String], usize), String> {
    if tokens.get(start).map(String::as_str) != Some("{") {
        return Err("expected `{`".to_owned());
    }
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(start) {
        match t.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&tokens[start + 1..i], i + 1));
                }
            }
            _ => {}
        }
    }
    Err("unbalanced braces".to_owned())
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
        } else if c == '/' && chars.peek() == Some(&'*') {
            let mut prev = ' ';
            for c in chars.by_ref() {
                if prev == '*' && c == '/' {
                    break;
                }
                prev = c;
            }
        } else if c.is_alphanumeric() || c == '-' || c == '_' || c == '%' {
            let mut word = c.to_string();
            while let Some(&n) = chars.peek() {
                if !(n.is_alphanumeric() || n == '-' || n == '_' || n == '%') {
                    break;
                }
                word.push(n);
                chars.next();
            }
            tokens.push(word.trim_start_matches('%').to_owned());
        } else if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    tokens
}

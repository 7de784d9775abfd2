//! `manifest.json`: every generated file with its sha256 and spec sources, and the gantry
//! version. The writer reads the previous one to know which files it may replace or delete.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Tree;

pub const MANIFEST: &str = "manifest.json";

/// One file as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: String,
    /// Lowercase hex, as [`sha256_hex`] gives it.
    pub sha256: String,
    pub sources: Vec<String>,
}

/// The manifest of the files listed, in the order given (the writers give them sorted by path).
pub fn render_manifest<'a>(files: impl IntoIterator<Item = &'a Listed>) -> String {
    let files: Vec<Value> = files
        .into_iter()
        .map(|file| {
            json!({
                "path": file.path,
                "sha256": file.sha256,
                "sources": file.sources,
            })
        })
        .collect();
    let manifest = json!({
        "generator": "gantry",
        "version": env!("CARGO_PKG_VERSION"),
        "files": files,
    });
    // Rendering a `json!` value cannot fail; an empty object is the safe answer if it did.
    super::render_json(&manifest).unwrap_or_else(|_| "{}\n".to_string())
}

/// The manifest of a tree that does not hold one yet.
pub fn tree_manifest(tree: &Tree) -> String {
    let listed: Vec<Listed> = tree
        .files
        .iter()
        .map(|(path, file)| Listed {
            path: path.clone(),
            sha256: sha256_hex(&file.bytes),
            sources: file.sources.clone(),
        })
        .collect();
    render_manifest(&listed)
}

/// The files a manifest lists, each with its spec sources; `None` when the text is not a gantry
/// manifest.
pub fn read_manifest(text: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let value: Value = serde_json::from_str(text).ok()?;
    let files = value.get("files")?.as_array()?;
    let mut out = BTreeMap::new();
    for file in files {
        let Some(path) = file.get("path").and_then(Value::as_str) else {
            continue;
        };
        let sources = file
            .get("sources")
            .and_then(Value::as_array)
            .map(|s| s.iter().filter_map(Value::as_str).map(str::to_string))
            .into_iter()
            .flatten()
            .collect();
        out.insert(path.to_string(), sources);
    }
    Some(out)
}

/// The sha256 of a file's bytes in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

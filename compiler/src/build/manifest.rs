//! `manifest.json`: every generated file with its sha256 and spec sources, and the gantry
//! version. The writer reads the previous one to know which files it may replace or delete.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Tree;

pub const MANIFEST: &str = "manifest.json";

/// The manifest of a tree that does not hold one yet.
pub fn render_manifest(tree: &Tree) -> String {
    let files: Vec<Value> = tree
        .files
        .iter()
        .map(|(path, file)| {
            json!({
                "path": path,
                "sha256": hex(&Sha256::digest(&file.bytes)),
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! `manifest.json`: every generated file with its sha256 and spec sources, and the gantry
//! version. The writer reads the previous one to know which files it may replace or delete.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.json";

/// One file as the manifest lists it. Fields in alphabetical order: the manifest is
/// serialized straight from them (a workspace's manifest can list hundreds of thousands of
/// files) and reads as if its keys were sorted, like every JSON file gantry writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub path: String,
    /// The sha256 of the file, written in lowercase hex: kept as its 32 bytes, as a build holds
    /// an entry for every file until the manifest is written.
    #[serde(serialize_with = "lowercase_hex")]
    pub sha256: [u8; 32],
    pub sources: Vec<String>,
}

impl Listed {
    /// The entry of the file at `path` with these bytes and spec sources.
    pub fn of(path: String, bytes: &[u8], sources: Vec<String>) -> Listed {
        Listed {
            path,
            sha256: Sha256::digest(bytes).into(),
            sources,
        }
    }
}

/// The manifest of the files listed, in the order given (the writers give them sorted by path).
pub fn render_manifest<'a>(files: impl IntoIterator<Item = &'a Listed>) -> String {
    let manifest = Manifest {
        files: files.into_iter().collect(),
        generator: "gantry",
        version: env!("CARGO_PKG_VERSION"),
    };
    // Written into a buffer of about its final size: a manifest can take a hundred megabytes,
    // and a buffer grown by doubling would hold up to three times that at once.
    let mut text = Vec::with_capacity(estimated_len(&manifest.files));
    // Serializing strings and lists cannot fail; an empty object is the safe answer if it did.
    match serde_json::to_writer_pretty(&mut text, &manifest) {
        Ok(()) => {
            text.push(b'\n');
            String::from_utf8(text).unwrap_or_else(|_| "{}\n".to_string())
        }
        Err(_) => "{}\n".to_string(),
    }
}

/// The length of the pretty-printed manifest of `files` when no string needs escaping.
fn estimated_len(files: &[&Listed]) -> usize {
    /// An entry's braces, keys, quotes, indentation and digest.
    const ENTRY: usize = 150;
    /// A source's quotes, comma and indentation.
    const SOURCE: usize = 12;
    let entries: usize = files
        .iter()
        .map(|f| ENTRY + f.path.len() + f.sources.iter().map(|s| s.len() + SOURCE).sum::<usize>())
        .sum();
    entries + 100
}

/// The manifest's keys in alphabetical order (see [`Listed`]).
#[derive(Serialize)]
struct Manifest<'a> {
    files: Vec<&'a Listed>,
    generator: &'static str,
    version: &'static str,
}

/// What the writer reads back of a manifest: lenient, so that a hand-edited entry without a
/// path is skipped rather than the whole manifest.
#[derive(Deserialize)]
struct Read {
    files: Vec<ReadFile>,
}

#[derive(Deserialize)]
struct ReadFile {
    path: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

/// The files a manifest lists, each with its spec sources; `None` when the text is not a gantry
/// manifest.
pub fn read_manifest(text: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let read: Read = serde_json::from_str(text).ok()?;
    Some(
        read.files
            .into_iter()
            .filter_map(|file| Some((file.path?, file.sources)))
            .collect(),
    )
}

fn lowercase_hex<S: serde::Serializer>(digest: &[u8; 32], to: S) -> Result<S::Ok, S::Error> {
    use std::fmt::Write;
    let hex = digest.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    });
    to.serialize_str(&hex)
}

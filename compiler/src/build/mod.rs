//! Rendering: the artifacts of every environment × target become a tree of files
//! (`ENV/TARGET/PATH` → bytes) plus `manifest.json`. Pure and deterministic: the CLI writes the
//! tree (or compares it with the disk), `gantry diff` compares two trees.

mod format;
mod manifest;
mod paths;

use std::collections::BTreeMap;

use crate::artifact::Artifact;
use crate::diagnostics::Diagnostic;
use crate::source::Span;

pub use format::{header, render_json, render_yaml};
pub use manifest::{MANIFEST, read_manifest, render_manifest};
pub use paths::path_error;

/// What one target emitted for one environment.
#[derive(Debug, Clone)]
pub struct Emitted {
    pub environment: String,
    pub target: String,
    pub artifacts: Vec<Artifact>,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub bytes: Vec<u8>,
    /// The spec files it came from, as shown to users.
    pub sources: Vec<String>,
}

/// The output tree: paths relative to the output folder, `/`-separated, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<String, File>,
}

impl Tree {
    /// The tree with its `manifest.json` (replacing any), listing every other file. The writer
    /// adds the files it keeps from the previous build first, so the manifest lists them too.
    pub fn with_manifest(mut self) -> Tree {
        self.files.remove(MANIFEST);
        let manifest = render_manifest(&self);
        self.files.insert(
            MANIFEST.to_string(),
            File {
                bytes: manifest.into_bytes(),
                sources: Vec::new(),
            },
        );
        self
    }
}

/// Renders every artifact (the manifest comes last, see [`Tree::with_manifest`]). `fallback` is
/// the span a diagnostic points at when an artifact has no origin (the workspace node). Every
/// bad path is reported, and any error means no tree: nothing may be written from a partial
/// result.
pub fn render(emitted: &[Emitted], fallback: Span) -> Result<Tree, Vec<Diagnostic>> {
    // Serializing is most of the work: each target's artifacts are rendered on a core of its own.
    assemble(crate::parallel::map_jobs(emitted, serialize), fallback)
}

/// One target's artifacts for one environment, serialized: the values are no longer needed.
#[derive(Debug)]
pub struct Serialized {
    files: Vec<SerializedFile>,
}

#[derive(Debug)]
struct SerializedFile {
    path: String,
    origin: Option<Span>,
    sources: Vec<String>,
    bytes: Result<Vec<u8>, String>,
}

/// Serializes what one target emitted for one environment (see [`assemble`]).
pub fn serialize(emitted: &Emitted) -> Serialized {
    Serialized {
        files: emitted
            .artifacts
            .iter()
            .map(|artifact| SerializedFile {
                path: format!(
                    "{}/{}/{}",
                    emitted.environment, emitted.target, artifact.path
                ),
                origin: artifact.origin,
                sources: artifact.sources.clone(),
                bytes: format::render(artifact),
            })
            .collect(),
    }
}

/// The tree of serialized artifacts, as [`render`] makes it.
pub fn assemble(
    serialized: impl IntoIterator<Item = Serialized>,
    fallback: Span,
) -> Result<Tree, Vec<Diagnostic>> {
    let mut tree = Tree::default();
    let mut diagnostics = Vec::new();
    for file in serialized.into_iter().flat_map(|s| s.files) {
        let span = file.origin.unwrap_or(fallback);
        if let Some(d) = path_error(&file.path, span) {
            diagnostics.push(d);
            continue;
        }
        match file.bytes {
            Ok(bytes) => {
                let path = file.path;
                let rendered = File {
                    bytes,
                    sources: file.sources,
                };
                match tree.files.entry(path) {
                    std::collections::btree_map::Entry::Occupied(taken) => {
                        diagnostics.push(Diagnostic::error(
                            "duplicate-name",
                            span,
                            format!("two artifacts would be written to `{}`", taken.key()),
                        ));
                    }
                    std::collections::btree_map::Entry::Vacant(free) => {
                        free.insert(rendered);
                    }
                }
            }
            Err(message) => diagnostics.push(Diagnostic::error(
                "invalid-value",
                span,
                format!("cannot serialize `{}`: {message}", file.path),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(tree)
    } else {
        Err(diagnostics)
    }
}

#[cfg(test)]
mod tests;

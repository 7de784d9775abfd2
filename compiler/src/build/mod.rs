//! Rendering: each artifact of an environment × target becomes a file at `ENV/TARGET/PATH`, and
//! `manifest.json` lists them. Pure and deterministic: the CLI writes each file as it is
//! rendered (or compares it with the disk); [`render`] gives a whole tree in memory, for tests.

mod format;
mod manifest;
mod paths;

use std::collections::BTreeMap;

use crate::artifact::Artifact;
use crate::diagnostics::Diagnostic;
use crate::source::Span;

pub use format::{
    Entries, Items, header, render_json, render_json_document, render_yaml, render_yaml_document,
};
pub use manifest::{
    Entry, Listed, MANIFEST, digest, read_manifest, render_manifest, write_manifest,
};
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

/// Renders every artifact into a tree (without a manifest). `fallback` is the span a diagnostic
/// points at when an artifact has no origin (the workspace node). Every bad path is reported,
/// and any error means no tree: nothing may be written from a partial result.
pub fn render(emitted: &[Emitted], fallback: Span) -> Result<Tree, Vec<Diagnostic>> {
    // Serializing is most of the work: each target's artifacts are rendered on a core of its own.
    let rendered = crate::parallel::map_jobs(emitted, |emitted| {
        let mut files = Vec::with_capacity(emitted.artifacts.len());
        let mut errors = Vec::new();
        for artifact in &emitted.artifacts {
            let artifact = artifact.clone();
            match render_artifact(&emitted.environment, &emitted.target, artifact, fallback) {
                Ok(file) => files.push(file),
                Err(d) => errors.push(d),
            }
        }
        (files, errors)
    });
    let mut tree = Tree::default();
    let mut diagnostics = Vec::new();
    for (files, errors) in rendered {
        diagnostics.extend(errors);
        for file in files {
            diagnostics.extend(claim(&mut tree.files, file.path, file.file, file.span));
        }
    }
    if diagnostics.is_empty() {
        Ok(tree)
    } else {
        Err(diagnostics)
    }
}

/// One artifact rendered to bytes, at its path in the output tree.
#[derive(Debug)]
pub struct Rendered {
    /// `ENV/TARGET/PATH`, checked by [`path_error`].
    pub path: String,
    pub file: File,
    /// Where a diagnostic about the file points.
    pub span: Span,
}

/// Renders one artifact of `target` for `environment`: its path is checked before anything else,
/// so that a writer never sees a path that leaves the output folder. `fallback` is the span
/// reported for an artifact without an origin.
// An artifact that cannot be written is rare and reported once: boxing the diagnostic would buy
// nothing measurable.
#[allow(clippy::result_large_err)]
pub fn render_artifact(
    environment: &str,
    target: &str,
    artifact: Artifact,
    fallback: Span,
) -> Result<Rendered, Diagnostic> {
    let path = format!("{environment}/{target}/{}", artifact.path);
    let span = artifact.origin.unwrap_or(fallback);
    if let Some(d) = path_error(&path, span) {
        return Err(d);
    }
    match format::render(&artifact.path, artifact.content, &artifact.sources) {
        Ok(bytes) => Ok(Rendered {
            path,
            file: File {
                bytes,
                sources: artifact.sources,
            },
            span,
        }),
        Err(message) => Err(unserializable(&path, span, &message)),
    }
}

/// The error of a file at `path` that could not be serialized, at `span`: what the file was
/// made from.
pub fn unserializable(path: &str, span: Span, message: &str) -> Diagnostic {
    Diagnostic::error(
        "invalid-value",
        span,
        format!("cannot serialize `{path}`: {message}"),
    )
    .with_help(UNSERIALIZABLE_HELP)
}

/// How to get past a value the output format cannot hold.
pub const UNSERIALIZABLE_HELP: &str = "change the value this spec line gives to one the output \
     format can hold (a smaller number, text without control characters); if the spec checks \
     cleanly, it is a gantry bug: please report it with the spec";

/// Takes `path` for `value`, unless an earlier artifact took it: then `value` is dropped and the
/// error, at `span`, is returned.
pub fn claim<V>(
    files: &mut BTreeMap<String, V>,
    path: String,
    value: V,
    span: Span,
) -> Option<Diagnostic> {
    match files.entry(path) {
        std::collections::btree_map::Entry::Occupied(taken) => {
            Some(duplicate_path(taken.key(), span))
        }
        std::collections::btree_map::Entry::Vacant(free) => {
            free.insert(value);
            None
        }
    }
}

/// The error of an artifact, at `span`, whose `path` an earlier one took.
pub fn duplicate_path(path: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "duplicate-name",
        span,
        format!("two artifacts would be written to `{path}`"),
    )
}

#[cfg(test)]
mod tests;

//! Limits on what one check takes in. A spec is input from many hands, and a file that is too
//! large, too deep or too many must get a diagnostic, not exhaust the memory or the stack of the
//! machine that runs CI or the editor. Each limit is far above what a hand-written workspace
//! reaches; the numbers are documented with the `limit-exceeded` error (see
//! `rules/language.rs`), and a test keeps that text in step with the constants.

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::{Document, Node};

/// The largest file read, gantry.kdl or a spec file: 8 MiB. Checked before parsing.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// The deepest nesting of `{ … }` blocks in a file; the parser refuses deeper ones.
pub const MAX_NESTING: usize = crate::syntax::MAX_DEPTH;

/// The most nodes one file may hold, at every depth.
pub const MAX_NODES_PER_FILE: usize = 1_000_000;

/// The most features one workspace may hold.
pub const MAX_FEATURES: usize = 100_000;

/// The most entities (services, datastores, secrets, flags, deploys, SLOs, alerts, runbooks,
/// agents, gates) all the features of one workspace may hold together.
pub const MAX_ENTITIES: usize = 1_000_000;

/// The nodes of a feature that count as entities for [`MAX_ENTITIES`].
const ENTITY_KINDS: &[&str] = &[
    "service",
    "datastore",
    "secret",
    "flag",
    "deploy",
    "slo",
    "alert",
    "runbook",
    "agent",
    "gate",
];

const MIB: f64 = 1024.0 * 1024.0;

/// A file over [`MAX_FILE_BYTES`]. The diagnostic points at the start of the file: its text is
/// not kept (a snippet of an 8 MiB line would be no help either).
pub fn file_too_large(file: FileId, name: &str, len: usize) -> Option<Diagnostic> {
    (len > MAX_FILE_BYTES).then(|| {
        // Sizes are shown in MiB with one decimal; precision does not matter at this scale.
        #[allow(clippy::cast_precision_loss)]
        let size = len as f64 / MIB;
        Diagnostic::error(
            "limit-exceeded",
            Span::new(file, 0..0),
            format!(
                "`{name}` is {size:.1} MiB; a file may be at most {} MiB",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .with_label("file too large, not read")
        .with_help(
            "split the features of this file into several files (one feature per file is the \
             convention); a file this large is most likely generated or pasted by mistake",
        )
    })
}

/// A document with more than [`MAX_NODES_PER_FILE`] nodes: the diagnostic points at the first
/// node over the limit.
pub fn too_many_nodes(document: &Document) -> Option<Diagnostic> {
    let mut seen = 0usize;
    let mut stack: Vec<&Node> = document.nodes.iter().rev().collect();
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > MAX_NODES_PER_FILE {
            return Some(
                Diagnostic::error(
                    "limit-exceeded",
                    node.name.span,
                    format!(
                        "this file holds more than {MAX_NODES_PER_FILE} nodes, the most one file \
                         may hold"
                    ),
                )
                .with_label(format!("node {seen}"))
                .with_help(
                    "split the features of this file into several files, or share repeated \
                     nodes through a `preset`",
                ),
            );
        }
        stack.extend(node.children.iter().rev());
    }
    None
}

/// The features of a workspace, in file order, over [`MAX_FEATURES`], or their entities over
/// [`MAX_ENTITIES`]: the diagnostic points at the first one over the limit.
pub fn too_many_features(features: &[&Node]) -> Option<Diagnostic> {
    if let Some(first_over) = features.get(MAX_FEATURES) {
        return Some(
            Diagnostic::error(
                "limit-exceeded",
                first_over.name.span,
                format!(
                    "the workspace holds {} features; a workspace may hold at most {MAX_FEATURES}",
                    features.len()
                ),
            )
            .with_label(format!("feature {}", MAX_FEATURES + 1))
            .with_help(
                "split the workspace: give each group of features its own gantry.kdl in a \
                 folder of its own",
            ),
        );
    }
    let mut entities = 0usize;
    for feature in features {
        for child in feature
            .children
            .iter()
            .filter(|c| ENTITY_KINDS.contains(&c.name.value.as_str()))
        {
            entities += 1;
            if entities > MAX_ENTITIES {
                return Some(
                    Diagnostic::error(
                        "limit-exceeded",
                        child.name.span,
                        format!(
                            "the features of this workspace hold more than {MAX_ENTITIES} \
                             entities, the most a workspace may hold"
                        ),
                    )
                    .with_label(format!("entity {entities}"))
                    .with_help(
                        "split the workspace: give each group of features its own gantry.kdl \
                         in a folder of its own",
                    ),
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::language::ERRORS;

    /// The documentation states every limit: a changed constant must change its text too.
    #[test]
    fn the_documentation_names_every_limit() {
        let doc = ERRORS
            .iter()
            .find(|e| e.id == "limit-exceeded")
            .map(|e| e.doc)
            .unwrap_or_default();
        for figure in [
            format!("{} MiB", MAX_FILE_BYTES / (1024 * 1024)),
            format!("{MAX_NESTING} blocks"),
            group_thousands(MAX_NODES_PER_FILE),
            group_thousands(MAX_FEATURES),
            group_thousands(MAX_ENTITIES),
        ] {
            assert!(doc.contains(&figure), "the doc lacks `{figure}`:\n{doc}");
        }
    }

    fn group_thousands(n: usize) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn a_file_at_the_limit_is_read() {
        assert!(file_too_large(FileId(0), "a.kdl", MAX_FILE_BYTES).is_none());
        let d = file_too_large(FileId(0), "a.kdl", MAX_FILE_BYTES + 1).expect("over the limit");
        assert_eq!(d.id, "limit-exceeded");
        assert!(d.message.contains("8.0 MiB"), "{}", d.message);
    }
}

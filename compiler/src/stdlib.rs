//! The standard library: presets written in the spec language, embedded in the binary and
//! shown to users under `<stdlib>/…` paths.

/// Every stdlib file: its virtual path and its text.
pub const FILES: &[(&str, &str)] = &[
    ("<stdlib>/slo.kdl", include_str!("../../stdlib/slo.kdl")),
    (
        "<stdlib>/deploy.kdl",
        include_str!("../../stdlib/deploy.kdl"),
    ),
    ("<stdlib>/tiers.kdl", include_str!("../../stdlib/tiers.kdl")),
    (
        "<stdlib>/agents.kdl",
        include_str!("../../stdlib/agents.kdl"),
    ),
    ("<stdlib>/risk.kdl", include_str!("../../stdlib/risk.kdl")),
];

/// The Handlebars templates of the runbooks target, by the file name a workspace's `templates`
/// folder overrides them with. Shown to users under `<stdlib>/templates/…`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "agent.md.hbs",
        include_str!("../../stdlib/templates/agent.md.hbs"),
    ),
    (
        "runbook.md.hbs",
        include_str!("../../stdlib/templates/runbook.md.hbs"),
    ),
];

/// The folder stdlib templates are shown under.
pub const TEMPLATE_DIR: &str = "<stdlib>/templates";

/// Whether a file name is a stdlib file.
pub fn is_stdlib(name: &str) -> bool {
    name.starts_with("<stdlib>/")
}

use std::sync::{Arc, OnceLock};

use crate::diagnostics::Diagnostic;
use crate::schema;
use crate::source::FileId;
use crate::syntax::{self, Document};
use crate::validate::validate;

/// A stdlib file parsed and validated: its document and what the check found (nothing, as a
/// test asserts).
#[derive(Debug)]
pub struct ParsedStdlib {
    pub doc: Option<Arc<Document>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The stdlib, parsed once per process. Its files take the first file ids of every
/// [`crate::source::SourceMap`], in [`FILES`] order.
pub fn parsed() -> &'static [ParsedStdlib] {
    static PARSED: OnceLock<Vec<ParsedStdlib>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FILES
            .iter()
            .enumerate()
            .map(|(i, (_, text))| {
                let file = FileId(i as u32);
                match syntax::parse(file, text) {
                    Ok(doc) => {
                        let mut diagnostics = Vec::new();
                        validate(&doc, &schema::STDLIB_FILE, &mut diagnostics);
                        ParsedStdlib {
                            doc: Some(Arc::new(doc)),
                            diagnostics,
                        }
                    }
                    Err(diagnostics) => ParsedStdlib {
                        doc: None,
                        diagnostics,
                    },
                }
            })
            .collect()
    })
}

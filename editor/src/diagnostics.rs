//! The compiler's diagnostics as the protocol has them: the rule id as `code`, a link to the
//! rule's documentation, secondary labels as related information.

use std::collections::BTreeMap;
use std::str::FromStr;

use gantry::diagnostics::{Diagnostic, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Uri,
};

use crate::analysis::Analysis;

/// Where a rule's documentation is published.
const RULES_DOC: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

pub fn to_lsp(analysis: &Analysis, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
    let range = analysis.range(d.primary.span)?;
    let mut message = d.message.clone();
    if !d.primary.text.is_empty() {
        message = format!("{message}: {}", d.primary.text);
    }
    if let Some(help) = &d.help {
        message = format!("{message}\nhelp: {help}");
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: analysis.location(label.span)?,
                message: label.text.clone(),
            })
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.id.to_string())),
        code_description: Uri::from_str(&format!("{RULES_DOC}#{}", d.id))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("gantry".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    })
}

/// Every file of the workspace with its diagnostics (none for a clean file).
pub fn by_file(analysis: &Analysis) -> BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>)> {
    let mut out: BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>)> = analysis
        .files()
        .map(|(_, uri)| (uri.as_str().to_string(), (uri.clone(), Vec::new())))
        .collect();
    for d in &analysis.checked.diagnostics {
        let Some(uri) = analysis.uri(d.primary.span.file) else {
            continue;
        };
        if let (Some(lsp), Some(entry)) = (to_lsp(analysis, d), out.get_mut(uri.as_str())) {
            entry.1.push(lsp);
        }
    }
    out
}

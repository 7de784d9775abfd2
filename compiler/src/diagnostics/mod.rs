//! The one diagnostic type of the compiler, and its renderers (one file per output format).

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::{HumanRenderer, render_human};
pub use json::render_json;
pub use sarif::render_sarif;

use crate::source::{SourceMap, Span};

/// How bad a diagnostic is. Errors fail `gantry check` and stop `gantry build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a spec with a short text saying what is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Label {
        Label {
            span,
            text: text.into(),
        }
    }
}

/// A finding of the compiler: which rule, how bad, where, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The stable rule id (`unknown-node`, `service-without-slo`, …).
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// What the primary span should read instead (a did-you-mean), for tools that apply fixes;
    /// for a string, its content without quotes.
    pub replacement: Option<String>,
}

impl Diagnostic {
    pub fn error(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            id,
            severity: Severity::Error,
            message: message.into(),
            primary: Label::new(span, String::new()),
            secondary: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    pub fn warning(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(id, span, message)
        }
    }

    /// The text under the primary span.
    pub fn with_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary.text = text.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, text));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_optional_help(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// The text an editor may put in place of the primary span (a did-you-mean).
    pub fn with_replacement(mut self, replacement: Option<impl Into<String>>) -> Diagnostic {
        self.replacement = replacement.map(Into::into);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and id, and drops exact repeats, so that output is
/// deterministic whatever order the checks ran in. Lint findings that follow from an invalid
/// value or name are dropped too (see [`drop_follow_ons`]).
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    drop_follow_ons(diagnostics, sources);
    fn key<'d>(d: &'d Diagnostic, sources: &'d SourceMap) -> (&'d str, u32, u32, &'d str, &'d str) {
        let span = d.primary.span;
        let file = sources.get(span.file).name.as_str();
        (file, span.start, span.end, d.id, d.message.as_str())
    }
    diagnostics.sort_by(|a, b| key(a, sources).cmp(&key(b, sources)));
    diagnostics.dedup_by(|a, b| a == b);
}

/// Drops every lint finding on the line of an invalid value or name, at a span that holds it:
/// the lint read the node as if the value were missing (`ttl="forever"` is no ttl) or as
/// written (`objective=0` is lower than staging's), and the error already says what to fix.
fn drop_follow_ons(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    let invalid: Vec<Span> = diagnostics
        .iter()
        .filter(|d| d.is_error() && matches!(d.id, "invalid-value" | "invalid-name"))
        .map(|d| d.primary.span)
        .collect();
    if invalid.is_empty() {
        return;
    }
    let line = |span: Span| sources.get(span.file).line_col(span.start).0;
    diagnostics.retain(|d| {
        let span = d.primary.span;
        !(crate::rules::is_lint(d.id)
            && invalid.iter().any(|v| {
                v.file == span.file
                    && span.start <= v.start
                    && v.end <= span.end
                    && line(span) == line(*v)
            }))
    });
}

/// Counts of a run's diagnostics, for the closing summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

//! `--format human`: miette's graphical report, one snippet per file a diagnostic touches.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceMap};

/// Renders diagnostics as people read them in a terminal.
pub struct HumanRenderer {
    handler: GraphicalReportHandler,
}

impl HumanRenderer {
    pub fn new(color: bool) -> HumanRenderer {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        HumanRenderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
        }
    }

    pub fn render(&self, diagnostic: &Diagnostic, sources: &SourceMap) -> String {
        let report = Report::build(diagnostic, sources);
        let mut out = String::new();
        let _ = self.handler.render_report(&mut out, &report);
        out
    }
}

/// Renders every diagnostic without colour (for snapshots and non-terminal output).
pub fn render_human(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let renderer = HumanRenderer::new(false);
    diagnostics
        .iter()
        .map(|d| renderer.render(d, sources))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One file's view of a diagnostic: miette draws one source per report, so labels in other files
/// become related reports.
#[derive(Debug)]
struct Report {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn build(d: &Diagnostic, sources: &SourceMap) -> Report {
        let primary_file = d.primary.span.file;
        let mut files: Vec<FileId> = Vec::new();
        for label in &d.secondary {
            if label.span.file != primary_file && !files.contains(&label.span.file) {
                files.push(label.span.file);
            }
        }
        let in_file = |file: FileId| d.secondary.iter().filter(move |l| l.span.file == file);
        let mut labels = vec![labeled(&d.primary, true)];
        labels.extend(in_file(primary_file).map(|l| labeled(l, false)));
        let related = files
            .into_iter()
            .map(|file| Report {
                code: String::new(),
                message: "see also".to_string(),
                severity: miette::Severity::Advice,
                help: None,
                source: named_source(sources, file),
                labels: in_file(file).map(|l| labeled(l, false)).collect(),
                related: Vec::new(),
            })
            .collect();
        Report {
            code: d.id.to_string(),
            message: d.message.clone(),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: d.help.clone(),
            source: named_source(sources, primary_file),
            labels,
            related,
        }
    }
}

fn named_source(sources: &SourceMap, file: FileId) -> NamedSource<String> {
    let f = sources.get(file);
    NamedSource::new(sources.display_name(file), f.text.to_string())
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let text = if label.text.is_empty() {
        None
    } else {
        Some(label.text.clone())
    };
    let span = (label.span.start as usize, label.span.len());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(&self.code))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

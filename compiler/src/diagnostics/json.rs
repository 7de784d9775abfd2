//! `--format json`: one object per diagnostic, for scripts and bots.

use serde::Serialize;
use std::borrow::Cow;

use super::{Diagnostic, Label};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: Cow<'a, str>,
    line: usize,
    column: usize,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    id: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Cow<'a, str>,
    line: usize,
    column: usize,
    end: Position,
    label: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonLabel<'a>>,
}

fn json_label<'a>(label: &'a Label, sources: &'a SourceMap) -> JsonLabel<'a> {
    let file = sources.get(label.span.file);
    let (line, column) = file.line_col(label.span.start);
    let (end_line, end_column) = file.line_col(label.span.end);
    JsonLabel {
        file: sources.display_name(label.span.file),
        line,
        column,
        end: Position {
            line: end_line,
            column: end_column,
        },
        message: &label.text,
    }
}

/// A JSON array of every diagnostic, pretty-printed, ending in a newline.
pub fn render_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| {
            let primary = json_label(&d.primary, sources);
            JsonDiagnostic {
                id: d.id,
                severity: d.severity.as_str(),
                message: &d.message,
                file: primary.file,
                line: primary.line,
                column: primary.column,
                end: primary.end,
                label: &d.primary.text,
                help: d.help.as_deref(),
                related: d.secondary.iter().map(|l| json_label(l, sources)).collect(),
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

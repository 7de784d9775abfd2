//! Parsing: KDL v2 text to a spanned syntax tree, or syntax diagnostics that point at the token
//! to fix.

mod chars;
mod locate;
mod parser;
mod recover;
mod tree;

pub use locate::{SyntaxError, first_error};
pub use parser::{GaveUp, MAX_DEPTH, parse as parse_fast};
pub use recover::{MAX_SYNTAX_ERRORS, PLACEHOLDER, Recovered, parse_recovering};
pub use tree::{Document, Entry, Node, RawValue};

use kdl::{KdlDocument, KdlNode, KdlValue};

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, Spanned};

/// Parses one file. On a syntax error there is no document, only diagnostics: one for each
/// error [`parse_recovering`] reads past.
///
/// The parser of [`parser`] reads well-formed documents in one pass. When it gives up, the
/// document goes the careful way, [`parse_with_kdl_crate`], which words the error.
pub fn parse(file: FileId, text: &str) -> Result<Document, Vec<Diagnostic>> {
    match parser::parse(file, text) {
        Ok(document) => Ok(document),
        Err(_) => Err(parse_recovering(file, text).errors),
    }
}

/// Parses one file the careful way. The scanner of [`locate`] runs first: where it finds an error
/// it names the token to fix. The `kdl` crate then builds the tree of a document the scanner
/// accepts (and still reports anything the scanner let through).
pub fn parse_with_kdl_crate(file: FileId, text: &str) -> Result<Document, Vec<Diagnostic>> {
    if let Some(found) = locate::first_error(text) {
        return Err(vec![scanned(file, found)]);
    }
    match KdlDocument::parse_v2(text) {
        Ok(doc) => {
            let lower = Lower { file, text };
            Ok(Document {
                nodes: doc.nodes().iter().map(|n| lower.node(n)).collect(),
            })
        }
        Err(err) => Err(syntax_diagnostics(file, text, &err)),
    }
}

/// The diagnostic of an error the scanner of [`locate`] found.
fn scanned(file: FileId, found: SyntaxError) -> Diagnostic {
    Diagnostic::error(found.id, Span::new(file, found.range), found.message)
        .with_label(found.label)
        .with_optional_help(found.help)
}

fn syntax_diagnostics(file: FileId, text: &str, err: &kdl::KdlError) -> Vec<Diagnostic> {
    // The scanner saw nothing wrong: trust the crate, minus reports about an enclosing block when
    // a more precise one lies inside it.
    let reports: Vec<(std::ops::Range<usize>, String, Option<String>)> = err
        .diagnostics
        .iter()
        .map(|d| {
            let start = d.span.offset().min(text.len());
            let end = (start + d.span.len()).min(text.len());
            (
                start..end,
                d.message
                    .clone()
                    .unwrap_or_else(|| "invalid KDL".to_string()),
                d.help.clone(),
            )
        })
        .collect();
    let precise: Vec<_> = reports
        .iter()
        .filter(|(range, _, _)| {
            !reports.iter().any(|(other, _, _)| {
                other != range && other.start >= range.start && other.end <= range.end
            })
        })
        .take(1)
        .collect();
    let chosen = if precise.is_empty() {
        reports.iter().take(1).collect()
    } else {
        precise
    };
    let mut out: Vec<Diagnostic> = chosen
        .into_iter()
        .map(|(range, message, help)| {
            Diagnostic::error("syntax", Span::new(file, range.clone()), message.clone())
                .with_label("here")
                .with_optional_help(help.clone())
        })
        .collect();
    if out.is_empty() {
        out.push(Diagnostic::error(
            "syntax",
            Span::new(file, 0..0),
            "this file is not valid KDL v2",
        ));
    }
    out
}

struct Lower<'a> {
    file: FileId,
    text: &'a str,
}

impl Lower<'_> {
    fn span(&self, span: miette::SourceSpan) -> Span {
        Span::new(self.file, span.offset()..span.offset() + span.len())
    }

    fn node(&self, node: &KdlNode) -> Node {
        let name = node.name();
        let entries = node
            .entries()
            .iter()
            .map(|entry| {
                let entry_span = self.span(entry.span());
                let value_span = match entry.name() {
                    Some(key) => {
                        let key_span = self.span(key.span());
                        self.value_after_equals(key_span, entry_span)
                    }
                    None => entry_span,
                };
                Entry {
                    name: entry
                        .name()
                        .map(|key| Spanned::new(key.value().to_string(), self.span(key.span()))),
                    value: Spanned::new(raw_value(entry.value()), value_span),
                    ty: entry.ty().map(|t| t.value().to_string()),
                }
            })
            .collect();
        let children = node
            .children()
            .map(|doc| doc.nodes().iter().map(|n| self.node(n)).collect())
            .unwrap_or_default();
        Node {
            name: Spanned::new(name.value().to_string(), self.span(name.span())),
            ty: node.ty().map(|t| t.value().to_string()),
            entries,
            children,
            has_block: node.children().is_some(),
            span: self.span(node.span()),
        }
    }

    /// The span of a property's value: from after `=` (and any spaces) to the entry's end.
    fn value_after_equals(&self, key: Span, entry: Span) -> Span {
        let bytes = self.text.as_bytes();
        let mut start = key.end as usize;
        let end = (entry.end as usize).min(bytes.len());
        while start < end && bytes[start] != b'=' {
            start += 1;
        }
        start += 1;
        while let Some(c) = self
            .text
            .get(start..end)
            .and_then(|rest| rest.chars().next())
            && chars::is_space(c)
        {
            start += c.len_utf8();
        }
        if start >= end {
            return entry;
        }
        Span::new(self.file, start..end)
    }
}

fn raw_value(value: &KdlValue) -> RawValue {
    match value {
        KdlValue::String(s) => RawValue::String(s.clone()),
        KdlValue::Integer(i) => RawValue::Integer(*i),
        KdlValue::Float(f) => RawValue::Float(*f),
        KdlValue::Bool(b) => RawValue::Bool(*b),
        KdlValue::Null => RawValue::Null,
    }
}

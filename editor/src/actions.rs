//! Quick fixes for diagnostics: apply the did-you-mean, write `#true` for a bare `true`, add a
//! stub for a missing runbook, a daily budget for an agent limited per run only, and `digest=`
//! on an image pinned by tag.

use std::collections::HashMap;

use gantry::diagnostics::Diagnostic;
use gantry::format::lex::{TokenKind, tokenize};
use gantry::source::{FileId, Span};
use gantry::syntax::{Node, RawValue};
use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use crate::analysis::Analysis;
use crate::index::{Kind, content_range};

/// The KDL v1 keywords that KDL v2 spells with `#`.
const BARE_KEYWORDS: &[&str] = &["true", "false", "null"];

pub fn code_actions(
    analysis: &Analysis,
    file: FileId,
    range: std::ops::Range<usize>,
) -> Vec<CodeAction> {
    let mut actions = Vec::new();
    let overlaps = |span: Span| {
        span.file == file && span.start as usize <= range.end && span.end as usize >= range.start
    };
    for d in analysis
        .checked
        .diagnostics
        .iter()
        .filter(|d| overlaps(d.primary.span))
    {
        let action = match d.id {
            _ if d.replacement.is_some() => replace(analysis, d),
            "syntax" => bare_keyword(analysis, d),
            "unresolved-reference" => runbook_stub(analysis, d),
            "agent-budget-per-run-only" => daily_budget(analysis, d),
            "image-without-digest" => digest(analysis, d),
            _ => None,
        };
        actions.extend(action);
    }
    actions
}

// lsp_types keys a workspace edit by `Uri`, which clippy cannot tell is never mutated.
#[allow(clippy::mutable_key_type)]
fn fix(
    analysis: &Analysis,
    title: String,
    d: &Diagnostic,
    edits: Vec<(Span, String)>,
) -> Option<CodeAction> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (span, text) in edits {
        let uri = analysis.uri(span.file)?.clone();
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(analysis.range(span)?, text));
    }
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![crate::diagnostics::to_lsp(analysis, d)?]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// The did-you-mean: a quoted value keeps its quotes.
fn replace(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let replacement = d.replacement.as_ref()?;
    let span = d.primary.span;
    let text = analysis.text(span.file);
    let target = match content_range(text, span) {
        Some(content) => Span::new(span.file, content),
        None => span,
    };
    fix(
        analysis,
        format!("Change to `{replacement}`"),
        d,
        vec![(target, replacement.clone())],
    )
}

/// `true` → `#true`.
fn bare_keyword(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let text = analysis.text(d.primary.span.file);
    let word = text.get(d.primary.span.range())?;
    if !BARE_KEYWORDS.contains(&word) {
        return None;
    }
    // Every bare keyword of the file: the parser stops at the first, the fix need not.
    let edits: Vec<(Span, String)> = tokenize(text)
        .iter()
        .filter(|t| t.kind == TokenKind::Atom && BARE_KEYWORDS.contains(&t.text))
        .map(|t| {
            (
                Span::new(d.primary.span.file, t.start..t.end()),
                format!("#{}", t.text),
            )
        })
        .collect();
    let title = if edits.len() > 1 {
        format!("Write `#{word}` (and every bare keyword of the file)")
    } else {
        format!("Write `#{word}`")
    };
    fix(analysis, title, d, edits)
}

/// The feature node (as written) holding a span.
fn feature_node(analysis: &Analysis, span: Span) -> Option<&Node> {
    analysis
        .doc(span.file)?
        .nodes
        .iter()
        .find(|n| n.name.value == "feature" && n.span.start <= span.start && span.end <= n.span.end)
}

/// The node (at any depth) named `name` whose span holds `span`.
fn enclosing<'a>(nodes: &'a [Node], name: &str, span: Span) -> Option<&'a Node> {
    let node = nodes
        .iter()
        .find(|n| n.span.start <= span.start && span.end <= n.span.end)?;
    enclosing(&node.children, name, span).or_else(|| (node.name.value == name).then_some(node))
}

/// Indentation of the line a byte offset is on.
fn indentation_at(text: &str, offset: usize) -> String {
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    text.get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn runbook_stub(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let occurrence = analysis
        .index()
        .at(d.primary.span.file, d.primary.span.start as usize + 1)?;
    if occurrence.key.kind != Kind::Runbook {
        return None;
    }
    let name = &occurrence.key.name;
    let feature = feature_node(analysis, d.primary.span)?;
    let text = analysis.text(feature.span.file);
    // Before the feature's closing brace.
    let close = (feature.span.end as usize).checked_sub(1)?;
    if text.get(close..=close) != Some("}") {
        return None;
    }
    let outer = indentation_at(text, close);
    let inner = format!("{outer}    ");
    let block = format!(
        "{inner}runbook \"{name}\" {{\n{inner}    summary \"What `{name}` means for users, and who is paged\"\n{inner}    step \"Where to look first\"\n{inner}}}\n"
    );
    let line_start = text
        .get(..close)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let (at, edit_text) = if text
        .get(line_start..close)
        .is_some_and(|s| s.trim().is_empty())
    {
        (line_start, block)
    } else {
        (close, format!("\n{block}{outer}"))
    };
    fix(
        analysis,
        format!(
            "Add a runbook `{name}` to feature `{}`",
            occurrence.key.feature.as_deref().unwrap_or("")
        ),
        d,
        vec![(Span::new(feature.span.file, at..at), edit_text)],
    )
}

fn daily_budget(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let doc = analysis.doc(d.primary.span.file)?;
    let agent = enclosing(&doc.nodes, "agent", d.primary.span)?;
    let budget = agent.children.iter().find(|c| c.name.value == "budget")?;
    let prop = |node: &Node, name: &str| {
        node.props()
            .find(|(k, _)| k.value == name)
            .and_then(|(_, v)| match v.value {
                RawValue::Integer(i) => Some(i),
                _ => None,
            })
    };
    let per_run = prop(budget, "tokens-per-run")?;
    let runs_per_hour = agent
        .children
        .iter()
        .find(|c| c.name.value == "rate-limit")
        .and_then(|r| prop(r, "runs-per-hour"));
    // A day of the runs the rate limit allows, or twenty runs when nothing says how often.
    let (runs, why) = match runs_per_hour {
        Some(per_hour) => (per_hour.saturating_mul(24), "the rate limit's runs a day"),
        None => (20, "twenty runs"),
    };
    let per_day = per_run.saturating_mul(runs);
    let end = budget
        .entries
        .last()
        .map_or(budget.name.span.end, |e| e.value.span.end);
    let at = Span::new(budget.span.file, end as usize..end as usize);
    fix(
        analysis,
        format!("Add tokens-per-day={per_day} ({why} at the per-run limit)"),
        d,
        vec![(at, format!(" tokens-per-day={per_day}"))],
    )
}

fn digest(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let doc = analysis.doc(d.primary.span.file)?;
    let image = enclosing(&doc.nodes, "image", d.primary.span)?;
    if image.props().any(|(k, _)| k.value == "digest") {
        return None;
    }
    let end = image
        .entries
        .last()
        .map_or(image.name.span.end, |e| e.value.span.end);
    let at = Span::new(image.span.file, end as usize..end as usize);
    fix(
        analysis,
        "Pin by digest: add `digest=\"sha256:\"` (paste the image's digest)".to_string(),
        d,
        vec![(at, " digest=\"sha256:\"".to_string())],
    )
}

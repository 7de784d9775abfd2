//! Completion. The text being typed rarely parses, so the context is read from tokens up to the
//! cursor (the enclosing nodes and the entries of the current one), and the candidates come from
//! the schema and from the last check's names.

use gantry::format::lex::{TokenKind, tokenize};
use gantry::schema::{self, NodeSchema, ValueKind};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

use crate::analysis::Analysis;
use crate::cursor;
use crate::index::{Index, Kind};
use crate::text::LineIndex;

/// What the cursor is completing.
#[derive(Debug, PartialEq)]
enum Slot {
    /// A node name.
    Node,
    /// The value of `prop=`.
    PropValue(String),
    /// An argument (its index) or a property name.
    Entry(usize),
}

#[derive(Debug)]
struct Context {
    /// Enclosing nodes: their names and first arguments.
    frames: Vec<(String, Option<String>)>,
    /// The current node's name, if typed.
    node: Option<String>,
    slot: Slot,
    /// The partial word under the cursor: its start offset and text.
    partial_start: usize,
    partial: String,
}

fn unquote(atom: &str) -> String {
    atom.trim_start_matches('#')
        .trim_start_matches('"')
        .trim_end_matches('#')
        .trim_end_matches('"')
        .to_string()
}

fn context(text: &str, offset: usize) -> Context {
    let prefix = text.get(..offset).unwrap_or(text);
    let tokens = tokenize(prefix);
    let mut frames: Vec<(String, Option<String>)> = Vec::new();
    let mut statement: Vec<(TokenKind, &str, usize)> = Vec::new();
    let mut continued = false;
    for token in &tokens {
        match token.kind {
            TokenKind::Newline if continued => continued = false,
            TokenKind::Newline | TokenKind::Semicolon => statement.clear(),
            TokenKind::Escline => continued = true,
            TokenKind::OpenBrace => {
                let name = statement.first().map(|t| unquote(t.1)).unwrap_or_default();
                let arg = statement
                    .get(1)
                    .filter(|t| t.0 == TokenKind::Atom)
                    .filter(|_| statement.get(2).is_none_or(|t| t.0 != TokenKind::Equals))
                    .map(|t| unquote(t.1));
                frames.push((name, arg));
                statement.clear();
            }
            TokenKind::CloseBrace => {
                frames.pop();
                statement.clear();
            }
            TokenKind::Atom | TokenKind::Equals => {
                statement.push((token.kind, token.text, token.start))
            }
            _ => {}
        }
    }
    // The word under the cursor, if the last token ends at it.
    let typing = statement
        .last()
        .filter(|t| t.0 == TokenKind::Atom && t.2 + t.1.len() == prefix.len())
        .copied();
    let (partial_start, partial) = match typing {
        Some((_, text, start)) => (start, text.to_string()),
        None => (prefix.len(), String::new()),
    };
    let done: &[(TokenKind, &str, usize)] = if typing.is_some() {
        &statement[..statement.len() - 1]
    } else {
        &statement
    };
    let slot = match done {
        [] => Slot::Node,
        [.., (TokenKind::Atom, key, _), (TokenKind::Equals, _, _)] => Slot::PropValue(unquote(key)),
        [_, rest @ ..] => {
            let mut args = 0;
            let mut i = 0;
            while i < rest.len() {
                if rest.get(i + 1).is_some_and(|t| t.0 == TokenKind::Equals) {
                    i += 3;
                } else {
                    args += 1;
                    i += 1;
                }
            }
            Slot::Entry(args)
        }
    };
    Context {
        frames,
        node: done.first().map(|t| unquote(t.1)),
        slot,
        partial_start,
        partial,
    }
}

pub fn complete(
    analysis: &Analysis,
    file: gantry::source::FileId,
    text: &str,
    offset: usize,
) -> Vec<CompletionItem> {
    let ctx = context(text, offset);
    let lines = LineIndex::new(text);
    let range = lines.range(text, ctx.partial_start..offset);
    let root = cursor::root_schema(analysis.is_workspace_file(file));
    let mut parent: Option<&'static NodeSchema> = Some(root);
    for (name, _) in &ctx.frames {
        parent = parent.and_then(|p| cursor::child_named(p, name, false));
    }
    let feature = ctx
        .frames
        .iter()
        .find(|(name, _)| name == "feature")
        .and_then(|(_, arg)| arg.clone());
    let feature = feature.as_deref();
    let quoted = ctx.partial.starts_with('"');
    let item = |label: String,
                kind: CompletionItemKind,
                detail: Option<String>,
                new_text: String| CompletionItem {
        label,
        kind: Some(kind),
        detail,
        filter_text: Some(new_text.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
        ..CompletionItem::default()
    };
    let value_items =
        |values: Vec<String>, kind: CompletionItemKind, detail: &str| -> Vec<CompletionItem> {
            values
                .into_iter()
                .map(|v| {
                    let new_text = if v.starts_with('#') && !quoted {
                        v.clone()
                    } else {
                        format!("\"{v}\"")
                    };
                    item(v, kind, Some(detail.to_string()), new_text)
                })
                .collect()
        };
    let Some(parent) = parent else {
        return Vec::new();
    };
    let repaired;
    let index: &Index = match analysis.doc(file) {
        Some(_) => analysis.index(),
        None => {
            repaired = index_with_line_blanked(analysis, file, text, offset);
            &repaired
        }
    };
    match &ctx.slot {
        Slot::Node => {
            let mut seen = Vec::new();
            parent
                .children
                .iter()
                .filter(|c| {
                    let fresh = !seen.contains(&c.node.name);
                    seen.push(c.node.name);
                    fresh
                })
                .map(|c| CompletionItem {
                    documentation: Some(markdown(c.node.doc)),
                    ..item(
                        c.node.name.to_string(),
                        CompletionItemKind::KEYWORD,
                        Some(c.node.doc_first_sentence().to_string()),
                        c.node.name.to_string(),
                    )
                })
                .collect()
        }
        Slot::PropValue(prop) => {
            let Some(node) = ctx
                .node
                .as_deref()
                .and_then(|n| cursor::child_named(parent, n, prop == "reason"))
            else {
                return Vec::new();
            };
            let Some(spec) = node.prop(prop) else {
                return Vec::new();
            };
            let (values, detail) = candidates(
                analysis,
                index,
                parent.name,
                node.name,
                prop,
                spec.kind,
                feature,
            );
            value_items(values, CompletionItemKind::VALUE, &detail)
        }
        Slot::Entry(arg_index) => {
            let Some(node) = ctx
                .node
                .as_deref()
                .and_then(|n| cursor::child_named(parent, n, false))
            else {
                return Vec::new();
            };
            let mut items = Vec::new();
            let arg = node
                .args
                .get(*arg_index)
                .or_else(|| node.args.last().filter(|a| a.variadic));
            if let Some(arg) = arg {
                let (values, detail) = candidates(
                    analysis,
                    index,
                    parent.name,
                    node.name,
                    arg.name,
                    arg.kind,
                    feature,
                );
                items.extend(value_items(values, CompletionItemKind::VALUE, &detail));
            }
            if !quoted {
                items.extend(node.props.iter().map(|p| CompletionItem {
                    documentation: Some(markdown(p.doc)),
                    ..item(
                        format!("{}=", p.name),
                        CompletionItemKind::PROPERTY,
                        Some(p.kind.describe()),
                        format!("{}=", p.name),
                    )
                }));
            }
            items
        }
    }
}

/// The names of the workspace when the file being typed does not parse: most often only the
/// line under the cursor is unfinished, so the file is read without it (blanked, so that
/// offsets hold).
fn index_with_line_blanked(
    analysis: &Analysis,
    file: gantry::source::FileId,
    text: &str,
    offset: usize,
) -> Index {
    let mut index = Index::default();
    for (id, doc) in analysis.docs() {
        if analysis.is_workspace_file(*id) {
            index.add_workspace_file(doc, analysis.text(*id));
        } else {
            index.add_spec_file(doc, analysis.text(*id));
        }
    }
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| offset + i);
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(text.get(..start).unwrap_or(""));
    blanked.extend(
        text.get(start..end)
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_whitespace() { c } else { ' ' }),
    );
    blanked.push_str(text.get(end..).unwrap_or(""));
    if let Some(doc) = gantry::syntax::parse_recovering(file, &blanked).document {
        if analysis.is_workspace_file(file) {
            index.add_workspace_file(&doc, &blanked);
        } else {
            index.add_spec_file(&doc, &blanked);
        }
    }
    index
}

fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text.to_string(),
    })
}

/// The values a property or argument may take, and what they are.
fn candidates(
    analysis: &Analysis,
    index: &Index,
    parent: &str,
    node: &str,
    slot: &str,
    kind: ValueKind,
    feature: Option<&str>,
) -> (Vec<String>, String) {
    let in_feature = |kind: Kind| index.names(kind, Some(feature.unwrap_or_default()));
    let presets_of = |kind: &str| -> Vec<String> {
        analysis
            .checked
            .presets
            .names_of_kind(kind)
            .map(str::to_string)
            .collect()
    };
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let by_name: Option<(Vec<String>, &str)> = match (node, slot) {
        (_, "team") | ("owner", _) => Some((index.names(Kind::Team, None), "team")),
        (_, "pager") => Some((index.names(Kind::Receiver, None), "receiver")),
        (_, "runbook") => Some((in_feature(Kind::Runbook), "runbook")),
        ("runbook", _) if parent == "agent" => Some((in_feature(Kind::Runbook), "runbook")),
        (_, "slo") => Some((in_feature(Kind::Slo), "SLO")),
        (_, "alert") => Some((in_feature(Kind::Alert), "alert")),
        (_, "service") => Some((in_feature(Kind::Service), "service")),
        (_, "secret") => Some((in_feature(Kind::Secret), "secret")),
        ("tier", _) => Some((presets_of("tier"), "tier")),
        ("env", "ENVIRONMENT") => Some((index.names(Kind::Environment, None), "environment")),
        (_, "use") => Some((presets_of(node), "preset")),
        (_, "preset") => Some((presets_of(node), "preset")),
        _ => None,
    };
    if let Some((values, what)) = by_name {
        return (values, what.to_string());
    }
    let values = match kind {
        ValueKind::OneOf(options) => words(options),
        ValueKind::Bool => words(&["#true", "#false"]),
        ValueKind::Action => words(schema::ACTIONS),
        ValueKind::RuleId => gantry::rules::all_ids().map(str::to_string).collect(),
        ValueKind::ServiceRef => index
            .keys(Kind::Service)
            .into_iter()
            .map(|k| match (&k.feature, feature) {
                (Some(f), Some(here)) if f == here => k.name.clone(),
                (Some(f), _) => format!("{f}/{}", k.name),
                (None, _) => k.name.clone(),
            })
            .collect(),
        ValueKind::Resource => {
            let mut out = Vec::new();
            for (kind, prefix) in [
                (Kind::Service, "k8s"),
                (Kind::Datastore, "datastore"),
                (Kind::Secret, "secret"),
                (Kind::Flag, "flag"),
                (Kind::Agent, "agent"),
            ] {
                for key in index.keys(kind) {
                    if let Some(f) = &key.feature {
                        out.push(format!("{prefix}:{f}/{}", key.name));
                    }
                }
            }
            out
        }
        _ => Vec::new(),
    };
    (values, kind.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_context_of_half_typed_text() {
        let text = "feature \"checkout\" {\n    deploy strategy=\"canary\" {\n        rollback-when slo=\"av";
        let ctx = context(text, text.len());
        assert_eq!(ctx.frames.len(), 2);
        assert_eq!(
            ctx.frames[0],
            ("feature".to_string(), Some("checkout".to_string()))
        );
        assert_eq!(ctx.node.as_deref(), Some("rollback-when"));
        assert_eq!(ctx.slot, Slot::PropValue("slo".to_string()));
        assert_eq!(ctx.partial, "\"av");

        let text = "feature \"a\" {\n    serv";
        let ctx = context(text, text.len());
        assert_eq!(ctx.slot, Slot::Node);
        assert_eq!(ctx.partial, "serv");

        let text = "feature \"a\" {\n    deploy ";
        assert_eq!(context(text, text.len()).slot, Slot::Entry(0));
        let text = "feature \"a\" { agent \"x\" { allow \"read\" ";
        assert_eq!(context(text, text.len()).slot, Slot::Entry(1));
    }
}

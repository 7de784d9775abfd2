//! The outline of a file and the workspace's symbols.

use gantry::source::FileId;
use gantry::syntax::Node;
use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind};

use crate::analysis::Analysis;
use crate::index::Kind;

/// Nodes that make the outline: entities, and the blocks that group them.
fn symbol_kind(name: &str) -> Option<SymbolKind> {
    Some(match name {
        "workspace" | "feature" => SymbolKind::MODULE,
        "service" => SymbolKind::CLASS,
        "datastore" | "secret" => SymbolKind::STRUCT,
        "flag" => SymbolKind::BOOLEAN,
        "slo" | "alert" => SymbolKind::EVENT,
        "runbook" => SymbolKind::FILE,
        "agent" => SymbolKind::OBJECT,
        "deploy" | "gate" | "telemetry" => SymbolKind::PROPERTY,
        "env" | "environment" => SymbolKind::NAMESPACE,
        "team" | "receiver" => SymbolKind::INTERFACE,
        "preset" => SymbolKind::CONSTANT,
        _ => return None,
    })
}

pub fn document_symbols(analysis: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    let Some(doc) = analysis.doc(file) else {
        return Vec::new();
    };
    doc.nodes
        .iter()
        .filter_map(|n| symbol(analysis, n))
        .collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the struct, superseded by `tags`
fn symbol(analysis: &Analysis, node: &Node) -> Option<DocumentSymbol> {
    let kind = symbol_kind(&node.name.value)?;
    let name = match node.first_string_arg() {
        Some(arg) => format!("{} {}", node.name.value, arg.value),
        None => match node.props().find(|(k, _)| k.value == "service") {
            Some((_, v)) => format!("{} {}", node.name.value, v.value.as_str().unwrap_or("")),
            None => node.name.value.clone(),
        },
    };
    let selection = node.first_string_arg().map_or(node.name.span, |a| a.span);
    let children: Vec<DocumentSymbol> = node
        .children
        .iter()
        .filter_map(|c| symbol(analysis, c))
        .collect();
    Some(DocumentSymbol {
        name,
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(node.span)?,
        selection_range: analysis.range(selection)?,
        children: (!children.is_empty()).then_some(children),
    })
}

#[allow(deprecated)] // `deprecated` is a required field of the struct, superseded by `tags`
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    analysis
        .index()
        .occurrences
        .iter()
        .filter(|o| o.definition)
        .filter(|o| o.key.name.to_lowercase().contains(&query))
        .filter_map(|o| {
            Some(SymbolInformation {
                name: o.key.name.clone(),
                kind: symbol_kind(o.key.kind.word()).unwrap_or(SymbolKind::VARIABLE),
                tags: None,
                deprecated: None,
                location: Location::new(
                    analysis.uri(o.name.file)?.clone(),
                    analysis.range(o.node)?,
                ),
                container_name: o.key.feature.clone().or_else(|| {
                    (o.key.kind != Kind::Feature).then(|| o.key.kind.word().to_string())
                }),
            })
        })
        .collect()
}

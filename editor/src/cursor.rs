//! What is under the cursor in a parsed file: the chain of nodes from the top, each with the
//! schema the checker validates it against, and which part of the innermost node is hit.

use gantry::schema::{self, NodeSchema};
use gantry::syntax::{Document, Node};

/// The part of a node the cursor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Name,
    /// A property's name or value: the entry's index.
    Property(usize),
    /// The nth argument.
    Argument(usize),
    /// Elsewhere in the node (its block, spaces).
    Body,
}

pub struct Hit<'a> {
    /// From the top-level node down to the innermost node holding the cursor.
    pub chain: Vec<&'a Node>,
    /// The schema of each node of the chain, as far as the schema knows them.
    pub schemas: Vec<&'static NodeSchema>,
    pub part: Part,
}

impl<'a> Hit<'a> {
    pub fn node(&self) -> &'a Node {
        self.chain[self.chain.len() - 1]
    }

    pub fn schema(&self) -> Option<&'static NodeSchema> {
        (self.schemas.len() == self.chain.len()).then(|| self.schemas[self.schemas.len() - 1])
    }

    /// The name of the feature the cursor is in.
    pub fn feature(&self) -> Option<&'a str> {
        let top = self.chain.first()?;
        (top.name.value == "feature")
            .then(|| top.first_string_arg().map(|a| a.value))
            .flatten()
    }

    /// The innermost node of the chain named `name`.
    pub fn enclosing(&self, name: &str) -> Option<&'a Node> {
        self.chain
            .iter()
            .rev()
            .find(|n| n.name.value == name)
            .copied()
    }
}

fn contains(span: gantry::source::Span, offset: usize) -> bool {
    (span.start as usize..=span.end as usize).contains(&offset)
}

pub fn hit<'a>(doc: &'a Document, root: &'static NodeSchema, offset: usize) -> Option<Hit<'a>> {
    let mut chain = Vec::new();
    let mut nodes = &doc.nodes;
    while let Some(node) = nodes.iter().find(|n| contains(n.span, offset)) {
        chain.push(node);
        nodes = &node.children;
    }
    let innermost = *chain.last()?;
    let mut schemas = Vec::new();
    let mut parent = root;
    for node in &chain {
        match child_schema(parent, node) {
            Some(s) => {
                schemas.push(s);
                parent = s;
            }
            None => break,
        }
    }
    let part = if contains(innermost.name.span, offset) {
        Part::Name
    } else {
        let mut arg_index = 0;
        let mut part = Part::Body;
        for (i, entry) in innermost.entries.iter().enumerate() {
            let span = entry
                .name
                .as_ref()
                .map_or(entry.value.span, |n| n.span.to(entry.value.span));
            if contains(span, offset) {
                part = match entry.name {
                    Some(_) => Part::Property(i),
                    None => Part::Argument(arg_index),
                };
                break;
            }
            if entry.name.is_none() {
                arg_index += 1;
            }
        }
        part
    };
    Some(Hit {
        chain,
        schemas,
        part,
    })
}

/// The schema of a child node. Two children may share a name (an agent's `allow ACTION …` and
/// the `allow RULE reason=…` that silences a lint): `reason=` tells them apart.
pub fn child_schema(parent: &'static NodeSchema, node: &Node) -> Option<&'static NodeSchema> {
    child_named(
        parent,
        &node.name.value,
        node.props().any(|(k, _)| k.value == "reason"),
    )
}

pub fn child_named(
    parent: &'static NodeSchema,
    name: &str,
    has_reason: bool,
) -> Option<&'static NodeSchema> {
    let mut same: Vec<&'static NodeSchema> = parent
        .children
        .iter()
        .filter(|c| c.node.name == name)
        .map(|c| c.node)
        .collect();
    if same.len() > 1 {
        same.sort_by_key(|s| s.prop("reason").is_some() != has_reason);
    }
    same.first().copied()
}

/// The schema a file's top-level nodes are validated against.
pub fn root_schema(is_workspace_file: bool) -> &'static NodeSchema {
    if is_workspace_file {
        &schema::WORKSPACE_FILE
    } else {
        &schema::SPEC_FILE
    }
}

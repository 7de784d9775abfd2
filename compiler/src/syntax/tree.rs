//! The syntax tree: KDL nodes with a span on every name, entry and value. It holds no type of the
//! `kdl` crate, so later stages (and another parser) do not depend on it.

use crate::source::{Span, Spanned};

/// A KDL value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    String(String),
    Integer(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl RawValue {
    /// How the value reads in a message: its kind and text.
    pub fn describe(&self) -> String {
        match self {
            RawValue::String(s) => format!("the string \"{s}\""),
            RawValue::Integer(i) => format!("the number {i}"),
            RawValue::Float(f) => format!("the number {f}"),
            RawValue::Bool(b) => format!("#{b}"),
            RawValue::Null => "#null".to_string(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            RawValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// One argument or property of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The property name; `None` for an argument.
    pub name: Option<Spanned<String>>,
    pub value: Spanned<RawValue>,
    /// The type annotation, e.g. `(u8)`, if any.
    pub ty: Option<String>,
}

/// A KDL node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: Spanned<String>,
    /// The node's type annotation, e.g. `(deprecated)`, if any.
    pub ty: Option<String>,
    pub entries: Vec<Entry>,
    pub children: Vec<Node>,
    /// Whether the node has a `{ … }` block (possibly empty).
    pub has_block: bool,
    /// The whole node, children included.
    pub span: Span,
}

impl Node {
    pub fn args(&self) -> impl Iterator<Item = &Spanned<RawValue>> {
        self.entries
            .iter()
            .filter(|e| e.name.is_none())
            .map(|e| &e.value)
    }

    pub fn props(&self) -> impl Iterator<Item = (&Spanned<String>, &Spanned<RawValue>)> {
        self.entries
            .iter()
            .filter_map(|e| e.name.as_ref().map(|n| (n, &e.value)))
    }

    /// The first argument when it is a string: the entity name of most nodes.
    pub fn first_string_arg(&self) -> Option<Spanned<&str>> {
        let first = self.args().next()?;
        first.value.as_str().map(|s| Spanned::new(s, first.span))
    }
}

/// A parsed spec file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
}

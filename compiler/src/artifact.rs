//! What a target produces: a file of the output tree as a structured value (serialized by the
//! writer, never templated) or as text meant for people.

use serde_json::Value;

use crate::source::Span;

/// The content of an artifact.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// YAML documents, one after another in the file (`---` between them).
    Yaml(Vec<Value>),
    /// One JSON document.
    Json(Value),
    /// Text for people (Markdown runbooks) or for a tool's own syntax.
    Text(String),
}

/// One file of the output tree, relative to `OUTPUT/ENV/TARGET/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    /// A relative path with `/` separators; every segment a name gantry checked or chose.
    pub path: String,
    pub content: Content,
    /// The spec files it was generated from, as shown to users.
    pub sources: Vec<String>,
    /// The spec node that caused it, for diagnostics found while emitting.
    pub origin: Option<Span>,
}

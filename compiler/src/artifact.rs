//! What a target produces: a file of the output tree as a structured value (serialized by the
//! writer, never templated) or as text meant for people.

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::model::Model;
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
    /// A YAML or JSON document, by the path's extension, that the target serialized itself
    /// (with [`crate::build::render_yaml_document`] or [`crate::build::render_json_document`]):
    /// a file describing a whole environment, whose `Value` would take many times the size of
    /// its text. Written like [`Content::Yaml`] and [`Content::Json`], sorted keys included, and
    /// read back into values where it is compared.
    Serialized(String),
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

/// Where a streamed target hands each artifact.
pub type Sink<'a> = &'a mut dyn FnMut(Artifact);

/// A target's entry point. Diagnostics found while emitting point at the spec span that caused
/// them.
#[derive(Clone, Copy)]
pub enum Emit {
    /// A target of a few files made from the whole model.
    Whole(fn(&Model) -> Result<Vec<Artifact>, Vec<Diagnostic>>),
    /// A target of files per feature: it hands each artifact out as soon as it is made, so that a
    /// build writes it and lets it go. On an error, what it handed out is to be discarded.
    Streamed(fn(&Model, Sink<'_>) -> Result<(), Vec<Diagnostic>>),
    /// A target of a few files that each describe the whole environment (its policies, the
    /// agent runtime's manifest), handed out one at a time like a streamed target's. Each is
    /// large while it is made: a build runs one such target at a time.
    EnvironmentWide(fn(&Model, Sink<'_>) -> Result<(), Vec<Diagnostic>>),
}

impl Emit {
    /// Runs the target, handing every artifact to `out`.
    pub fn run(self, model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
        match self {
            Emit::Whole(emit) => {
                emit(model)?.into_iter().for_each(out);
                Ok(())
            }
            Emit::Streamed(emit) | Emit::EnvironmentWide(emit) => emit(model, out),
        }
    }

    /// Whether the target's files each describe the whole environment (see
    /// [`Emit::EnvironmentWide`]).
    pub fn is_environment_wide(self) -> bool {
        matches!(self, Emit::EnvironmentWide(_))
    }

    /// Every artifact the target emits, in order.
    pub fn collect(self, model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let mut artifacts = Vec::new();
        self.run(model, &mut |artifact| artifacts.push(artifact))?;
        Ok(artifacts)
    }
}

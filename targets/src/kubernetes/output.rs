//! Collects the objects and diagnostics of one emit, and names each object's file.

use std::collections::BTreeMap;

use gantry::artifact::{Artifact, Content};
use gantry::diagnostics::Diagnostic;
use gantry::source::Span;
use serde_json::Value;

#[derive(Default)]
pub struct Output {
    artifacts: BTreeMap<String, Artifact>,
    diagnostics: Vec<Diagnostic>,
}

impl Output {
    /// Adds one object as the file `NAMESPACE/KIND-NAME.yaml`.
    pub fn push(&mut self, namespace: &str, object: Value, origin: Span, source: &str) {
        let kind = object["kind"]
            .as_str()
            .unwrap_or("object")
            .to_ascii_lowercase();
        let name = object["metadata"]["name"].as_str().unwrap_or("unnamed");
        let path = format!("{namespace}/{kind}-{name}.yaml");
        if let Some(first) = self.artifacts.get(&path) {
            // Two spec entities whose generated names meet (service `a-b` and the canary Service
            // of service `a` would both be `F-a-b-…`): the cluster would keep only one.
            let mut d = Diagnostic::error(
                "invalid-value",
                origin,
                format!("two generated objects would both be the {kind} `{name}` in namespace `{namespace}`"),
            )
            .with_label("its name meets another generated name")
            .with_help("rename one of the services");
            if let Some(span) = first.origin {
                d = d.with_secondary(span, "the other object comes from here");
            }
            self.diagnostics.push(d);
            return;
        }
        self.artifacts.insert(
            path.clone(),
            Artifact {
                path,
                content: Content::Yaml(vec![object]),
                sources: vec![source.to_string()],
                origin: Some(origin),
            },
        );
    }

    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The artifacts in path order, or every diagnostic found.
    pub fn finish(self) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        if self.diagnostics.is_empty() {
            Ok(self.artifacts.into_values().collect())
        } else {
            Err(self.diagnostics)
        }
    }
}

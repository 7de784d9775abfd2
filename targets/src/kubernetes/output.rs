//! Hands out the objects of one emit as they are made, names each object's file, and collects
//! the diagnostics.

use std::collections::HashMap;

use gantry::artifact::{Artifact, Content};
use gantry::diagnostics::Diagnostic;
use gantry::source::Span;
use serde_json::Value;

pub struct Output<'o> {
    /// The files handed out so far, with the node each came from.
    written: HashMap<String, Span>,
    diagnostics: Vec<Diagnostic>,
    sink: &'o mut dyn FnMut(Artifact),
}

impl<'o> Output<'o> {
    pub fn new(sink: &'o mut dyn FnMut(Artifact)) -> Output<'o> {
        Output {
            written: HashMap::new(),
            diagnostics: Vec::new(),
            sink,
        }
    }

    /// Adds one object as the file `NAMESPACE/KIND-NAME.yaml`.
    pub fn push(&mut self, namespace: &str, object: Value, origin: Span, source: &str) {
        let kind = object["kind"]
            .as_str()
            .unwrap_or("object")
            .to_ascii_lowercase();
        let name = object["metadata"]["name"].as_str().unwrap_or("unnamed");
        let path = format!("{namespace}/{kind}-{name}.yaml");
        if let Some(first) = self.written.get(&path) {
            // Two spec entities whose generated names meet (service `a-b` and the canary Service
            // of service `a` would both be `F-a-b-…`): the cluster would keep only one.
            let d = Diagnostic::error(
                "invalid-value",
                origin,
                format!("two generated objects would both be the {kind} `{name}` in namespace `{namespace}`"),
            )
            .with_label("its name meets another generated name")
            .with_help("rename one of the services")
            .with_secondary(*first, "the other object comes from here");
            self.diagnostics.push(d);
            return;
        }
        self.written.insert(path.clone(), origin);
        (self.sink)(Artifact {
            path,
            content: Content::Yaml(vec![object]),
            sources: vec![source.to_string()],
            origin: Some(origin),
        });
    }

    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Every diagnostic found, if any.
    pub fn finish(self) -> Result<(), Vec<Diagnostic>> {
        if self.diagnostics.is_empty() {
            Ok(())
        } else {
            Err(self.diagnostics)
        }
    }
}

//! Shared by the kubernetes target's tests: checking a workspace, emitting, validating objects
//! against the vendored JSON Schemas.

#![allow(dead_code)]

pub mod schemas;

use std::path::{Path, PathBuf};

use gantry::artifact::{Artifact, Content};
use gantry::check::{Checked, Input, check_files, check_path};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::vfs::OsFs;
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("targets/ has a parent")
        .to_path_buf()
}

/// Checks an example workspace; it must check cleanly.
pub fn example(name: &str) -> Checked {
    let (_, checked) = check_path(&OsFs, &repo_root().join("examples").join(name))
        .unwrap_or_else(|e| panic!("cannot load example {name}: {e:?}"));
    assert!(
        !checked.has_errors(),
        "{name} has errors: {:#?}",
        checked.diagnostics
    );
    checked
}

/// Checks a workspace given as text.
pub fn workspace(gantry_kdl: &str, specs: &[(&str, &str)]) -> Checked {
    check_files(
        Input {
            name: "gantry.kdl".into(),
            text: gantry_kdl.into(),
        },
        specs
            .iter()
            .map(|(name, text)| Input {
                name: (*name).into(),
                text: (*text).into(),
            })
            .collect(),
    )
}

pub fn environments(checked: &Checked) -> Vec<String> {
    checked
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect()
}

/// The model of one environment of a workspace that must check without errors.
pub fn model<'a>(checked: &'a Checked, environment: &str) -> Model<'a> {
    Model::of(checked, environment).unwrap_or_else(|| {
        panic!(
            "no model for {environment}: {:#?}",
            checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect::<Vec<_>>()
        )
    })
}

pub fn emit(checked: &Checked, environment: &str) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    gantry_targets::kubernetes::emit(&model(checked, environment))
}

pub fn objects(artifacts: &[Artifact]) -> Vec<(&str, &Value)> {
    artifacts
        .iter()
        .flat_map(|a| match &a.content {
            Content::Yaml(docs) => docs.iter().map(|d| (a.path.as_str(), d)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// The YAML the writer produces for an artifact.
pub fn yaml(artifact: &Artifact) -> String {
    match &artifact.content {
        Content::Yaml(docs) => gantry::build::render_yaml(docs).expect("serializes"),
        Content::Json(value) => gantry::build::render_json(value).expect("serializes"),
        Content::Text(text) | Content::Serialized(text) => text.clone(),
    }
}

pub fn find<'a>(artifacts: &'a [Artifact], path: &str) -> &'a Value {
    objects(artifacts)
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no artifact {path}"))
}

/// `text` as a quoted KDL string, escaped so that any text survives the trip into a spec.
pub fn kdl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

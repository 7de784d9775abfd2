//! Two sets of objects compared identity by identity: created, updated, replaced, deleted or
//! renamed, each with a unified diff of its serialized form, secret-bearing values redacted.

use serde::Serialize;
use serde_json::Value;
use similar::TextDiff;

use super::entities::ChangeKind;
use super::objects::{Body, Object, Objects, serialized};
use super::redact::{redact_text, redact_value, secrets_of_text, secrets_of_value};
use super::replace::forced_fields;

/// One changed object.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectChange {
    /// `TARGET:IDENTITY`.
    pub object: String,
    pub environment: String,
    pub target: String,
    pub feature: Option<String>,
    #[serde(skip)]
    pub key: String,
    #[serde(skip)]
    pub kind: &'static str,
    pub change: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The fields whose change forces the object to be replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forces_replacement: Vec<String>,
    /// A unified diff of the serialized object, secret-bearing values redacted.
    pub diff: String,
}

pub fn compare(base: &Objects, head: &Objects) -> Vec<ObjectChange> {
    let mut out = Vec::new();
    let mut created: Vec<&Object> = Vec::new();
    let mut deleted: Vec<&Object> = Vec::new();
    for (key, b) in base {
        match head.get(key) {
            Some(h) if h.body != b.body => {
                let forces = forced_fields(&b.identity, &b.body, &h.body);
                let change = if forces.is_empty() {
                    ChangeKind::Update
                } else {
                    ChangeKind::Replace
                };
                out.push(change_of(h, change, Some(b), forces));
            }
            Some(_) => {}
            None => deleted.push(b),
        }
    }
    for (key, h) in head {
        if !base.contains_key(key) {
            created.push(h);
        }
    }
    for h in created {
        let renamed = deleted.iter().position(|b| {
            b.environment == h.environment
                && b.target == h.target
                && without_name(&b.body) == without_name(&h.body)
        });
        match renamed {
            Some(at) => {
                let b = deleted.remove(at);
                let mut change = change_of(h, ChangeKind::Rename, Some(b), Vec::new());
                change.renamed_from = Some(b.reference());
                out.push(change);
            }
            None => out.push(change_of(h, ChangeKind::Create, None, Vec::new())),
        }
    }
    for b in deleted {
        let mut change = change_of(b, ChangeKind::Delete, None, Vec::new());
        change.diff = unified(&redacted(&b.body, None), "");
        out.push(change);
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn change_of(
    object: &Object,
    change: ChangeKind,
    base: Option<&Object>,
    forces: Vec<String>,
) -> ObjectChange {
    // The base shows every secret as redacted; the head marks those that differ from the base.
    let old = base.map(|b| redacted(&b.body, None)).unwrap_or_default();
    let new = redacted(&object.body, base.map(|b| &b.body));
    ObjectChange {
        object: object.reference(),
        environment: object.environment.clone(),
        target: object.target.clone(),
        feature: object.feature.clone(),
        key: object.key(),
        kind: object.kind,
        change,
        renamed_from: None,
        forces_replacement: forces,
        diff: unified(&old, &new),
    }
}

/// The serialized form with secrets redacted; those that differ from `other`'s are marked.
pub fn redacted(body: &Body, other: Option<&Body>) -> String {
    match body {
        Body::Value(value) => {
            let theirs = match other {
                Some(Body::Value(v)) => secrets_of_value(v),
                _ => Default::default(),
            };
            serialized(&Body::Value(redact_value(value, &theirs)))
        }
        Body::Text(text) | Body::Hcl { text, .. } => {
            let theirs = match other {
                Some(Body::Text(t) | Body::Hcl { text: t, .. }) => secrets_of_text(t),
                _ => Default::default(),
            };
            serialized(&Body::Text(redact_text(text, &theirs)))
        }
    }
}

fn unified(old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

/// The content of an object apart from its own name, for recognising renames.
fn without_name(body: &Body) -> String {
    match body {
        Body::Value(value) => {
            let mut copy = value.clone();
            if let Some(meta) = copy.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("name");
                meta.remove("namespace");
            }
            for key in ["alert", "record"] {
                if let Some(map) = copy.as_object_mut() {
                    map.remove(key);
                }
            }
            copy.to_string()
        }
        Body::Text(text) => text.clone(),
        Body::Hcl { text, .. } => text.lines().skip(1).collect::<Vec<_>>().join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::Content;
    use crate::diff::objects::split;
    use serde_json::json;

    fn objects(docs: Vec<Value>) -> Objects {
        let mut out = Objects::new();
        split(
            "prod",
            "kubernetes",
            "checkout/x.yaml",
            &Content::Yaml(docs),
            &|_| true,
            &mut out,
        );
        out
    }

    fn cm(name: &str, data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "checkout"}, "data": data})
    }

    #[test]
    fn updates_creates_deletes_and_renames() {
        let base = objects(vec![
            cm("a", json!({"x": "1"})),
            cm("b", json!({"y": "2"})),
            cm("c", json!({"z": "3"})),
        ]);
        let head = objects(vec![
            cm("a", json!({"x": "9"})),
            cm("b2", json!({"y": "2"})),
            cm("d", json!({"w": "4"})),
        ]);
        let changes: Vec<(String, ChangeKind)> = compare(&base, &head)
            .into_iter()
            .map(|c| (c.object, c.change))
            .collect();
        assert_eq!(
            changes,
            [
                (
                    "kubernetes:v1/ConfigMap/checkout/a".to_string(),
                    ChangeKind::Update
                ),
                (
                    "kubernetes:v1/ConfigMap/checkout/b2".to_string(),
                    ChangeKind::Rename
                ),
                (
                    "kubernetes:v1/ConfigMap/checkout/c".to_string(),
                    ChangeKind::Delete
                ),
                (
                    "kubernetes:v1/ConfigMap/checkout/d".to_string(),
                    ChangeKind::Create
                ),
            ]
        );
    }

    #[test]
    fn a_changed_secret_value_is_named_but_never_shown() {
        let base = objects(vec![cm("a", json!({"api_token": "OLD-T0KEN-VALUE"}))]);
        let head = objects(vec![cm("a", json!({"api_token": "NEW-T0KEN-VALUE"}))]);
        let changes = compare(&base, &head);
        let diff = &changes[0].diff;
        assert!(!diff.contains("T0KEN-VALUE"), "{diff}");
        assert!(diff.contains("-  api_token: <redacted>"), "{diff}");
        assert!(
            diff.contains("+  api_token: \"<redacted: changed>\""),
            "{diff}"
        );
    }
}

//! An agent's rights, one entry per (effect, action, resource) as written, each with the
//! entities of this environment it covers: a runtime checks a tool call against the entities,
//! not against patterns.

use gantry::ast::{Agent, Effect, Feature, Name};
use gantry::model::Model;
use gantry::values::{Resource, ResourceKind, Target};
use serde_json::{Value, json};

pub fn permissions(model: &Model, feature: &Feature, agent: &Agent) -> Value {
    let rules: Vec<Value> = agent
        .rules
        .iter()
        .flat_map(|rule| {
            rule.resources.iter().map(move |resource| {
                json!({
                    "effect": match rule.effect {
                        Effect::Allow => "allow",
                        Effect::Deny => "deny",
                    },
                    "action": rule.action.value,
                    "resource": written(feature, &resource.value),
                    "entities": entities(model, feature, &resource.value),
                })
            })
        })
        .collect();
    json!({ "default": "deny", "rules": rules })
}

/// The resource with its feature made explicit (`k8s:*` in checkout is `k8s:checkout/*`).
fn written(feature: &Feature, resource: &Resource) -> String {
    let kind = resource.kind.as_str();
    match &resource.target {
        Target::One { feature: f, name } => {
            format!(
                "{kind}:{}/{name}",
                f.as_deref().unwrap_or(&feature.name.value)
            )
        }
        Target::All { feature: f } => {
            format!("{kind}:{}/*", f.as_deref().unwrap_or(&feature.name.value))
        }
        Target::Github { org, repo, scope } => format!("{kind}:{org}/{repo}/{scope}"),
    }
}

/// The entities a resource covers in this environment, sorted. A GitHub scope is external: it
/// is its own entity. A wildcard over a feature with no entity of the kind covers nothing.
fn entities(model: &Model, feature: &Feature, resource: &Resource) -> Vec<String> {
    let kind = resource.kind.as_str();
    let (feature_name, only) = match &resource.target {
        Target::Github { .. } => return vec![written(feature, resource)],
        Target::One { feature: f, name } => (f.as_deref(), Some(name.as_str())),
        Target::All { feature: f } => (f.as_deref(), None),
    };
    let feature_name = feature_name.unwrap_or(&feature.name.value);
    let Some(target) = model.feature(feature_name) else {
        return Vec::new();
    };
    let mut out: Vec<String> = names(target, resource.kind)
        .into_iter()
        .map(|n| n.value.as_str())
        .filter(|n| only.is_none_or(|o| o == *n))
        .map(|n| format!("{kind}:{feature_name}/{n}"))
        .collect();
    out.sort();
    out
}

/// The entities of a kind in a feature: `k8s:` names its services.
fn names(feature: &Feature, kind: ResourceKind) -> Vec<&Name> {
    match kind {
        ResourceKind::K8s => feature.services.iter().map(|s| &s.name).collect(),
        ResourceKind::Datastore => feature.datastores.iter().map(|d| &d.name).collect(),
        ResourceKind::Secret => feature.secrets.iter().map(|s| &s.name).collect(),
        ResourceKind::Flag => feature.flags.iter().map(|f| &f.name).collect(),
        ResourceKind::Agent => feature.agents.iter().map(|a| &a.name).collect(),
        ResourceKind::Github => Vec::new(),
    }
}

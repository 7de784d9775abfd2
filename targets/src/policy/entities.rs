//! `entities.json`: the workspace as Cedar entities — teams, features, agents and every resource
//! an agent rule can name — in Cedar's JSON entity format, sorted by type and id.

use std::collections::BTreeMap;

use gantry::ast::{Feature, Name};
use gantry::model::Model;
use gantry::values::{ResourceKind, Target};
use serde_json::{Map, Value, json};

use super::{agent_id, entity_type};

/// Every entity of the environment.
pub fn entities(model: &Model) -> Value {
    let mut out: BTreeMap<(&'static str, String), Value> = BTreeMap::new();
    let mut add = |entity_type: &'static str, id: String, attrs: Map<String, Value>, parents| {
        let value = json!({
            "uid": uid(entity_type, &id),
            "attrs": attrs,
            "parents": parents,
        });
        out.insert((entity_type, id), value);
    };
    for team in &model.workspace.teams {
        add("Team", team.name.value.clone(), Map::new(), json!([]));
    }
    for feature in &model.features {
        let name = &feature.name.value;
        let mut attrs = Map::new();
        if let Some(owner) = &feature.owner {
            attrs.insert("owner".into(), entity_ref("Team", &owner.value));
        }
        add("Feature", name.clone(), attrs, json!([]));
        let parents = json!([uid("Feature", name)]);
        let member = |n: &Name| {
            let mut attrs = Map::new();
            attrs.insert("feature".into(), json!(name));
            attrs.insert("name".into(), json!(n.value));
            (format!("{name}/{}", n.value), attrs)
        };
        for service in &feature.services {
            let (id, attrs) = member(&service.name);
            add(entity_type(ResourceKind::K8s), id, attrs, parents.clone());
        }
        for datastore in &feature.datastores {
            let (id, mut attrs) = member(&datastore.name);
            if let Some(kind) = &datastore.kind {
                attrs.insert("kind".into(), json!(kind.value));
            }
            let pii = datastore.contains_pii.as_ref().is_some_and(|p| p.value);
            attrs.insert("contains_pii".into(), json!(pii));
            add(
                entity_type(ResourceKind::Datastore),
                id,
                attrs,
                parents.clone(),
            );
        }
        for secret in &feature.secrets {
            let (id, attrs) = member(&secret.name);
            add(
                entity_type(ResourceKind::Secret),
                id,
                attrs,
                parents.clone(),
            );
        }
        for flag in &feature.flags {
            let (id, attrs) = member(&flag.name);
            add(entity_type(ResourceKind::Flag), id, attrs, parents.clone());
        }
        for agent in &feature.agents {
            let (_, mut attrs) = member(&agent.name);
            if let Some(owner) = agent.owner.as_ref().or(feature.owner.as_ref()) {
                attrs.insert("owner".into(), entity_ref("Team", &owner.value));
            }
            add(
                "Agent",
                agent_id(name, &agent.name.value),
                attrs,
                parents.clone(),
            );
        }
    }
    for (org, repo, scope) in repositories(&model.features) {
        let mut attrs = Map::new();
        attrs.insert("org".into(), json!(org));
        attrs.insert("repo".into(), json!(repo));
        attrs.insert("scope".into(), json!(scope));
        add(
            entity_type(ResourceKind::Github),
            format!("{org}/{repo}/{scope}"),
            attrs,
            json!([]),
        );
    }
    Value::Array(out.into_values().collect())
}

/// The GitHub scopes agent rules name one by one (a pattern names no entity of its own).
fn repositories(features: &[std::sync::Arc<Feature>]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = features
        .iter()
        .flat_map(|f| &f.agents)
        .flat_map(|a| &a.rules)
        .flat_map(|r| &r.resources)
        .filter_map(|r| match &r.value.target {
            Target::Github { org, repo, scope }
                if ![org, repo, scope].iter().any(|p| p.contains('*')) =>
            {
                Some((org.clone(), repo.clone(), scope.clone()))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn uid(entity_type: &str, id: &str) -> Value {
    json!({ "type": entity_type, "id": id })
}

fn entity_ref(entity_type: &str, id: &str) -> Value {
    json!({ "__entity": uid(entity_type, id) })
}

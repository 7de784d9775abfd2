//! `entities.json`: the workspace as Cedar entities — teams, features, agents and every resource
//! an agent rule can name — in Cedar's JSON entity format, sorted by type and id.
//!
//! The entities are typed and serialized straight into the file's text: an environment has
//! one for every entity of every feature, and as `serde_json::Value`s they would take many
//! times the size of the text.

use std::borrow::Cow;
use std::collections::BTreeMap;

use gantry::ast::{Feature, Name};
use gantry::build::render_json_document;
use gantry::model::Model;
use gantry::values::{ResourceKind, Target};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{agent_id, entity_type};

/// One Cedar entity, its fields in the order of their keys.
#[derive(Serialize)]
struct Entity<'m> {
    attrs: Attrs<'m>,
    parents: Vec<Uid<'m>>,
    uid: Uid<'m>,
}

/// An entity's type and id, its fields in the order of their keys.
#[derive(Serialize, Clone)]
struct Uid<'m> {
    id: Cow<'m, str>,
    #[serde(rename = "type")]
    entity_type: &'static str,
}

/// An entity's attributes, written as a map in the order of their names.
struct Attrs<'m>(Vec<(&'static str, Attr<'m>)>);

#[derive(Serialize)]
#[serde(untagged)]
enum Attr<'m> {
    Text(Cow<'m, str>),
    Flag(bool),
    Entity {
        #[serde(rename = "__entity")]
        entity: Uid<'m>,
    },
}

impl<'m> Attrs<'m> {
    fn new() -> Attrs<'m> {
        Attrs(Vec::new())
    }

    fn with(mut self, name: &'static str, value: Attr<'m>) -> Attrs<'m> {
        let at = self.0.partition_point(|(n, _)| *n < name);
        self.0.insert(at, (name, value));
        self
    }
}

impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn uid<'m>(entity_type: &'static str, id: impl Into<Cow<'m, str>>) -> Uid<'m> {
    Uid {
        id: id.into(),
        entity_type,
    }
}

fn entity_ref<'m>(entity_type: &'static str, id: &'m str) -> Attr<'m> {
    Attr::Entity {
        entity: uid(entity_type, id),
    }
}

fn text<'m>(value: impl Into<Cow<'m, str>>) -> Attr<'m> {
    Attr::Text(value.into())
}

/// The text of `entities.json`: every entity of the environment.
pub fn entities(model: &Model) -> Result<String, String> {
    render_json_document(&sorted_entities(model))
}

/// Every entity of the environment, sorted by type and id.
fn sorted_entities<'m>(model: &'m Model<'_>) -> Vec<Entity<'m>> {
    let mut out: BTreeMap<(&'static str, Cow<'m, str>), Entity<'m>> = BTreeMap::new();
    let mut add =
        |entity_type: &'static str, id: Cow<'m, str>, attrs: Attrs<'m>, parents: Vec<Uid<'m>>| {
            let entity = Entity {
                attrs,
                parents,
                uid: uid(entity_type, id.clone()),
            };
            out.insert((entity_type, id), entity);
        };
    for team in &model.workspace.teams {
        add(
            "Team",
            team.name.value.as_str().into(),
            Attrs::new(),
            vec![],
        );
    }
    for feature in &model.features {
        let name = feature.name.value.as_str();
        let mut attrs = Attrs::new();
        if let Some(owner) = &feature.owner {
            attrs = attrs.with("owner", entity_ref("Team", &owner.value));
        }
        add("Feature", name.into(), attrs, vec![]);
        let parents = || vec![uid("Feature", name)];
        let member = |n: &'m Name| -> (Cow<'m, str>, Attrs<'m>) {
            let attrs = Attrs::new()
                .with("feature", text(name))
                .with("name", text(n.value.as_str()));
            (Cow::Owned(format!("{name}/{}", n.value)), attrs)
        };
        for service in &feature.services {
            let (id, attrs) = member(&service.name);
            add(entity_type(ResourceKind::K8s), id, attrs, parents());
        }
        for datastore in &feature.datastores {
            let (id, mut attrs) = member(&datastore.name);
            if let Some(kind) = &datastore.kind {
                attrs = attrs.with("kind", text(kind.value.as_str()));
            }
            let pii = datastore.contains_pii.as_ref().is_some_and(|p| p.value);
            attrs = attrs.with("contains_pii", Attr::Flag(pii));
            add(entity_type(ResourceKind::Datastore), id, attrs, parents());
        }
        for secret in &feature.secrets {
            let (id, attrs) = member(&secret.name);
            add(entity_type(ResourceKind::Secret), id, attrs, parents());
        }
        for flag in &feature.flags {
            let (id, attrs) = member(&flag.name);
            add(entity_type(ResourceKind::Flag), id, attrs, parents());
        }
        for agent in &feature.agents {
            let (_, mut attrs) = member(&agent.name);
            if let Some(owner) = agent.owner.as_ref().or(feature.owner.as_ref()) {
                attrs = attrs.with("owner", entity_ref("Team", &owner.value));
            }
            let id = agent_id(name, &agent.name.value);
            add("Agent", id.into(), attrs, parents());
        }
    }
    for (org, repo, scope) in repositories(&model.features) {
        let id = format!("{org}/{repo}/{scope}");
        let attrs = Attrs::new()
            .with("org", text(org))
            .with("repo", text(repo))
            .with("scope", text(scope));
        add(entity_type(ResourceKind::Github), id.into(), attrs, vec![]);
    }
    out.into_values().collect()
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

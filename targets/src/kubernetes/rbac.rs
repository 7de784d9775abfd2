//! Agents' `k8s:` rights as RBAC: per agent a ServiceAccount in its feature's namespace, and in
//! every namespace its rules reach a Role and a RoleBinding. Verbs come from the actions,
//! resources from the rules, and nothing is granted wider than a rule: a rule on one service
//! names its objects (`resourceNames`), and a deny takes verbs away.

use std::collections::{BTreeMap, BTreeSet};

use gantry::ast::{Agent, Effect, Feature};
use gantry::model::Model;
use gantry::source::Span;
use gantry::values::{ResourceKind, Target};
use serde_json::{Value, json};

use super::labels;
use super::plan::{Strategy, object_name};

type Kind = (&'static str, &'static str);
/// Names of the objects a rule covers; `None`: every object of its kind.
type Names = Option<BTreeSet<String>>;

const DEPLOYMENTS: Kind = ("apps", "deployments");
const ROLLOUTS: Kind = ("argoproj.io", "rollouts");
const SERVICES: Kind = ("", "services");
const HPAS: Kind = ("autoscaling", "horizontalpodautoscalers");
const PDBS: Kind = ("policy", "poddisruptionbudgets");
const NETWORK_POLICIES: Kind = ("networking.k8s.io", "networkpolicies");
const CONFIG_MAPS: Kind = ("", "configmaps");
/// What reading a whole feature means: its objects and what runs them. Never Secrets: those are
/// `secret:` resources, granted on their own.
const READABLE: &[Kind] = &[
    ("", "pods"),
    ("", "pods/log"),
    ("", "events"),
    SERVICES,
    CONFIG_MAPS,
    DEPLOYMENTS,
    ("apps", "replicasets"),
    ROLLOUTS,
    ("argoproj.io", "analysisruns"),
    HPAS,
    PDBS,
    NETWORK_POLICIES,
];
/// The objects gantry emits for a feature, which `write` and `delete` may touch.
const EMITTED: &[Kind] = &[
    SERVICES,
    CONFIG_MAPS,
    DEPLOYMENTS,
    ROLLOUTS,
    HPAS,
    PDBS,
    NETWORK_POLICIES,
];

/// One verb on one kind in one namespace, on one named object or (`None`) on all of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    namespace: String,
    kind: Kind,
    name: Option<String>,
    verb: &'static str,
}

/// The RBAC objects of every agent of a feature, each with its namespace and origin.
pub fn objects(model: &Model, feature: &Feature) -> Vec<(String, Value, Span)> {
    let mut out = Vec::new();
    for agent in &feature.agents {
        let grants = grants(model, feature, agent);
        if grants.is_empty() {
            continue;
        }
        let name = format!("agent.{}.{}", feature.name.value, agent.name.value);
        let home = feature.name.value.clone();
        out.push((
            home.clone(),
            json!({
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": metadata(feature, &name, &home),
                "automountServiceAccountToken": false,
            }),
            agent.name.span,
        ));
        let mut by_namespace: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
        for grant in grants {
            by_namespace
                .entry(grant.namespace.clone())
                .or_default()
                .push(grant);
        }
        for (namespace, grants) in by_namespace {
            out.push((
                namespace.clone(),
                json!({
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "Role",
                    "metadata": metadata(feature, &name, &namespace),
                    "rules": rules(&grants),
                }),
                agent.name.span,
            ));
            out.push((
                namespace.clone(),
                json!({
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "RoleBinding",
                    "metadata": metadata(feature, &name, &namespace),
                    "roleRef": {
                        "apiGroup": "rbac.authorization.k8s.io",
                        "kind": "Role",
                        "name": name,
                    },
                    "subjects": [{ "kind": "ServiceAccount", "name": name, "namespace": home }],
                }),
                agent.name.span,
            ));
        }
    }
    out
}

fn metadata(feature: &Feature, name: &str, namespace: &str) -> Value {
    json!({ "name": name, "namespace": namespace, "labels": labels::common(feature, name) })
}

/// The allowed grants less the denied ones.
fn grants(model: &Model, feature: &Feature, agent: &Agent) -> BTreeSet<Grant> {
    let mut allowed = BTreeSet::new();
    let mut denied = BTreeSet::new();
    for rule in &agent.rules {
        for resource in rule
            .resources
            .iter()
            .filter(|r| r.value.kind == ResourceKind::K8s)
        {
            let found = expand(model, feature, &rule.action.value, &resource.value.target);
            match rule.effect {
                Effect::Allow => allowed.extend(found),
                Effect::Deny => denied.extend(found),
            }
        }
    }
    for deny in &denied {
        allowed = subtract(model, allowed, deny);
    }
    allowed
}

/// Removes a denied verb. RBAC cannot grant "all but one": a namespace-wide grant that a deny
/// on one object cuts into becomes a grant on each other object of that kind, and kinds whose
/// objects have no name gantry knows (pods, events) lose the verb altogether.
fn subtract(model: &Model, allowed: BTreeSet<Grant>, deny: &Grant) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for grant in allowed {
        let hit =
            grant.namespace == deny.namespace && grant.kind == deny.kind && grant.verb == deny.verb;
        if !hit {
            out.insert(grant);
            continue;
        }
        match (&grant.name, &deny.name) {
            (_, None) => {}
            (Some(a), Some(d)) if a == d => {}
            (Some(_), Some(_)) => {
                out.insert(grant);
            }
            (None, Some(denied_name)) => {
                for name in named_objects(model, &grant.namespace, grant.kind) {
                    if name != *denied_name {
                        out.insert(Grant {
                            name: Some(name),
                            ..grant.clone()
                        });
                    }
                }
            }
        }
    }
    out
}

/// The verbs an action means, on which kinds: for one service its own objects, for a whole
/// feature the kinds its objects are.
fn expand(model: &Model, feature: &Feature, action: &str, target: &Target) -> Vec<Grant> {
    let (namespace, service) = match target {
        Target::One { feature: f, name } => (
            f.clone().unwrap_or_else(|| feature.name.value.clone()),
            Some(name.as_str()),
        ),
        Target::All { feature: f } => (
            f.clone().unwrap_or_else(|| feature.name.value.clone()),
            None,
        ),
        Target::Github { .. } => return Vec::new(),
    };
    let Some(target_feature) = model.feature(&namespace) else {
        return Vec::new();
    };
    let workloads = |service: Option<&str>| -> Vec<Kind> {
        let mut kinds: BTreeSet<Kind> = BTreeSet::new();
        for s in target_feature
            .services
            .iter()
            .filter(|s| service.is_none_or(|n| n == s.name.value))
        {
            let strategy = Strategy::of(target_feature.deploy_for(&s.name.value));
            kinds.insert(if strategy.is_rollout() {
                ROLLOUTS
            } else {
                DEPLOYMENTS
            });
        }
        kinds.into_iter().collect()
    };
    // Kubernetes cannot limit `create` to a name (the object does not exist yet), so a rule on
    // one service may update what exists but not create.
    let (verbs, kinds): (&[&'static str], Vec<Kind>) = match (action, service) {
        ("read", None) => (&["get", "list", "watch"], READABLE.to_vec()),
        ("read", Some(_)) => (&["get", "list", "watch"], EMITTED.to_vec()),
        ("write", None) => (&["create", "update", "patch"], EMITTED.to_vec()),
        ("write", Some(_)) => (&["update", "patch"], EMITTED.to_vec()),
        ("deploy", s) => (&["update", "patch"], workloads(s)),
        ("rollback", s) => (&["patch"], workloads(s)),
        ("delete", _) => (&["delete"], EMITTED.to_vec()),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for kind in kinds {
        let names: Vec<Option<String>> = match service {
            None => vec![None],
            Some(service) => service_objects(target_feature, service, kind)
                .into_iter()
                .map(Some)
                .collect(),
        };
        for name in names {
            for verb in verbs {
                out.push(Grant {
                    namespace: namespace.clone(),
                    kind,
                    name: name.clone(),
                    verb,
                });
            }
        }
    }
    out
}

/// The names of the objects of one kind that gantry emits for one service.
fn service_objects(feature: &Feature, service: &str, kind: Kind) -> Vec<String> {
    let name = object_name(&feature.name.value, service);
    let strategy = Strategy::of(feature.deploy_for(service));
    match kind {
        SERVICES => {
            let mut names = vec![name.clone()];
            match strategy {
                Strategy::Canary => {
                    names.extend([format!("{name}-canary"), format!("{name}-stable")])
                }
                Strategy::BlueGreen => names.push(format!("{name}-preview")),
                Strategy::Rolling => {}
            }
            names
        }
        DEPLOYMENTS if !strategy.is_rollout() => vec![name],
        ROLLOUTS if strategy.is_rollout() => vec![name],
        HPAS | PDBS | NETWORK_POLICIES => vec![name],
        _ => Vec::new(),
    }
}

fn named_objects(model: &Model, namespace: &str, kind: Kind) -> Vec<String> {
    let Some(feature) = model.feature(namespace) else {
        return Vec::new();
    };
    let mut names: Vec<String> = feature
        .services
        .iter()
        .flat_map(|s| service_objects(feature, &s.name.value, kind))
        .collect();
    if kind == CONFIG_MAPS && !feature.flags.is_empty() {
        names.push(format!("{}-flags", feature.name.value));
    }
    names
}

/// Grants as PolicyRules: verbs gathered per kind and name set, then kinds that share an API
/// group, names and verbs gathered in one rule.
fn rules(grants: &[Grant]) -> Vec<Value> {
    let mut verbs: BTreeMap<(Kind, Option<String>), BTreeSet<&str>> = BTreeMap::new();
    for grant in grants {
        verbs
            .entry((grant.kind, grant.name.clone()))
            .or_default()
            .insert(grant.verb);
    }
    // (group, verbs, resource) → names (None: all).
    let mut by_kind: BTreeMap<(&str, Vec<&str>, &str), Names> = BTreeMap::new();
    for (((group, resource), name), verbs) in verbs {
        let entry = by_kind
            .entry((group, ordered(verbs), resource))
            .or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), name) {
            (Some(names), Some(name)) => {
                names.insert(name);
            }
            (_, None) => *entry = None,
            (None, Some(_)) => {}
        }
    }
    let mut rules: BTreeMap<(&str, Vec<&str>, Names), Vec<&str>> = BTreeMap::new();
    for ((group, verbs, resource), names) in by_kind {
        rules
            .entry((group, verbs, names))
            .or_default()
            .push(resource);
    }
    rules
        .into_iter()
        .map(|((group, verbs, names), resources)| {
            let mut rule = json!({ "apiGroups": [group], "resources": resources, "verbs": verbs });
            if let Some(names) = names {
                rule["resourceNames"] = json!(names);
            }
            rule
        })
        .collect()
}

/// Verbs in the order people read them, not alphabetically.
fn ordered(verbs: BTreeSet<&str>) -> Vec<&str> {
    const ORDER: [&str; 7] = [
        "get", "list", "watch", "create", "update", "patch", "delete",
    ];
    ORDER
        .iter()
        .copied()
        .filter(|v| verbs.contains(v))
        .collect()
}

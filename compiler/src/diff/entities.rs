//! The spec entities of one environment compared between two models: what changed, how (create,
//! update, delete, replace, widen, narrow, rename), the fields and the semantic lines. Each change
//! also carries a patch: the base features with only that change made, from which the objects it
//! touches are found.

use std::collections::BTreeMap;

use super::fields::{self, Fields, changed};
use super::lines;
use crate::ast::{Agent, Feature};
use crate::model::TierDefaults;

/// The kinds of change of DESIGN §7a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
    Replace,
    Widen,
    Narrow,
    Rename,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
            ChangeKind::Replace => "replace",
            ChangeKind::Widen => "widen",
            ChangeKind::Narrow => "narrow",
            ChangeKind::Rename => "rename",
        }
    }
}

/// How to make one change alone, for finding the objects it touches.
#[derive(Debug, Clone)]
pub enum Patch {
    /// The base model with this feature replaced (or removed, with `None`).
    Base {
        feature: String,
        with: Option<Box<Feature>>,
    },
    /// The head model without this feature: the objects a new feature adds.
    HeadWithout { feature: String },
}

/// One change of a spec entity in one environment.
#[derive(Debug, Clone)]
pub struct EntityChange {
    pub feature: String,
    pub kind: &'static str,
    pub name: String,
    pub change: ChangeKind,
    pub fields: Vec<&'static str>,
    pub renamed_from: Option<String>,
    pub lines: Vec<String>,
    pub patch: Patch,
}

/// The features of one environment of each side, with their tier defaults.
pub struct Side<'a> {
    pub features: &'a [std::sync::Arc<Feature>],
    pub tiers: &'a BTreeMap<String, TierDefaults>,
}

pub fn compare(base: &Side<'_>, head: &Side<'_>) -> Vec<EntityChange> {
    let mut out = Vec::new();
    fn find<'a>(side: &Side<'a>, name: &str) -> Option<&'a Feature> {
        side.features
            .iter()
            .find(|f| f.name.value == name)
            .map(|f| &**f)
    }
    let mut deleted: Vec<&Feature> = Vec::new();
    let mut created: Vec<&Feature> = Vec::new();
    for b in base.features {
        match find(head, &b.name.value) {
            Some(h) => compare_feature(b, h, base, head, &mut out),
            None => deleted.push(b),
        }
    }
    for h in head.features {
        if find(base, &h.name.value).is_none() {
            created.push(h);
        }
    }
    // A feature whose content is unchanged under a new name is a rename.
    let mut renamed = Vec::new();
    for h in &created {
        let content = fields::whole_feature(h);
        if let Some(at) = deleted
            .iter()
            .position(|b| fields::whole_feature(b) == content)
        {
            let b = deleted.remove(at);
            renamed.push(h.name.value.clone());
            out.push(EntityChange {
                feature: h.name.value.clone(),
                kind: "feature",
                name: h.name.value.clone(),
                change: ChangeKind::Rename,
                fields: vec!["name"],
                renamed_from: Some(b.name.value.clone()),
                lines: vec![format!(
                    "feature {} is renamed {}",
                    b.name.value, h.name.value
                )],
                patch: Patch::Base {
                    feature: b.name.value.clone(),
                    with: Some(Box::new((*h).clone())),
                },
            });
        }
    }
    for h in created.iter().filter(|h| !renamed.contains(&h.name.value)) {
        out.push(EntityChange {
            feature: h.name.value.clone(),
            kind: "feature",
            name: h.name.value.clone(),
            change: ChangeKind::Create,
            fields: Vec::new(),
            renamed_from: None,
            lines: summary(h)
                .into_iter()
                .map(|s| format!("new feature {}: {s}", h.name.value))
                .collect(),
            patch: Patch::HeadWithout {
                feature: h.name.value.clone(),
            },
        });
    }
    for b in deleted {
        out.push(EntityChange {
            feature: b.name.value.clone(),
            kind: "feature",
            name: b.name.value.clone(),
            change: ChangeKind::Delete,
            fields: Vec::new(),
            renamed_from: None,
            lines: summary(b)
                .into_iter()
                .map(|s| format!("feature {} is deleted with {s}", b.name.value))
                .collect(),
            patch: Patch::Base {
                feature: b.name.value.clone(),
                with: None,
            },
        });
    }
    out
}

/// What a feature holds, counted: `1 service, 1 datastore, 1 secret, 1 agent`.
fn summary(f: &Feature) -> Option<String> {
    let counts = [
        (f.services.len(), "service"),
        (f.datastores.len(), "datastore"),
        (f.secrets.len(), "secret"),
        (f.agents.len(), "agent"),
        (f.slos.len(), "SLO"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// One kind of entity of a feature: how to name it, list its fields, and reach its list.
struct Kind<T: 'static> {
    kind: &'static str,
    list: fn(&Feature) -> &Vec<T>,
    list_mut: fn(&mut Feature) -> &mut Vec<T>,
    name: fn(&T) -> String,
    fields: fn(&T) -> Fields,
}

/// A matched pair of one entity, or one side alone.
struct Pair<'a, T> {
    base: Option<&'a T>,
    head: Option<&'a T>,
    changed: Vec<&'static str>,
    renamed_from: Option<String>,
}

fn pairs<'a, T>(kind: &Kind<T>, base: &'a Feature, head: &'a Feature) -> Vec<Pair<'a, T>> {
    let (b, h) = ((kind.list)(base), (kind.list)(head));
    let mut out = Vec::new();
    let mut lone_base: Vec<&T> = Vec::new();
    for x in b {
        match h.iter().find(|y| (kind.name)(y) == (kind.name)(x)) {
            Some(y) => {
                let changed = changed(&(kind.fields)(x), &(kind.fields)(y));
                if !changed.is_empty() {
                    out.push(Pair {
                        base: Some(x),
                        head: Some(y),
                        changed,
                        renamed_from: None,
                    });
                }
            }
            None => lone_base.push(x),
        }
    }
    for y in h {
        if b.iter().any(|x| (kind.name)(x) == (kind.name)(y)) {
            continue;
        }
        let same = lone_base
            .iter()
            .position(|x| (kind.fields)(x) == (kind.fields)(y));
        match same {
            Some(at) => {
                let x = lone_base.remove(at);
                out.push(Pair {
                    base: Some(x),
                    head: Some(y),
                    changed: vec!["name"],
                    renamed_from: Some((kind.name)(x)),
                });
            }
            None => out.push(Pair {
                base: None,
                head: Some(y),
                changed: Vec::new(),
                renamed_from: None,
            }),
        }
    }
    for x in lone_base {
        out.push(Pair {
            base: Some(x),
            head: None,
            changed: Vec::new(),
            renamed_from: None,
        });
    }
    out
}

/// The base feature with one entity set to the head's version (or added, or removed).
fn patched<T: Clone>(kind: &Kind<T>, base: &Feature, pair: &Pair<'_, T>) -> Patch {
    let mut feature = base.clone();
    let list = (kind.list_mut)(&mut feature);
    let at = pair
        .base
        .and_then(|b| list.iter().position(|x| (kind.name)(x) == (kind.name)(b)));
    match (at, pair.head) {
        (Some(at), Some(h)) => list[at] = h.clone(),
        (Some(at), None) => {
            list.remove(at);
        }
        (None, Some(h)) => list.push(h.clone()),
        (None, None) => {}
    }
    Patch::Base {
        feature: base.name.value.clone(),
        with: Some(Box::new(feature)),
    }
}

fn simple_change<T>(pair: &Pair<'_, T>) -> ChangeKind {
    match (pair.base, pair.head, &pair.renamed_from) {
        (_, _, Some(_)) => ChangeKind::Rename,
        (None, Some(_), _) => ChangeKind::Create,
        (Some(_), None, _) => ChangeKind::Delete,
        _ => ChangeKind::Update,
    }
}

fn compare_feature(
    b: &Feature,
    h: &Feature,
    bs: &Side<'_>,
    hs: &Side<'_>,
    out: &mut Vec<EntityChange>,
) {
    let feature = b.name.value.clone();
    let who = |name: &str| format!("{feature}/{name}");
    let mut push = |kind: &'static str,
                    name: String,
                    change: ChangeKind,
                    fields: Vec<&'static str>,
                    renamed_from: Option<String>,
                    lines: Vec<String>,
                    patch: Patch| {
        out.push(EntityChange {
            feature: feature.clone(),
            kind,
            name,
            change,
            fields,
            renamed_from,
            lines,
            patch,
        });
    };

    compare_named(
        &Kind {
            kind: "service",
            list: |f| &f.services,
            list_mut: |f| &mut f.services,
            name: |s| s.name.value.clone(),
            fields: fields::service,
        },
        "service",
        b,
        h,
        &mut push,
        |pair, name, lines, _| {
            if let (Some(x), Some(y), None) = (pair.base, pair.head, &pair.renamed_from) {
                lines.extend(lines::service(&who(name), x, y));
            }
        },
    );
    // Datastores: a new engine replaces the database.
    compare_named(
        &Kind {
            kind: "datastore",
            list: |f| &f.datastores,
            list_mut: |f| &mut f.datastores,
            name: |s| s.name.value.clone(),
            fields: fields::datastore,
        },
        "datastore",
        b,
        h,
        &mut push,
        |pair, name, lines, change| {
            if let (Some(x), Some(y), None) = (pair.base, pair.head, &pair.renamed_from) {
                lines.extend(lines::datastore(&format!("datastore {}", who(name)), x, y));
                if pair.changed.contains(&"kind") {
                    *change = ChangeKind::Replace;
                }
            }
        },
    );
    compare_named(
        &Kind {
            kind: "secret",
            list: |f| &f.secrets,
            list_mut: |f| &mut f.secrets,
            name: |s| s.name.value.clone(),
            fields: fields::secret,
        },
        "secret",
        b,
        h,
        &mut push,
        |_, _, _, _| {},
    );
    compare_named(
        &Kind {
            kind: "flag",
            list: |f| &f.flags,
            list_mut: |f| &mut f.flags,
            name: |s| s.name.value.clone(),
            fields: fields::flag,
        },
        "flag",
        b,
        h,
        &mut push,
        |pair, name, lines, _| {
            if let (Some(x), Some(y), None) = (pair.base, pair.head, &pair.renamed_from) {
                lines.extend(lines::flag(&format!("flag {}", who(name)), x, y));
            }
        },
    );

    // Deploys are named by the service they pick, `*` for every service of the feature.
    let kind = Kind {
        kind: "deploy",
        list: |f| &f.deploys,
        list_mut: |f| &mut f.deploys,
        name: |d| {
            d.service
                .as_ref()
                .map_or("*".to_string(), |s| s.value.clone())
        },
        fields: fields::deploy,
    };
    for pair in pairs(&kind, b, h) {
        let name = name_of(&kind, &pair);
        let mut lines = Vec::new();
        let services = pair
            .head
            .or(pair.base)
            .map(|d| lines::deployed_services(if pair.head.is_some() { h } else { b }, d))
            .unwrap_or_default();
        for service in services {
            lines.extend(lines::canary(&who(service), pair.base, pair.head));
        }
        // Renaming a deploy is picking another service: a change of what it deploys.
        let change = match simple_change(&pair) {
            ChangeKind::Rename => ChangeKind::Update,
            other => other,
        };
        push(
            kind.kind,
            name,
            change,
            pair.changed.clone(),
            None,
            lines,
            patched(&kind, b, &pair),
        );
    }

    // Telemetry: one per feature.
    let (tb, th) = (b.telemetry.as_ref(), h.telemetry.as_ref());
    let changed_telemetry = match (tb, th) {
        (Some(x), Some(y)) => changed(&fields::telemetry(x), &fields::telemetry(y)),
        (None, None) => Vec::new(),
        _ => vec!["telemetry"],
    };
    if !changed_telemetry.is_empty() {
        let mut with = b.clone();
        with.telemetry = h.telemetry.clone();
        let change = match (tb, th) {
            (None, Some(_)) => ChangeKind::Create,
            (Some(_), None) => ChangeKind::Delete,
            _ => ChangeKind::Update,
        };
        push(
            "telemetry",
            "telemetry".into(),
            change,
            changed_telemetry,
            None,
            Vec::new(),
            Patch::Base {
                feature: feature.clone(),
                with: Some(Box::new(with)),
            },
        );
    }

    let (tier_b, tier_h) = (bs.tiers.get(&feature), hs.tiers.get(&feature));
    compare_named(
        &Kind {
            kind: "slo",
            list: |f| &f.slos,
            list_mut: |f| &mut f.slos,
            name: |s| s.name.value.clone(),
            fields: fields::slo,
        },
        "SLO",
        b,
        h,
        &mut push,
        |pair, name, lines, _| {
            if pair.renamed_from.is_none() {
                lines.extend(lines::alert_sensitivity(
                    &who(name),
                    pair.base.map(|s| (s, tier_b)),
                    pair.head.map(|s| (s, tier_h)),
                ));
            }
        },
    );
    compare_named(
        &Kind {
            kind: "alert",
            list: |f| &f.alerts,
            list_mut: |f| &mut f.alerts,
            name: |s| s.name.value.clone(),
            fields: fields::alert,
        },
        "alert",
        b,
        h,
        &mut push,
        |_, _, _, _| {},
    );
    compare_named(
        &Kind {
            kind: "runbook",
            list: |f| &f.runbooks,
            list_mut: |f| &mut f.runbooks,
            name: |s| s.name.value.clone(),
            fields: fields::runbook,
        },
        "runbook",
        b,
        h,
        &mut push,
        |_, _, _, _| {},
    );

    compare_agents(b, h, &mut push);

    compare_named(
        &Kind {
            kind: "gate",
            list: |f| &f.gates,
            list_mut: |f| &mut f.gates,
            name: |s| s.name.value.clone(),
            fields: fields::gate,
        },
        "gate",
        b,
        h,
        &mut push,
        |_, _, _, _| {},
    );

    // The feature's own settings.
    let changed_settings = changed(&fields::feature(b), &fields::feature(h));
    if !changed_settings.is_empty() {
        let mut with = b.clone();
        with.owner = h.owner.clone();
        with.tier = h.tier.clone();
        with.description = h.description.clone();
        let mut lines = Vec::new();
        let owner = |f: &Feature| {
            f.owner
                .as_ref()
                .map_or("nobody".to_string(), |o| o.value.clone())
        };
        if owner(b) != owner(h) {
            lines.push(format!(
                "feature {feature} owner {} → {}",
                owner(b),
                owner(h)
            ));
        }
        let tier = |f: &Feature| {
            f.tier
                .as_ref()
                .map_or("default".to_string(), |o| o.value.clone())
        };
        if tier(b) != tier(h) {
            lines.push(format!("feature {feature} tier {} → {}", tier(b), tier(h)));
        }
        push(
            "feature",
            feature.clone(),
            ChangeKind::Update,
            changed_settings,
            None,
            lines,
            Patch::Base {
                feature: feature.clone(),
                with: Some(Box::new(with)),
            },
        );
    }
}

/// Every change of one kind of named entity: a line when it is renamed, and what `describe`
/// adds (lines, a stronger kind of change) for the pair.
fn compare_named<T: Clone>(
    kind: &Kind<T>,
    noun: &str,
    b: &Feature,
    h: &Feature,
    push: &mut Push<'_>,
    describe: impl Fn(&Pair<'_, T>, &str, &mut Vec<String>, &mut ChangeKind),
) {
    let feature = &b.name.value;
    for pair in pairs(kind, b, h) {
        let name = name_of(kind, &pair);
        let mut lines: Vec<String> = pair
            .renamed_from
            .iter()
            .map(|from| format!("{noun} {feature}/{from} is renamed {name}"))
            .collect();
        let mut change = simple_change(&pair);
        describe(&pair, &name, &mut lines, &mut change);
        push(
            kind.kind,
            name,
            change,
            pair.changed.clone(),
            pair.renamed_from.clone(),
            lines,
            patched(kind, b, &pair),
        );
    }
}

fn name_of<T>(kind: &Kind<T>, pair: &Pair<'_, T>) -> String {
    pair.head
        .or(pair.base)
        .map(|x| (kind.name)(x))
        .unwrap_or_default()
}

type Push<'a> = dyn FnMut(&'static str, String, ChangeKind, Vec<&'static str>, Option<String>, Vec<String>, Patch)
    + 'a;

/// Agents: rights widen or narrow (policy-effect lines), budgets widen or narrow on their own,
/// anything else is an update.
fn compare_agents(b: &Feature, h: &Feature, push: &mut Push<'_>) {
    let feature = &b.name.value;
    let kind = Kind {
        kind: "agent",
        list: |f| &f.agents,
        list_mut: |f| &mut f.agents,
        name: |s| s.name.value.clone(),
        fields: agent_with_budget,
    };
    for pair in pairs(&kind, b, h) {
        let name = name_of(&kind, &pair);
        let who = format!("{feature}/{name}");
        let (base_rights, head_rights) = (
            pair.base
                .map(|a| lines::rights(feature, a))
                .unwrap_or_default(),
            pair.head
                .map(|a| lines::rights(feature, a))
                .unwrap_or_default(),
        );
        if let (Some(x), Some(y), None) = (pair.base, pair.head, &pair.renamed_from) {
            // The budget alone, then everything else.
            let (budget_lines, widens) = lines::budget(&who, x.budget.as_ref(), y.budget.as_ref());
            if !budget_lines.is_empty() {
                let mut agent = x.clone();
                agent.budget = y.budget.clone();
                let change = if widens {
                    ChangeKind::Widen
                } else {
                    ChangeKind::Narrow
                };
                push(
                    "budget",
                    name.clone(),
                    change,
                    vec!["budget"],
                    None,
                    budget_lines,
                    patch_agent(b, agent),
                );
            }
            let changed = changed(&fields::agent(x), &fields::agent(y));
            if changed.is_empty() {
                continue;
            }
            let (lines, widens, narrows) = lines::policy_effects(&who, &base_rights, &head_rights);
            let change = if widens {
                ChangeKind::Widen
            } else if narrows {
                ChangeKind::Narrow
            } else {
                ChangeKind::Update
            };
            let mut agent = y.clone();
            agent.budget = x.budget.clone();
            push(
                "agent",
                name,
                change,
                changed,
                None,
                lines,
                patch_agent(b, agent),
            );
            continue;
        }
        let mut lines: Vec<String> = pair
            .renamed_from
            .as_ref()
            .map(|from| format!("agent {feature}/{from} is renamed {name}"))
            .into_iter()
            .collect();
        if pair.renamed_from.is_none() {
            lines.extend(lines::policy_effects(&who, &base_rights, &head_rights).0);
        }
        if let Some(y) = pair.head.filter(|_| pair.base.is_none()) {
            lines.extend(lines::budget(&who, None, y.budget.as_ref()).0);
        }
        push(
            "agent",
            name,
            simple_change(&pair),
            pair.changed.clone(),
            pair.renamed_from.clone(),
            lines,
            patched(&kind, b, &pair),
        );
    }
}

fn agent_with_budget(a: &Agent) -> Fields {
    let mut out = fields::agent(a);
    out.push(("budget", fields::show(&a.budget)));
    out
}

fn patch_agent(base: &Feature, agent: Agent) -> Patch {
    let mut feature = base.clone();
    if let Some(slot) = feature
        .agents
        .iter_mut()
        .find(|a| a.name.value == agent.name.value)
    {
        *slot = agent;
    }
    Patch::Base {
        feature: base.name.value.clone(),
        with: Some(Box::new(feature)),
    }
}

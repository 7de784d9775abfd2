//! `policies.cedar`: agent rules as Cedar policies, and the approvals irreversible actions wait
//! for. Every policy is built from checked values; every string in it goes through
//! [`cedar::string`].

use gantry::ast::{self, Agent, AgentRule, Feature};
use gantry::model::Model;
use gantry::schema::ACTIONS;
use gantry::source::Span;
use gantry::values::{Resource, ResourceKind, Target};

use super::cedar::{entity, string};
use super::{agent_id, entity_type, irreversible_approvers, is_irreversible, resource_entity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Permit,
    Forbid,
}

/// One Cedar policy and the spec it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The `@id` annotation: `FEATURE/AGENT/allow ACTION RESOURCE…` (or `deny …`) for an agent's
    /// rule; `FEATURE/approval/ACTION/KIND/TEAM` for an approval.
    pub id: String,
    pub effect: Effect,
    /// What the spec says, for people (`allow "read" "k8s:checkout/*"`).
    pub rule: String,
    /// The team an approval policy waits for.
    pub approval: Option<String>,
    /// The spec node it comes from: the rule, the gate's `approve`, or the feature's `owner`.
    pub origin: Span,
    /// The policy's Cedar text, annotations included.
    pub text: String,
}

/// Every policy of the environment: agents' rules in the order the features and agents are
/// written, then the approvals.
pub fn policies(model: &Model) -> Vec<Policy> {
    let mut out = Vec::new();
    each_policy(model, &mut |policy| out.push(policy));
    out
}

/// Hands every policy of the environment to `out`, in the order of [`policies`].
pub fn each_policy(model: &Model, out: &mut dyn FnMut(Policy)) {
    for feature in &model.features {
        for agent in &feature.agents {
            agent_policies(feature, agent, out);
        }
    }
    for feature in &model.features {
        approval_policies(model, feature, out);
    }
}

fn agent_policies(feature: &Feature, agent: &Agent, out: &mut dyn FnMut(Policy)) {
    let mut seen: Vec<String> = Vec::new();
    for rule in &agent.rules {
        let (effect, word) = match rule.effect {
            ast::Effect::Allow => (Effect::Permit, "allow"),
            ast::Effect::Deny => (Effect::Forbid, "deny"),
        };
        // A rule without a resource grants and denies nothing (the checker requires one).
        if rule.resources.is_empty() {
            continue;
        }
        let id = rule_id(feature, agent, word, rule, &mut seen);
        let spec = rule_text(word, rule);
        let principal = format!(
            "principal == {}",
            entity("Agent", &agent_id(&feature.name.value, &agent.name.value))
        );
        let action = format!("action == {}", entity("Action", &rule.action.value));
        let matchers: Vec<Matcher> = rule
            .resources
            .iter()
            .map(|r| matcher(&r.value, &feature.name.value))
            .collect();
        let (resource, when) = match matchers.as_slice() {
            [
                Matcher {
                    scope: Some(scope), ..
                },
            ] => (scope.clone(), None),
            _ => (
                "resource".to_string(),
                Some(
                    matchers
                        .iter()
                        .map(|m| m.condition.as_str())
                        .collect::<Vec<_>>()
                        .join(" ||\n    "),
                ),
            ),
        };
        let text = render(
            &id,
            &spec,
            effect,
            [principal, action, resource],
            when.map(|w| format!("when {{\n    {w}\n}}")),
        );
        out(Policy {
            id,
            effect,
            rule: spec,
            approval: None,
            origin: rule.span,
            text,
        });
    }
}

/// For every action the risk table grades irreversible on a kind of resource the feature has, a
/// forbid unless each approving team's approval is in the request; with no team to approve, a
/// plain forbid.
fn approval_policies(model: &Model, feature: &Feature, out: &mut dyn FnMut(Policy)) {
    let name = &feature.name.value;
    let has = |kind: ResourceKind| match kind {
        ResourceKind::K8s => !feature.services.is_empty(),
        ResourceKind::Datastore => !feature.datastores.is_empty(),
        ResourceKind::Secret => !feature.secrets.is_empty(),
        ResourceKind::Flag => !feature.flags.is_empty(),
        ResourceKind::Agent => !feature.agents.is_empty(),
        ResourceKind::Github => false,
    };
    let approvers = irreversible_approvers(feature);
    for (kind_name, kind) in ResourceKind::ALL {
        if !has(kind) {
            continue;
        }
        for action in ACTIONS
            .iter()
            .filter(|a| is_irreversible(model.risk, a, kind))
        {
            let scope = [
                "principal".to_string(),
                format!("action == {}", entity("Action", action)),
                format!(
                    "resource is {} in {}",
                    entity_type(kind),
                    entity("Feature", name)
                ),
            ];
            let id_prefix = format!("{name}/approval/{action}/{kind_name}");
            let noun = match kind {
                ResourceKind::K8s => "service",
                _ => kind_name,
            };
            if approvers.is_empty() {
                let rule = format!(
                    "`{action}` on a {noun} of `{name}` cannot be undone, and no gate or owner names who approves it"
                );
                out(Policy {
                    text: render(&id_prefix, &rule, Effect::Forbid, scope, None),
                    id: id_prefix,
                    effect: Effect::Forbid,
                    rule,
                    approval: None,
                    origin: feature.name.span,
                });
                continue;
            }
            for approver in &approvers {
                let id = format!("{id_prefix}/{}", approver.team);
                let rule = format!(
                    "`{action}` on a {noun} of `{name}` cannot be undone: {}",
                    approver.reason
                );
                let unless = format!(
                    "unless {{\n    context.approvals.contains({})\n}}",
                    string(&approver.team)
                );
                out(Policy {
                    text: render(&id, &rule, Effect::Forbid, scope.clone(), Some(unless)),
                    id,
                    effect: Effect::Forbid,
                    rule,
                    approval: Some(approver.team.clone()),
                    origin: approver.span,
                });
            }
        }
    }
}

fn render(
    id: &str,
    rule: &str,
    effect: Effect,
    scope: [String; 3],
    condition: Option<String>,
) -> String {
    let effect = match effect {
        Effect::Permit => "permit",
        Effect::Forbid => "forbid",
    };
    let condition = condition.map_or(String::new(), |c| format!(" {c}"));
    format!(
        "@id({})\n@rule({})\n{effect} (\n    {}\n){condition};\n",
        string(id),
        string(rule),
        scope.join(",\n    ")
    )
}

/// The rule as the spec writes it.
/// A rule's policy is named by what it says, not by its place among the agent's rules, so that
/// adding a rule leaves the others' ids (and `gantry diff`'s identity of them) alone:
/// `FEATURE/AGENT/allow ACTION RESOURCE…`. `seen` holds the names given so far; the Nth repeat
/// of one rule gets ` #N`.
fn rule_id(
    feature: &Feature,
    agent: &Agent,
    word: &str,
    rule: &AgentRule,
    seen: &mut Vec<String>,
) -> String {
    let mut name = format!(
        "{}/{}/{word} {}",
        feature.name.value, agent.name.value, rule.action.value
    );
    for resource in &rule.resources {
        name.push(' ');
        name.push_str(&resource.value.to_string());
    }
    let repeats = seen.iter().filter(|s| **s == name).count();
    seen.push(name.clone());
    match repeats {
        0 => name,
        n => format!("{name} #{}", n + 1),
    }
}

fn rule_text(word: &str, rule: &AgentRule) -> String {
    let mut text = format!("{word} {}", quoted(&rule.action.value));
    for resource in &rule.resources {
        text.push(' ');
        text.push_str(&quoted(&resource.value.to_string()));
    }
    text
}

fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

/// How a policy matches one resource of a rule: in its scope when the rule has only this one
/// and the scope can say it, and as a condition otherwise.
struct Matcher {
    scope: Option<String>,
    condition: String,
}

fn matcher(resource: &Resource, own_feature: &str) -> Matcher {
    let exact = resource_entity(resource, own_feature)
        .map(|(entity_type, id)| format!("resource == {}", entity(entity_type, &id)));
    if let Some(exact) = exact {
        return Matcher {
            scope: Some(exact.clone()),
            condition: exact,
        };
    }
    if let Target::Github { org, repo, scope } = &resource.target {
        // `*` in a part matches any text, as it does in Cedar's `like`; the parts can hold no
        // other character that `like` treats specially.
        let part = |attr: &str, value: &str| {
            let op = if value.contains('*') { "like" } else { "==" };
            format!("resource.{attr} {op} {}", string(value))
        };
        return Matcher {
            scope: None,
            condition: format!(
                "(resource is Repository && {} && {} && {})",
                part("org", org),
                part("repo", repo),
                part("scope", scope)
            ),
        };
    }
    // What is left is a trailing `*`: every entity of the kind in a feature.
    let feature = match &resource.target {
        Target::All {
            feature: Some(feature),
        } => feature.as_str(),
        _ => own_feature,
    };
    let all = format!(
        "resource is {} in {}",
        entity_type(resource.kind),
        entity("Feature", feature)
    );
    Matcher {
        scope: Some(all.clone()),
        condition: format!("({all})"),
    }
}

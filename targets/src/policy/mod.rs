//! The policy target (DESIGN §5): per environment, the agents' permissions as Cedar and the
//! deploy gates as Rego.
//!
//! - `policy.cedarschema`: the entity types (`Agent`, `Team`, `Feature`, and one per kind of
//!   resource an agent rule can name), the six actions, and the request context (`approvals`:
//!   the teams whose approval the request carries).
//! - `policies.cedar`: each agent `allow` a `permit`, each `deny` a `forbid` (a forbid wins),
//!   each annotated `@id("FEATURE/AGENT/allow ACTION RESOURCE")` after the spec rule it comes
//!   from; and for every action the risk table grades irreversible on a kind of resource a
//!   feature has, a `forbid … unless { context.approvals.contains("TEAM") }` per team that
//!   approves the feature's irreversible changes.
//! - `entities.json`: every team, feature, agent and resource of the workspace, in Cedar's JSON
//!   entity format; resources are members of their feature, so a rule's trailing `*` is
//!   `resource in Feature::"NAME"`.
//! - `gates.rego`: package `gantry.gates`, deciding a change set of `gantry diff --format json`
//!   from the feature's gates, which it embeds as data.
//!
//! [`cedar_policies`] gives the same policies with the spec span of each, for `gantry can`.

mod cedar;
mod entities;
mod gates;
mod rules;

use std::collections::BTreeSet;

use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::Feature;
use gantry::build::unserializable;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::risk::{RiskTable, RiskTier};
use gantry::schema::ACTIONS;
use gantry::source::Span;
use gantry::values::{Resource, ResourceKind, Target};

pub use cedar::string as cedar_string;
pub use entities::entities;
pub use gates::rego;
pub use rules::{Effect, Policy, each_policy, policies};

pub const SCHEMA_FILE: &str = "policy.cedarschema";
pub const POLICIES_FILE: &str = "policies.cedar";
pub const ENTITIES_FILE: &str = "entities.json";
pub const GATES_FILE: &str = "gates.rego";

/// The policy target's four files, in the order they are built.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    crate::Emit::Streamed(stream).collect(model)
}

/// The policy target's entry point: each file handed out as soon as it is made, so that a build
/// writes it and lets it go before making the next (each describes the whole environment).
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let sources: Vec<String> = model
        .features
        .iter()
        .filter(|f| !f.agents.is_empty() || !f.gates.is_empty())
        .map(|f| model.file_name(f).to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let origin = model.workspace.name.span;
    let artifact = |path: &str, content| Artifact {
        path: path.to_string(),
        content,
        sources: sources.clone(),
        origin: Some(origin),
    };
    out(artifact(SCHEMA_FILE, Content::Text(schema())));
    let policies = cedar_text(model);
    out(artifact(POLICIES_FILE, Content::Text(policies)));
    let entities =
        entities(model).map_err(|message| vec![unserializable(ENTITIES_FILE, origin, &message)])?;
    out(artifact(ENTITIES_FILE, Content::Serialized(entities)));
    out(artifact(GATES_FILE, Content::Text(rego(model))));
    Ok(())
}

/// The text of `policies.cedar`, each policy written as it is made: an environment's policies
/// run to tens of megabytes.
fn cedar_text(model: &Model) -> String {
    let mut text = String::new();
    let mut first = true;
    each_policy(model, &mut |policy| {
        if !first {
            text.push('\n');
        }
        first = false;
        text.push_str(&policy.text);
    });
    text
}

/// Every policy, one after another, as `policies.cedar` holds them.
pub fn policy_text(policies: &[Policy]) -> String {
    policies
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Cedar entity type of each kind of resource.
pub fn entity_type(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::K8s => "Service",
        ResourceKind::Datastore => "Datastore",
        ResourceKind::Secret => "Secret",
        ResourceKind::Flag => "Flag",
        ResourceKind::Agent => "Agent",
        ResourceKind::Github => "Repository",
    }
}

/// The Cedar entity a resource names (`FEATURE/NAME`, the agent's own feature when the
/// resource names none; `ORG/REPO/SCOPE` on GitHub), or `None` when it is a pattern.
pub fn resource_entity(resource: &Resource, own_feature: &str) -> Option<(&'static str, String)> {
    let id = match &resource.target {
        Target::One { feature, name } => {
            format!("{}/{name}", feature.as_deref().unwrap_or(own_feature))
        }
        Target::All { .. } => return None,
        Target::Github { org, repo, scope } => {
            if [org, repo, scope].iter().any(|p| p.contains('*')) {
                return None;
            }
            format!("{org}/{repo}/{scope}")
        }
    };
    Some((entity_type(resource.kind), id))
}

/// The Cedar entity id of an agent.
pub fn agent_id(feature: &str, agent: &str) -> String {
    format!("{feature}/{agent}")
}

/// Whether taking `action` on a resource of `kind` cannot be undone, by the risk table: `write`
/// and `migrate` update what they act on, `delete` deletes it. GitHub is outside the table (an
/// agent's writes there are pull requests and issues, which people review).
pub fn is_irreversible(risk: &RiskTable, action: &str, kind: ResourceKind) -> bool {
    let change = match action {
        "write" | "migrate" => "update",
        "delete" => "delete",
        _ => return false,
    };
    let kind = match kind {
        ResourceKind::K8s => "service",
        ResourceKind::Datastore => "datastore",
        ResourceKind::Secret => "secret",
        ResourceKind::Flag => "flag",
        ResourceKind::Agent => "agent",
        ResourceKind::Github => return false,
    };
    risk.grade(kind, change, None).tier == RiskTier::Irreversible
}

/// A team whose approvals a feature's changes of one risk tier need.
#[derive(Debug, Clone, PartialEq)]
pub struct Approver {
    pub team: String,
    pub count: u32,
    /// Why: the gate that names the team, or the feature's owner when no gate does.
    pub reason: String,
    /// The `approve` node, or the feature's `owner`.
    pub span: Span,
}

/// Who approves a feature's irreversible changes: the teams of its `gate tier="irreversible"`
/// (the highest count when several gates name a team), else its owner team, once.
pub fn irreversible_approvers(feature: &Feature) -> Vec<Approver> {
    let from_gates = gate_approvers(feature, "irreversible");
    if !from_gates.is_empty() {
        return from_gates;
    }
    feature
        .owner
        .iter()
        .map(|owner| Approver {
            team: owner.value.clone(),
            count: 1,
            reason: format!(
                "feature `{}` has no irreversible gate: its owner `{}` approves",
                feature.name.value, owner.value
            ),
            span: owner.span,
        })
        .collect()
}

/// Who approves a feature's reversible changes: the teams of its `gate tier="reversible"`, if
/// any names one (otherwise automated review lets them through).
pub fn reversible_approvers(feature: &Feature) -> Vec<Approver> {
    gate_approvers(feature, "reversible")
}

fn gate_approvers(feature: &Feature, tier: &str) -> Vec<Approver> {
    let mut out: Vec<Approver> = Vec::new();
    let gates = feature
        .gates
        .iter()
        .filter(|g| g.tier.as_ref().is_some_and(|t| t.value == tier));
    for gate in gates {
        for approval in &gate.approvals {
            let count = approval.count.as_ref().map_or(1, |c| c.value);
            let reason = format!(
                "gate `{}` of feature `{}` needs {count} approval(s) from `{}`",
                gate.name.value, feature.name.value, approval.team.value
            );
            match out.iter_mut().find(|a| a.team == approval.team.value) {
                Some(seen) if seen.count >= count => {}
                Some(seen) => {
                    *seen = Approver {
                        team: approval.team.value.clone(),
                        count,
                        reason,
                        span: approval.span,
                    }
                }
                None => out.push(Approver {
                    team: approval.team.value.clone(),
                    count,
                    reason,
                    span: approval.span,
                }),
            }
        }
    }
    out.sort_by(|a, b| a.team.cmp(&b.team));
    out
}

/// `policy.cedarschema`: fixed by the language, the same for every workspace.
pub fn schema() -> String {
    let resources = ResourceKind::ALL
        .iter()
        .map(|(_, k)| entity_type(*k))
        .collect::<Vec<_>>()
        .join(", ");
    let actions = ACTIONS
        .iter()
        .map(|a| cedar::string(a))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "\
// A team: owns features and agents, and approves their gates' changes.
entity Team;

// A feature: every resource of a feature is in it, so an agent rule's trailing `*` is
// `resource in Feature::\"NAME\"`.
entity Feature {{
    owner?: Team,
}};

// An agent (`agent:FEATURE/NAME`): the principal of every request, and a resource too.
entity Agent in [Feature] {{
    feature: String,
    name: String,
    owner?: Team,
}};

// A service (`k8s:FEATURE/NAME`): its Kubernetes objects.
entity Service in [Feature] {{
    feature: String,
    name: String,
}};

// A datastore (`datastore:FEATURE/NAME`).
entity Datastore in [Feature] {{
    feature: String,
    name: String,
    kind?: String,
    contains_pii: Bool,
}};

// A secret (`secret:FEATURE/NAME`): its container, never its value.
entity Secret in [Feature] {{
    feature: String,
    name: String,
}};

// A feature flag (`flag:FEATURE/NAME`).
entity Flag in [Feature] {{
    feature: String,
    name: String,
}};

// A scope of a GitHub repository (`github:ORG/REPO/SCOPE`): outside the workspace.
entity Repository {{
    org: String,
    repo: String,
    scope: String,
}};

// What an agent may do. `approvals` are the teams whose approval the request carries: an
// action the risk table grades irreversible needs the approving teams of the resource's feature.
action {actions} appliesTo {{
    principal: [Agent],
    resource: [{resources}],
    context: {{
        approvals: Set<String>,
    }},
}};
"
    )
}

use crate::ast::{Effect, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::values::{Resource, ResourceKind, Target};

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `allow` that gives an agent an action other than `read` on a wildcard
    /// resource: `k8s:*`, `k8s:FEATURE/*`, `datastore:FEATURE/*`, `github:ORG/*/pulls`, …
    /// A `deny` with a wildcard is fine, and so is `allow "read"`.
    ///
    /// ## Why is this bad?
    /// A wildcard grants the action on everything of its kind in the feature, including what is
    /// added later: the next service, datastore or secret gets an agent that may deploy, write or
    /// delete it, and nobody reviewed that, because the agent's rules did not change. Naming
    /// each resource keeps the agent's rights what the reviewers read.
    ///
    /// ## Example
    /// ```kdl
    /// agent "deploy-bot" {
    ///     allow "deploy" "k8s:checkout/*"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "deploy-bot" {
    ///     allow "read" "k8s:checkout/*"
    ///     allow "deploy" "k8s:checkout/api"
    /// }
    /// ```
    pub AGENT_WILDCARD_WRITE = ("agent-wildcard-write", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let granting = agent
            .rules
            .iter()
            .filter(|r| r.effect == Effect::Allow && r.action.value != "read");
        for rule in granting {
            let action = &rule.action.value;
            for resource in rule.resources.iter().filter(|r| is_wildcard(&r.value)) {
                let (what, help) = describe(cx, feature, &resource.value, action);
                out.push(
                    at_value(
                        cx,
                        feature,
                        agent,
                        resource.span,
                        format!("agent `{}` may `{action}` {what}", agent.name.value),
                        "a wildcard: also whatever is added later, unreviewed".to_string(),
                    )
                    .help(help),
                );
            }
        }
    }
}

fn is_wildcard(resource: &Resource) -> bool {
    match &resource.target {
        Target::All { .. } => true,
        Target::One { .. } => false,
        Target::Github { org, repo, scope } => [org, repo, scope].iter().any(|p| p.contains('*')),
    }
}

/// What a wildcard covers, and a help line that names its entities.
fn describe(
    cx: &LintContext,
    feature: &Feature,
    resource: &Resource,
    action: &str,
) -> (String, String) {
    let named = match &resource.target {
        Target::All { feature } => feature,
        Target::One { .. } => {
            return (
                format!("`{resource}`"),
                "name each resource it needs".to_string(),
            );
        }
        Target::Github { org, repo, scope } => {
            let part = |p: &str, placeholder: &str| {
                if p.contains('*') {
                    placeholder.to_string()
                } else {
                    p.to_string()
                }
            };
            let named = format!(
                "github:{}/{}/{}",
                part(org, "ORG"),
                part(repo, "REPO"),
                part(scope, "SCOPE")
            );
            return (
                format!("everything on GitHub that `{resource}` matches"),
                format!("name the repository and scope: `allow \"{action}\" \"{named}\"`"),
            );
        }
    };
    let target_name = named.as_deref().unwrap_or(&feature.name.value);
    let kind = resource.kind;
    let noun = match kind {
        ResourceKind::K8s => "service",
        ResourceKind::Datastore => "datastore",
        ResourceKind::Secret => "secret",
        ResourceKind::Flag => "flag",
        ResourceKind::Agent => "agent",
        ResourceKind::Github => "resource",
    };
    let what = format!("every {noun} of feature `{target_name}`");
    let names: Vec<&str> = cx
        .feature(target_name)
        .map_or_else(Vec::new, |f| match kind {
            ResourceKind::K8s => f.services.iter().map(|s| s.name.value.as_str()).collect(),
            ResourceKind::Datastore => f.datastores.iter().map(|d| d.name.value.as_str()).collect(),
            ResourceKind::Secret => f.secrets.iter().map(|s| s.name.value.as_str()).collect(),
            ResourceKind::Flag => f.flags.iter().map(|s| s.name.value.as_str()).collect(),
            ResourceKind::Agent => f.agents.iter().map(|s| s.name.value.as_str()).collect(),
            ResourceKind::Github => Vec::new(),
        });
    let prefix = match named {
        Some(f) => format!("{}:{f}/", kind.as_str()),
        None => format!("{}:", kind.as_str()),
    };
    let help = if names.is_empty() {
        format!(
            "name each {noun} it needs: `allow \"{action}\" \"{prefix}NAME\"`; keep wildcards for `read`"
        )
    } else {
        let listed: Vec<String> = names.iter().map(|n| format!("\"{prefix}{n}\"")).collect();
        format!(
            "name the {noun}s it needs, e.g. `allow \"{action}\" {}`; keep wildcards for `read`",
            listed.join(" ")
        )
    };
    (what, help)
}

use crate::ast::{Agent, Effect, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about};
use crate::risk::RiskTier;
use crate::source::Spanned;
use crate::values::{Resource, ResourceKind, Target};

use super::irreversible_without_human_gate::is_human_gate;
use crate::lint::origin::{Origin, Written};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent allowed to `write`, `migrate` or `delete` a resource whose changes the
    /// risk table grades irreversible: datastores and secrets (and services, for `delete`),
    /// whether named one by one or through a `*`. A `deny` of the same action and resource
    /// lifts the finding.
    ///
    /// ## Why is this bad?
    /// The feature's `gate tier="irreversible"` makes a human approve every change that cannot
    /// be undone, but only changes that go through review. An agent holding the right to make
    /// such a change directly goes around it: one wrong tool call, a prompt injection or a loop
    /// drops a table, overwrites a secret or deletes a service, and no rollback brings it back.
    /// Agents should propose such changes (a pull request, a migration file) for a human to
    /// approve, and keep `read` on the data itself.
    ///
    /// ## Example
    /// ```kdl
    /// agent "db-janitor" {
    ///     allow "delete" "datastore:shop/orders"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "db-janitor" {
    ///     allow "read" "datastore:shop/orders"
    ///     allow "write" "github:acme/shop/pulls"
    /// }
    /// ```
    pub AGENT_CAN_BYPASS_GATE = ("agent-can-bypass-gate", Severity::Error, Scope::Feature, check);
}

/// The actions that change what they act on: the change of the risk table each one is, and how
/// a message says it.
const CHANGES: &[(&str, &str, &str)] = &[
    ("write", "update", "changing"),
    ("migrate", "update", "migrating"),
    ("delete", "delete", "deleting"),
];

/// The kind of the risk table that a resource kind is; GitHub is outside it (external).
fn risk_kind(kind: ResourceKind) -> Option<&'static str> {
    match kind {
        ResourceKind::K8s => Some("service"),
        ResourceKind::Datastore => Some("datastore"),
        ResourceKind::Secret => Some("secret"),
        ResourceKind::Flag => Some("flag"),
        ResourceKind::Agent => Some("agent"),
        ResourceKind::Github => None,
    }
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        let mut written = None;
        for agent in &feature.agents {
            for rule in agent.rules.iter().filter(|r| r.effect == Effect::Allow) {
                let Some((action, change, doing)) = CHANGES
                    .iter()
                    .find(|(action, _, _)| *action == rule.action.value)
                else {
                    continue;
                };
                for resource in &rule.resources {
                    let Some(kind) = risk_kind(resource.value.kind) else {
                        continue;
                    };
                    let grade = cx.risk.grade(kind, change, None);
                    if grade.tier != RiskTier::Irreversible
                        || denied(feature, agent, action, &resource.value)
                    {
                        continue;
                    }
                    let written = written.get_or_insert_with(|| Written::of(cx, feature));
                    out.push(finding(
                        cx,
                        written,
                        feature,
                        agent,
                        action,
                        resource,
                        format!(
                            "{doing} {} cannot be undone: {}",
                            a(kind),
                            match grade.row {
                                Some(_) => grade.reason,
                                None => "no row of the risk table says it can".to_string(),
                            }
                        ),
                    ));
                }
            }
        }
    }
}

fn finding(
    cx: &LintContext,
    written: &Written,
    feature: &Feature,
    agent: &Agent,
    action: &str,
    resource: &Spanned<Resource>,
    why: String,
) -> Finding {
    let message = format!(
        "agent `{}` may {action} `{}` with no human in the way",
        agent.name.value, resource.value
    );
    let help = format!(
        "narrow the right to `read`, or remove it; let the agent propose the change instead (e.g. `allow \"write\" \"github:ORG/REPO/pulls\"`) for a human of `{}` to approve through the feature's `gate tier=\"irreversible\"`",
        feature
            .owner
            .as_ref()
            .map_or("the owning team", |o| o.value.as_str())
    );
    let origin = written.origin(cx, resource.span);
    let mut finding = match (&origin, &agent.preset) {
        // Point at the use site in the feature, and at the right in the preset.
        (Origin::Preset(preset), Some(used)) => Finding::new(
            about(feature, "agent", &agent.name.value),
            used.span,
            message,
        )
        .label(format!(
            "preset `{}` lets it {action} `{}`: {why}",
            preset.name.value, resource.value
        ))
        .secondary(
            resource.span,
            format!("allowed here, in preset `{}`", preset.name.value),
        ),
        _ => Finding::new(
            about(feature, "agent", &agent.name.value),
            resource.span,
            message,
        )
        .label(why),
    }
    .help(help);
    if let Origin::Overlay { environment, name } = origin {
        finding = finding.secondary(
            name,
            format!("allowed by the overlay of environment `{environment}`"),
        );
    }
    for gate in feature.gates.iter().filter(|g| is_human_gate(g)) {
        finding = finding.secondary(
            gate.name.span,
            "this gate is bypassed: the agent acts without its approval",
        );
    }
    finding
}

/// Whether a `deny` of the same action covers the whole resource.
fn denied(feature: &Feature, agent: &Agent, action: &str, allowed: &Resource) -> bool {
    let own = |f: &Option<String>| f.clone().unwrap_or_else(|| feature.name.value.clone());
    agent
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Deny && r.action.value == action)
        .flat_map(|r| &r.resources)
        .any(|deny| {
            deny.value.kind == allowed.kind
                && match (&deny.value.target, &allowed.target) {
                    (Target::All { feature: d }, Target::All { feature: a })
                    | (Target::All { feature: d }, Target::One { feature: a, .. }) => {
                        own(d) == own(a)
                    }
                    (
                        Target::One {
                            feature: d,
                            name: dn,
                        },
                        Target::One {
                            feature: a,
                            name: an,
                        },
                    ) => own(d) == own(a) && dn == an,
                    _ => false,
                }
        })
}

/// A word with its indefinite article.
fn a(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{flagged, workspace_with};

    fn fires(extra_risk: &str, rules: &str) -> Vec<String> {
        let spec = format!(
            "feature \"shop\" {{\n    owner \"payments\"\n    service \"api\" {{ image \"registry.example/api:1.0.0\"; }}\n    datastore \"orders\" kind=\"postgres\"\n    secret \"db\" from=\"vault\"\n    flag \"new-ui\" default=#false\n    agent \"bot\" {{\n{rules}\n    }}\n}}\n"
        );
        flagged("agent-can-bypass-gate", workspace_with(extra_risk), spec)
    }

    #[test]
    fn changing_data_or_secrets_bypasses_the_gate() {
        assert_eq!(
            fires("", r#"allow "delete" "datastore:shop/orders""#),
            ["\"datastore:shop/orders\""]
        );
        assert_eq!(
            fires("", r#"allow "migrate" "datastore:orders""#),
            ["\"datastore:orders\""]
        );
        assert_eq!(
            fires("", r#"allow "write" "secret:shop/*""#),
            ["\"secret:shop/*\""]
        );
        assert_eq!(
            fires("", r#"allow "delete" "k8s:shop/api""#),
            ["\"k8s:shop/api\""]
        );
    }

    #[test]
    fn reversible_changes_reads_and_denied_rights_do_not() {
        for rules in [
            r#"allow "read" "datastore:shop/*" "secret:shop/*""#,
            r#"allow "deploy" "k8s:shop/api""#,
            r#"allow "write" "k8s:shop/api" "flag:shop/*""#,
            r#"allow "delete" "flag:shop/new-ui""#,
            r#"allow "write" "github:acme/shop/pulls""#,
            "allow \"delete\" \"datastore:shop/orders\"\n deny \"delete\" \"datastore:shop/*\"",
        ] {
            assert_eq!(fires("", rules), Vec::<String>::new(), "{rules}");
        }
    }

    #[test]
    fn the_risk_table_decides() {
        let row =
            r#"risk "flag" change="update" tier="irreversible" reason="our flags gate payments""#;
        assert_eq!(
            fires(row, r#"allow "write" "flag:shop/new-ui""#),
            ["\"flag:shop/new-ui\""]
        );
    }
}

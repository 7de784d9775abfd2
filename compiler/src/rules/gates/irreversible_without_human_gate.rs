use crate::ast::{Effect, Feature, Gate};
use crate::diagnostics::{Label, Severity};
use crate::lint::{Finding, LintContext, Scope, about_feature};
use crate::risk::{Grade, RiskTier};
use crate::source::Span;
use crate::values::ResourceKind;

use crate::lint::origin::{Origin, Written};

crate::declare_rule! {
    /// ## What it does
    /// Reports a feature that can make a change no one can undo, and that has no
    /// `gate tier="irreversible"` approved by a team. A feature can when it has a datastore or a
    /// secret, or when one of its agents may act on a `datastore:` or `secret:` resource, which
    /// gives the agent a cloud (IAM) role. The risk table (`stdlib/risk.kdl`, and `risk` rows of
    /// gantry.kdl) decides: a kind whose `create` it grades reversible needs no gate. A gate
    /// with `review="automated"`, or without an `approve team=`, does not count.
    ///
    /// ## Why is this bad?
    /// A rollback restores code, not data: a migration that drops a column, a database replaced
    /// by a change of engine, a rotated secret that the old version still reads, or a cloud role
    /// widened and used before anyone noticed all outlive the revert. Without a human gate,
    /// automated review merges such a change like any other, and the first person to look at it
    /// is the one restoring from backup. The gate makes `gantry diff` and the generated policy
    /// ask a human of the owning team before an irreversible change ships.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     owner "payments"
    ///     datastore "orders" kind="postgres" size="db.t4g.medium" storage-gb=20
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     owner "payments"
    ///     datastore "orders" kind="postgres" size="db.t4g.medium" storage-gb=20
    ///     gate "data-changes" tier="irreversible" { approve team="payments" count=1 }
    /// }
    /// ```
    pub IRREVERSIBLE_WITHOUT_HUMAN_GATE = ("irreversible-without-human-gate", Severity::Error, Scope::Feature, check);
}

/// Something of the feature whose change cannot be undone: where it is and why.
struct Trigger {
    span: Span,
    label: String,
    /// More places to show: the preset it came from, the overlay that adds it.
    also: Vec<Label>,
}

/// A gate that puts a human on irreversible changes.
pub(crate) fn is_human_gate(gate: &Gate) -> bool {
    gate.tier
        .as_ref()
        .is_some_and(|t| t.value == "irreversible")
        && gate.review.as_ref().is_none_or(|r| r.value != "automated")
        && !gate.approvals.is_empty()
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        if feature.gates.iter().any(is_human_gate) {
            continue;
        }
        let triggers = triggers(cx, feature);
        let Some((first, others)) = triggers.split_first() else {
            continue;
        };
        // A gate that another environment has (in its overlay) and this one lacks.
        let elsewhere = cx
            .environments
            .iter()
            .filter(|e| e.name != cx.environment)
            .find_map(|e| {
                let other = e.feature(&feature.name.value)?;
                let gate = other.gates.iter().find(|g| is_human_gate(g))?;
                Some((e.name.as_str(), gate.name.span))
            });
        let message = match elsewhere {
            Some(_) => format!(
                "feature `{}` makes irreversible changes with no human gate in environment `{}`",
                feature.name.value, cx.environment
            ),
            None => format!(
                "feature `{}` makes irreversible changes with no human gate",
                feature.name.value
            ),
        };
        let team = feature.owner.as_ref().map_or("TEAM", |o| o.value.as_str());
        let mut finding = Finding::new(about_feature(feature), first.span, message)
            .label(first.label.clone())
            .help(format!(
                "add `gate \"irreversible-changes\" tier=\"irreversible\" {{ approve team=\"{team}\" count=1 }}`: a human of the team then approves every change the risk table grades irreversible"
            ));
        finding.secondary.extend(first.also.iter().cloned());
        for other in others {
            finding = finding.secondary(other.span, other.label.clone());
            finding.secondary.extend(other.also.iter().cloned());
        }
        for gate in feature
            .gates
            .iter()
            .filter(|g| g.tier.as_ref().is_some_and(|t| t.value == "irreversible"))
        {
            finding = match &gate.review {
                Some(review) if review.value == "automated" => {
                    finding.secondary(review.span, "automated review is not a human")
                }
                _ => finding.secondary(gate.name.span, "this gate has no `approve team=`"),
            };
        }
        if let Some((environment, span)) = elsewhere {
            finding = finding.secondary(
                span,
                format!("only environment `{environment}` has this human gate"),
            );
        }
        out.push(finding);
    }
}

/// Everything of the feature that the risk table grades irreversible to create, in the order
/// of the spec: datastores, secrets, then agents' rights on cloud resources.
fn triggers(cx: &LintContext, feature: &Feature) -> Vec<Trigger> {
    let mut found = Vec::new();
    let written = Written::of(cx, feature);
    let entities = feature
        .datastores
        .iter()
        .map(|d| ("datastore", &d.name))
        .chain(feature.secrets.iter().map(|s| ("secret", &s.name)));
    for (kind, name) in entities {
        let grade = cx.risk.grade(kind, "create", None);
        if grade.tier != RiskTier::Irreversible {
            continue;
        }
        // Point at the declaration in the base, the same in every environment; an entity that
        // only an overlay declares is shown there, with the overlay.
        let (span, also) = match written.base_name(kind, &name.value) {
            Some(span) => (span, Vec::new()),
            None => (name.span, overlay_label(&written.origin(cx, name.span))),
        };
        found.push(Trigger {
            span,
            label: format!(
                "{kind} `{}`: {}",
                name.value,
                reason(
                    &grade,
                    "no row of the risk table says creating one can be undone"
                )
            ),
            also,
        });
    }
    let iam = cx.risk.grade("iam", "create", None);
    if iam.tier != RiskTier::Irreversible {
        return found;
    }
    for agent in &feature.agents {
        for rule in agent.rules.iter().filter(|r| r.effect == Effect::Allow) {
            for resource in &rule.resources {
                if !matches!(
                    resource.value.kind,
                    ResourceKind::Datastore | ResourceKind::Secret
                ) {
                    continue;
                }
                let what = format!(
                    "agent `{}` may {} `{}`, so it gets a cloud (IAM) role: {}",
                    agent.name.value,
                    rule.action.value,
                    resource.value,
                    reason(
                        &iam,
                        "no row of the risk table says granting one can be undone"
                    )
                );
                let trigger = match written.origin(cx, resource.span) {
                    Origin::Preset(preset) => match &agent.preset {
                        Some(used) => Trigger {
                            span: used.span,
                            label: format!("from preset `{}`, {what}", preset.name.value),
                            also: vec![Label::new(
                                resource.span,
                                format!("allowed by preset `{}`", preset.name.value),
                            )],
                        },
                        None => Trigger {
                            span: resource.span,
                            label: what,
                            also: Vec::new(),
                        },
                    },
                    origin => Trigger {
                        span: resource.span,
                        label: what,
                        also: overlay_label(&origin),
                    },
                };
                found.push(trigger);
            }
        }
    }
    found
}

/// The risk table's reason for a grade, or what to say when no row decided it.
fn reason(grade: &Grade, without_row: &str) -> String {
    match grade.row {
        Some(_) => grade.reason.clone(),
        None => without_row.to_string(),
    }
}

fn overlay_label(origin: &Origin) -> Vec<Label> {
    match origin {
        Origin::Overlay { environment, name } => vec![Label::new(
            *name,
            format!("added by the overlay of environment `{environment}`"),
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{flagged, workspace_with};

    fn fires(extra_risk: &str, body: &str) -> Vec<String> {
        let spec = format!("feature \"shop\" {{\n    owner \"payments\"\n{body}\n}}\n");
        flagged(
            "irreversible-without-human-gate",
            workspace_with(extra_risk),
            spec,
        )
    }

    const DATASTORE: &str =
        r#"    datastore "orders" kind="postgres" size="db.t4g.medium" storage-gb=20"#;
    const GATE: &str =
        r#"    gate "data" tier="irreversible" { approve team="payments" count=1; }"#;

    #[test]
    fn datastores_and_secrets_need_a_human_gate() {
        assert_eq!(fires("", DATASTORE), ["\"orders\""]);
        assert_eq!(fires("", r#"    secret "db" from="vault""#), ["\"db\""]);
        assert!(fires("", &format!("{DATASTORE}\n{GATE}")).is_empty());
    }

    #[test]
    fn automated_or_unapproved_gates_do_not_count() {
        let automated = r#"    gate "data" tier="irreversible" review="automated""#;
        assert_eq!(
            fires("", &format!("{DATASTORE}\n{automated}")),
            ["\"orders\""]
        );
        let reversible = r#"    gate "data" tier="reversible" { approve team="payments"; }"#;
        assert_eq!(
            fires("", &format!("{DATASTORE}\n{reversible}")),
            ["\"orders\""]
        );
    }

    #[test]
    fn the_risk_table_decides() {
        let reversible =
            r#"risk "datastore" change="create" tier="reversible" reason="a scratch database""#;
        assert!(fires(reversible, DATASTORE).is_empty());
    }
}

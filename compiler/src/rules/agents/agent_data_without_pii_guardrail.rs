use crate::ast::{Agent, Datastore, Effect, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::source::{Span, Spanned};
use crate::values::{Resource, ResourceKind, Target};

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent that may `read` a datastore marked `contains-pii=#true` — named, or
    /// through a wildcard such as `datastore:checkout/*` — and has no `guardrail "pii"`. A
    /// `deny "read"` of the datastore takes the access away.
    ///
    /// ## Why is this bad?
    /// Whatever the agent reads goes into its prompts: names, e-mail addresses and order
    /// histories are sent to the model provider, kept in its logs and the agent runtime's, and
    /// can come back out in a pull request, an issue or a chat message anyone can read. That is
    /// a data breach that no access log shows, because every read was allowed. A `pii` guardrail
    /// redacts (or blocks) personal data before it reaches the model and after it leaves it.
    ///
    /// ## Example
    /// ```kdl
    /// feature "checkout" {
    ///     datastore "orders" kind="postgres" contains-pii=#true
    ///     agent "support-bot" {
    ///         allow "read" "datastore:checkout/orders"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "checkout" {
    ///     datastore "orders" kind="postgres" contains-pii=#true
    ///     agent "support-bot" {
    ///         allow "read" "datastore:checkout/orders"
    ///         guardrail "pii" action="redact"
    ///     }
    /// }
    /// ```
    pub AGENT_DATA_WITHOUT_PII_GUARDRAIL = ("agent-data-without-pii-guardrail", Severity::Error, Scope::Workspace, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        if agent.guardrails.iter().any(|g| g.kind.value == "pii") {
            continue;
        }
        // The first allowed read that reaches personal data, and every datastore it reaches.
        let mut reach: Option<(Span, Vec<(&Feature, &Datastore)>)> = None;
        for resource in allowed_reads(agent) {
            let mut stores = personal_data(cx, feature, &resource.value);
            stores.retain(|(f, d)| !denied(agent, feature, f, d));
            if stores.is_empty() {
                continue;
            }
            match &mut reach {
                None => reach = Some((resource.span, stores)),
                Some((_, all)) => {
                    for store in stores {
                        if !all.iter().any(|(f, d)| same(f, d, store)) {
                            all.push(store);
                        }
                    }
                }
            }
        }
        let Some((span, stores)) = reach else {
            continue;
        };
        let names: Vec<String> = stores
            .iter()
            .map(|(f, d)| {
                if f.name.value == feature.name.value {
                    format!("`{}`", d.name.value)
                } else {
                    format!("`{}/{}`", f.name.value, d.name.value)
                }
            })
            .collect();
        let mut finding = at_value(
            cx,
            feature,
            agent,
            span,
            format!(
                "agent `{}` may read personal data without a `pii` guardrail",
                agent.name.value
            ),
            format!("reads {}, which contains personal data", names.join(", ")),
        )
        .help("redact it before it reaches the model: `guardrail \"pii\" action=\"redact\"`; or `deny \"read\"` the datastore if the agent does not need it");
        for (_, store) in &stores {
            if let Some(pii) = &store.contains_pii {
                finding = finding.secondary(
                    pii.span,
                    format!("`{}` holds personal data", store.name.value),
                );
            }
        }
        out.push(finding);
    }
}

fn allowed_reads(agent: &Agent) -> impl Iterator<Item = &Spanned<Resource>> {
    agent
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Allow && r.action.value == "read")
        .flat_map(|r| r.resources.iter())
        .filter(|r| r.value.kind == ResourceKind::Datastore)
}

/// The datastores with personal data that a datastore resource covers.
fn personal_data<'a>(
    cx: &LintContext<'a>,
    own: &'a Feature,
    resource: &Resource,
) -> Vec<(&'a Feature, &'a Datastore)> {
    let (named, one) = match &resource.target {
        Target::One { feature, name } => (feature, Some(name)),
        Target::All { feature } => (feature, None),
        Target::Github { .. } => return Vec::new(),
    };
    let target = match named {
        None => Some(own),
        Some(name) => cx.feature(name),
    };
    target
        .into_iter()
        .flat_map(|f| f.datastores.iter().map(move |d| (f, d)))
        .filter(|(_, d)| one.is_none_or(|n| *n == d.name.value))
        .filter(|(_, d)| d.contains_pii.as_ref().is_some_and(|p| p.value))
        .collect()
}

/// Whether a `deny "read"` of the agent covers the datastore.
fn denied(agent: &Agent, own: &Feature, feature: &Feature, store: &Datastore) -> bool {
    agent
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Deny && r.action.value == "read")
        .flat_map(|r| r.resources.iter())
        .filter(|r| r.value.kind == ResourceKind::Datastore)
        .any(|r| {
            let in_feature = |named: &Option<String>| {
                named.as_deref().unwrap_or(&own.name.value) == feature.name.value
            };
            match &r.value.target {
                Target::One {
                    feature: named,
                    name,
                } => in_feature(named) && *name == store.name.value,
                Target::All { feature: named } => in_feature(named),
                Target::Github { .. } => false,
            }
        })
}

fn same(f: &Feature, d: &Datastore, other: (&Feature, &Datastore)) -> bool {
    f.name.value == other.0.name.value && d.name.value == other.1.name.value
}

use crate::ast::Feature;
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about_deploy};

use super::{progressive, rollout_name, strategy_place};

crate::declare_rule! {
    /// ## What it does
    /// Reports a deploy with `strategy="canary"` or `strategy="blue-green"` that has no
    /// `rollback-when`.
    ///
    /// ## Why is this bad?
    /// What makes a canary safer than a rolling update is the analysis that aborts it: each
    /// `rollback-when` becomes a check the rollout controller runs at every step. Without one
    /// there is nothing to fail, so a version that errors on every request is promoted on a
    /// timer, step after step, to all users; a blue-green switch keeps the broken version live.
    /// The rollout is just a slow full rollout that looks safe in review.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     deploy strategy="canary" {
    ///         step weight=10 pause="10m"
    ///         step weight=50 pause="10m"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     deploy strategy="canary" {
    ///         step weight=10 pause="10m"
    ///         step weight=50 pause="10m"
    ///         rollback-when slo="availability"
    ///     }
    /// }
    /// ```
    pub CANARY_WITHOUT_ROLLBACK_TRIGGER = ("canary-without-rollback-trigger", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        for (index, deploy) in feature.deploys.iter().enumerate() {
            let Some(strategy) = progressive(deploy) else {
                continue;
            };
            if !deploy.rollback_when.is_empty() {
                continue;
            }
            let (span, also) = strategy_place(cx, feature, deploy, strategy);
            let label = if strategy.value == "canary" {
                "nothing aborts a bad version: each step is promoted on a timer"
            } else {
                "nothing switches back from a bad version"
            };
            let mut finding = Finding::new(
                about_deploy(feature, index),
                span,
                format!(
                    "{} has no rollback trigger",
                    rollout_name(feature, deploy, &strategy.value)
                ),
            )
            .label(label)
            .help(help(
                feature,
                deploy.service.as_ref().map(|s| s.value.as_str()),
            ));
            if let Some((span, text)) = also {
                finding = finding.secondary(span, text);
            }
            out.push(finding);
        }
    }
}

/// Names the SLOs the deploy could roll back on.
fn help(feature: &Feature, service: Option<&str>) -> String {
    let only = (feature.services.len() == 1).then(|| feature.services[0].name.value.as_str());
    let slos: Vec<&str> = feature
        .slos
        .iter()
        .filter(|slo| {
            let measured = slo.service.as_ref().map(|s| s.value.as_str()).or(only);
            service.is_none() || measured == service
        })
        .map(|slo| slo.name.value.as_str())
        .collect();
    match slos.first() {
        Some(first) => format!(
            "roll back when an SLO burns its budget too fast: `rollback-when slo=\"{first}\"`, or `rollback-when slo=\"*\"` for every SLO of the service"
        ),
        None => "give the service an SLO and roll back on it: `rollback-when slo=\"…\"` (or `alert=\"…\"`)".to_string(),
    }
}

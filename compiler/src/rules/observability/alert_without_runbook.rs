use crate::ast::{Feature, Name};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about};
use crate::suggest::did_you_mean;

use crate::lint::origin;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `alert`, or an SLO, that has no `runbook=`. Every SLO of a feature pages: its
    /// multi-window burn-rate alerts wake someone when the error budget burns too fast. (An
    /// agent's own alerts link the page gantry generates for it, so agents are not concerned.)
    ///
    /// ## Why is this bad?
    /// The person paged at 3 a.m. is often not the one who wrote the alert. Without a runbook the
    /// alert's `runbook_url` is empty and they start from nothing: what does this alert mean,
    /// is it the canary, what is safe to do? Outages run long while the responder rediscovers
    /// what the author knew, or ends in a guess that makes things worse.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 {
    ///         ratio preset="std/http-availability"
    ///     }
    ///     alert "queue-backlog" severity="ticket" {
    ///         expr "sum(shop_queue_depth) > 1000"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    ///     alert "queue-backlog" severity="ticket" runbook="queue-backlog" {
    ///         expr "sum(shop_queue_depth) > 1000"
    ///     }
    ///     runbook "shop-down" { summary "The shop fails requests"; step "Roll back the last deploy" }
    ///     runbook "queue-backlog" { summary "Orders are queueing"; step "Scale the workers" }
    /// }
    /// ```
    pub ALERT_WITHOUT_RUNBOOK = ("alert-without-runbook", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        for slo in feature.slos.iter().filter(|s| s.runbook.is_none()) {
            out.push(finding(
                cx,
                feature,
                "slo",
                "SLO",
                &slo.name,
                "its burn-rate alerts page with no steps to follow",
            ));
        }
        for alert in feature.alerts.iter().filter(|a| a.runbook.is_none()) {
            let label = match alert.severity.as_ref().map(|s| s.value.as_str()) {
                Some("page") => "pages on-call with no steps to follow",
                Some("ticket") => "opens a ticket with no steps to follow",
                _ => "fires with no steps to follow",
            };
            out.push(finding(cx, feature, "alert", "alert", &alert.name, label));
        }
    }
}

fn finding(
    cx: &LintContext,
    feature: &Feature,
    kind: &'static str,
    what: &str,
    name: &Name,
    label: &str,
) -> Finding {
    let (span, overlay) = origin::entity(cx, feature, kind, name);
    let mut finding = Finding::new(
        about(feature, kind, &name.value),
        span,
        format!("{what} `{}` has no runbook", name.value),
    )
    .label(label)
    .help(help(feature, &name.value));
    if let Some((span, text)) = overlay {
        finding = finding.secondary(span, text);
    }
    finding
}

/// Points at a runbook that was probably meant: one named like the alert, or the one runbook of
/// the feature that nothing links yet.
fn help(feature: &Feature, name: &str) -> String {
    let runbooks: Vec<&str> = feature
        .runbooks
        .iter()
        .map(|r| r.name.value.as_str())
        .collect();
    let meant = runbooks
        .iter()
        .copied()
        .find(|r| *r == name)
        .or_else(|| did_you_mean(name, runbooks.iter().copied()));
    if let Some(runbook) = meant {
        return format!("did you mean runbook `{runbook}`? link it with `runbook=\"{runbook}\"`");
    }
    let linked = |runbook: &str| {
        let is = |r: &Option<Name>| r.as_ref().is_some_and(|r| r.value == runbook);
        feature.slos.iter().any(|s| is(&s.runbook))
            || feature.alerts.iter().any(|a| is(&a.runbook))
            || feature.agents.iter().any(|a| is(&a.runbook))
    };
    let unlinked: Vec<&str> = runbooks.into_iter().filter(|r| !linked(r)).collect();
    if let [runbook] = unlinked[..] {
        return format!(
            "runbook `{runbook}` is linked from nothing: if it is this one's, add `runbook=\"{runbook}\"`"
        );
    }
    format!(
        "say what to do when it fires: add `runbook=\"{name}\"` and `runbook \"{name}\" {{ summary \"…\"; step \"…\" }}` to feature `{}`",
        feature.name.value
    )
}

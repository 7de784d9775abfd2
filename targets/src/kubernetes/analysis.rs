//! Canary analysis derived from the error budget: each `rollback-when slo=` becomes a metric of
//! the service's AnalysisTemplate that queries the SLO's own error ratio over the short window
//! of the fast page pair, and fails at the fast-burn page threshold. The canary, the alerts and
//! the dashboards agree because they share `consequences`. Each `rollback-when alert=` becomes a
//! metric that fails while Prometheus reports that alert of the feature firing.

use gantry::ast::{Alert, RollbackTrigger, Slo};
use gantry::consequences::{DEFAULT_WINDOW, burn_rate_windows, page_threshold};
use gantry::diagnostics::Diagnostic;
use serde_json::{Value, json};

use super::labels;
use super::output::Output;
use super::plan::{ServicePlan, object_name};
use crate::promql;

/// One measurement a minute over five minutes: a full short window of the page pair at the
/// canary's weight.
const ANALYSIS_INTERVAL: &str = "1m";
const ANALYSIS_COUNT: u32 = 5;
/// One bad minute is tolerated (a scrape gap, a single slow deploy of a pod); two abort.
const FAILURE_LIMIT: u32 = 1;
/// Where Argo Rollouts reaches Prometheus: the Service the prometheus-operator creates.
const PROMETHEUS_ADDRESS: &str = "http://prometheus-operated.monitoring.svc:9090";
/// The objective of an SLO that names none and whose tier gives no default.
const FALLBACK_OBJECTIVE: f64 = 99.9;

pub fn template_name(plan: &ServicePlan) -> String {
    format!("{}-error-budget", plan.name)
}

/// Whether the workload runs an analysis: a Rollout with at least one SLO or alert to guard.
pub fn has_metrics(plan: &ServicePlan) -> bool {
    plan.strategy.is_rollout() && (!slos(plan).is_empty() || !alerts(plan).is_empty())
}

/// The alerts of the feature the deploy rolls back on, in the spec's order.
pub fn alerts<'m>(plan: &ServicePlan<'m>) -> Vec<&'m Alert> {
    let Some(deploy) = plan.deploy else {
        return Vec::new();
    };
    let mut out: Vec<&Alert> = Vec::new();
    for trigger in &deploy.rollback_when {
        let RollbackTrigger::Alert(name) = trigger else {
            continue;
        };
        let alert = plan
            .feature
            .alerts
            .iter()
            .find(|a| a.name.value == name.value);
        if let Some(alert) = alert.filter(|a| !out.iter().any(|o| o.name == a.name)) {
            out.push(alert);
        }
    }
    out
}

/// The SLOs the deploy rolls back on, in the spec's order: named ones, and for `slo="*"` every
/// SLO of the deployed service.
pub fn slos<'m>(plan: &ServicePlan<'m>) -> Vec<&'m Slo> {
    let Some(deploy) = plan.deploy else {
        return Vec::new();
    };
    let feature = plan.feature;
    let measures_this_service = |slo: &Slo| match &slo.service {
        Some(service) => service.value == plan.service.name.value,
        None => feature.services.len() == 1,
    };
    let mut out: Vec<&Slo> = Vec::new();
    for trigger in &deploy.rollback_when {
        let RollbackTrigger::Slo(name) = trigger else {
            continue;
        };
        let picked: Vec<&Slo> = if name.value == "*" {
            feature
                .slos
                .iter()
                .filter(|s| measures_this_service(s))
                .collect()
        } else {
            feature
                .slos
                .iter()
                .filter(|s| s.name.value == name.value)
                .collect()
        };
        for slo in picked {
            if !out.iter().any(|s| s.name.value == slo.name.value) {
                out.push(slo);
            }
        }
    }
    out
}

pub fn template(plan: &ServicePlan, out: &mut Output) -> Option<Value> {
    if !has_metrics(plan) {
        return None;
    }
    let mut metrics = Vec::new();
    for slo in slos(plan) {
        match metric(plan, slo) {
            Ok(metric) => metrics.push(metric),
            Err(d) => out.error(*d),
        }
    }
    metrics.extend(alerts(plan).into_iter().map(|a| alert_metric(plan, a)));
    Some(json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AnalysisTemplate",
        "metadata": labels::metadata(plan, &template_name(plan)),
        "spec": { "metrics": metrics },
    }))
}

fn objective(plan: &ServicePlan, slo: &Slo) -> f64 {
    slo.objective
        .as_ref()
        .map(|o| o.value)
        .or(plan.tier.and_then(|t| t.objective_default))
        .unwrap_or(FALLBACK_OBJECTIVE)
}

fn metric(plan: &ServicePlan, slo: &Slo) -> Result<Value, Box<Diagnostic>> {
    let objective = objective(plan, slo);
    let period = slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
    let fast_page = burn_rate_windows(objective, period)[0];
    let threshold = page_threshold(objective, period);
    let query = error_ratio(plan, slo, &fast_page.short.to_string())?;
    Ok(json!({
        "name": slo.name.value,
        "interval": ANALYSIS_INTERVAL,
        "count": ANALYSIS_COUNT,
        "failureLimit": FAILURE_LIMIT,
        "failureCondition": format!("result[0] > {}", promql::number(threshold)),
        "provider": { "prometheus": { "address": PROMETHEUS_ADDRESS, "query": query } },
    }))
}

/// Fails while the alert fires: Prometheus keeps every alert it evaluates as an `ALERTS` series,
/// labelled with the alert's name, its state and the rule's labels (`feature` among them). The
/// alert's own `for` has already waited, so one firing measurement aborts.
fn alert_metric(plan: &ServicePlan, alert: &Alert) -> Value {
    let query = format!(
        "sum(ALERTS{{alertname=\"{}\",alertstate=\"firing\",feature=\"{}\"}}) or vector(0)",
        promql::escape(&alert.name.value),
        promql::escape(&plan.feature.name.value)
    );
    json!({
        "name": format!("alert-{}", alert.name.value),
        "interval": ANALYSIS_INTERVAL,
        "count": ANALYSIS_COUNT,
        "failureLimit": 0,
        "failureCondition": "result[0] > 0",
        "provider": { "prometheus": { "address": PROMETHEUS_ADDRESS, "query": query } },
    })
}

/// The SLO's error ratio over `window`, as the alerts query it.
fn error_ratio(plan: &ServicePlan, slo: &Slo, window: &str) -> Result<String, Box<Diagnostic>> {
    let feature = plan.feature.name.value.as_str();
    let service = slo
        .service
        .as_ref()
        .map_or(plan.service.name.value.as_str(), |s| s.value.as_str());
    let job = object_name(feature, service);
    let scope = promql::SliScope {
        feature,
        service,
        job: &job,
        namespace: plan.namespace,
    };
    promql::error_ratio(slo, &scope, window).map_err(|(span, why)| {
        Box::new(
            Diagnostic::error(
                "invalid-value",
                span,
                format!("the canary cannot query SLO `{}`: {why}", slo.name.value),
            )
            .with_label("used by `rollback-when`")
            .with_help(crate::promql::INDICATOR_HELP),
        )
    })
}

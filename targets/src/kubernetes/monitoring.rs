//! How Prometheus finds a service's metrics: `prometheus.io/*` annotations on the pods, or a
//! prometheus-operator ServiceMonitor when the workspace says `prometheus scrape="service-monitor"`;
//! and the feature's rules as a `PrometheusRule` when it says `prometheus rule-format="operator"`.

use gantry::ast::Feature;
use gantry::model::Model;
use serde_json::{Value, json};

use super::labels;
use super::output::Output;
use super::plan::{ServicePlan, ServiceRole};

fn uses_service_monitor(plan: &ServicePlan) -> bool {
    plan.model
        .workspace
        .prometheus_scrape
        .as_ref()
        .is_some_and(|s| s.value == "service-monitor")
}

pub fn scrape_annotations(plan: &ServicePlan) -> Option<Value> {
    let metrics = plan.metrics.as_ref()?;
    if uses_service_monitor(plan) {
        return None;
    }
    Some(json!({
        "prometheus.io/scrape": "true",
        "prometheus.io/path": metrics.path,
        "prometheus.io/port": metrics.number.to_string(),
    }))
}

/// Scrapes through the main Service only: the canary and stable Services select the same pods,
/// and scraping them too would count every request twice. The job label is the Service's name,
/// `FEATURE-SERVICE`, which the SLO queries expect.
pub fn service_monitor(plan: &ServicePlan) -> Option<Value> {
    let metrics = plan.metrics.as_ref()?;
    if !uses_service_monitor(plan) || plan.port.is_none() && !metrics.separate {
        return None;
    }
    let mut selector = labels::selector(plan);
    selector[labels::SERVICE_ROLE] = json!(ServiceRole::Main.as_str());
    let mut endpoint = json!({ "port": metrics.port_name, "path": metrics.path, "scheme": "http" });
    if let Some(interval) = &metrics.interval {
        endpoint["interval"] = json!(interval);
    }
    Some(json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": labels::metadata(plan, &plan.name),
        "spec": {
            "selector": { "matchLabels": selector },
            "namespaceSelector": { "matchNames": [plan.namespace] },
            "endpoints": [endpoint],
        },
    }))
}

/// Whether the workspace delivers its rules to the prometheus-operator as well.
fn uses_prometheus_rule(model: &Model) -> bool {
    model
        .workspace
        .prometheus_rule_format
        .as_ref()
        .is_some_and(|f| matches!(f.value.as_str(), "operator" | "both"))
}

/// The feature's rule groups as a prometheus-operator `PrometheusRule` in its namespace, the same
/// groups as the prometheus target's `FEATURE/slo-rules.yaml` (which stays the file promtool
/// tests).
pub fn prometheus_rule(model: &Model, feature: &Feature, out: &mut Output) -> Option<Value> {
    if !uses_prometheus_rule(model) {
        return None;
    }
    let groups = match crate::prometheus::rule_groups(model, feature) {
        Ok(groups) => groups?,
        Err(diagnostics) => {
            for d in diagnostics {
                out.error(d);
            }
            return None;
        }
    };
    let name = &feature.name.value;
    Some(json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": name,
            "namespace": name,
            "labels": labels::common(feature, name),
        },
        "spec": { "groups": groups },
    }))
}

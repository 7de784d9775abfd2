//! How Prometheus finds a service's metrics: `prometheus.io/*` annotations on the pods, or a
//! prometheus-operator ServiceMonitor when the workspace says `prometheus scrape="service-monitor"`.

use serde_json::{Value, json};

use super::labels;
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

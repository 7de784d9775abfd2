//! A service's NetworkPolicy: ingress denied except from the services that declare
//! `depends-on` it, from the ingress controller's namespace when the service is exposed, and
//! from the Prometheus scraper on the metrics port.

use serde_json::{Value, json};

use super::labels;
use super::plan::{ServicePlan, object_name};

/// The labels of the Prometheus pods allowed to scrape, in any namespace: those the
/// prometheus-operator and the community chart give their servers.
const PROMETHEUS_POD: (&str, &str) = ("app.kubernetes.io/name", "prometheus");

pub fn policy(plan: &ServicePlan) -> Value {
    let mut ingress = Vec::new();
    let callers = callers(plan);
    if let (Some((port, _)), false) = (&plan.port, callers.is_empty()) {
        ingress.push(json!({
            "from": callers,
            "ports": [{ "port": port, "protocol": "TCP" }],
        }));
    }
    if let (Some((port, _)), Some(_)) = (&plan.port, &plan.service.expose) {
        ingress.push(json!({
            "from": [{
                "namespaceSelector": {
                    "matchLabels": {
                        "kubernetes.io/metadata.name": super::ingress::controller_namespace(plan),
                    },
                },
            }],
            "ports": [{ "port": port, "protocol": "TCP" }],
        }));
    }
    if let Some(metrics) = &plan.metrics {
        ingress.push(json!({
            "from": [{
                "namespaceSelector": {},
                "podSelector": { "matchLabels": { PROMETHEUS_POD.0: PROMETHEUS_POD.1 } },
            }],
            "ports": [{ "port": metrics.number, "protocol": "TCP" }],
        }));
    }
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": labels::metadata(plan, &plan.name),
        "spec": {
            "podSelector": { "matchLabels": labels::selector(plan) },
            "policyTypes": ["Ingress"],
            "ingress": ingress,
        },
    })
}

/// One peer per service that depends on this one, selected by namespace and pod labels.
fn callers(plan: &ServicePlan) -> Vec<Value> {
    let mut peers = Vec::new();
    for feature in &plan.model.features {
        for service in &feature.services {
            let calls_us = service.depends_on.iter().any(|dep| {
                let dep_feature = dep.value.feature.as_deref().unwrap_or(&feature.name.value);
                dep_feature == plan.feature.name.value && dep.value.name == plan.service.name.value
            });
            if !calls_us {
                continue;
            }
            let name = object_name(&feature.name.value, &service.name.value);
            peers.push(json!({
                "namespaceSelector": {
                    "matchLabels": { "kubernetes.io/metadata.name": feature.name.value },
                },
                "podSelector": {
                    "matchLabels": { labels::NAME: name, labels::PART_OF: feature.name.value },
                },
            }));
        }
    }
    peers
}

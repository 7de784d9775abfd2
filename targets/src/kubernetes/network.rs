//! A service's NetworkPolicy: ingress denied except from the services that declare
//! `depends-on` it, from the ingress controller's namespace when the service is exposed, and
//! from the Prometheus scraper on the metrics port.

use std::collections::HashMap;

use gantry::model::Model;
use serde_json::{Value, json};

use super::labels;
use super::plan::{ServicePlan, object_name};

/// The labels of the Prometheus pods allowed to scrape, in any namespace: those the
/// prometheus-operator and the community chart give their servers.
const PROMETHEUS_POD: (&str, &str) = ("app.kubernetes.io/name", "prometheus");

pub fn policy(plan: &ServicePlan, callers: &Callers) -> Value {
    let mut ingress = Vec::new();
    let callers = peers(plan, callers);
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

/// Who calls each service: by the called feature and service, every caller's feature and
/// service, in the order of the model. Built once per model, so that a policy does not scan
/// every service of the workspace.
pub struct Callers<'m> {
    by_callee: HashMap<(&'m str, &'m str), Vec<(&'m str, &'m str)>>,
}

impl<'m> Callers<'m> {
    pub fn of(model: &'m Model) -> Callers<'m> {
        let mut by_callee: HashMap<(&str, &str), Vec<(&str, &str)>> = HashMap::new();
        for feature in &model.features {
            let caller_feature = feature.name.value.as_str();
            for service in &feature.services {
                let mut called = Vec::new();
                for dep in &service.depends_on {
                    let callee = (
                        dep.value.feature.as_deref().unwrap_or(caller_feature),
                        dep.value.name.as_str(),
                    );
                    // A service that names the same dependency twice is one peer.
                    if !called.contains(&callee) {
                        called.push(callee);
                    }
                }
                for callee in called {
                    by_callee
                        .entry(callee)
                        .or_default()
                        .push((caller_feature, service.name.value.as_str()));
                }
            }
        }
        Callers { by_callee }
    }
}

/// One peer per service that depends on this one, selected by namespace and pod labels.
fn peers(plan: &ServicePlan, callers: &Callers) -> Vec<Value> {
    let key = (
        plan.feature.name.value.as_str(),
        plan.service.name.value.as_str(),
    );
    callers
        .by_callee
        .get(&key)
        .into_iter()
        .flatten()
        .map(|(feature, service)| {
            let name = object_name(feature, service);
            json!({
                "namespaceSelector": {
                    "matchLabels": { "kubernetes.io/metadata.name": feature },
                },
                "podSelector": {
                    "matchLabels": { labels::NAME: name, labels::PART_OF: feature },
                },
            })
        })
        .collect()
}

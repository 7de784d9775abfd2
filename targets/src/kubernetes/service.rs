//! A service's Services and ServiceAccount.

use serde_json::{Value, json};

use super::labels;
use super::plan::ServicePlan;

/// The pod's identity. It holds no token: gantry's workloads do not talk to the Kubernetes API.
pub fn service_account(plan: &ServicePlan) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": labels::metadata(plan, &plan.name),
        "automountServiceAccountToken": false,
    })
}

/// The main Service, and for a canary its `-canary` and `-stable` Services (Argo Rollouts points
/// each at one version), for a blue-green its `-preview` Service (the main one is the active).
pub fn services(plan: &ServicePlan) -> Vec<Value> {
    let ports = ports(plan);
    if ports.is_empty() {
        return Vec::new();
    }
    plan.service_names()
        .into_iter()
        .map(|(role, name)| {
            let mut metadata = labels::metadata(plan, &name);
            metadata["labels"][labels::SERVICE_ROLE] = json!(role.as_str());
            json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": metadata,
                "spec": {
                    "type": "ClusterIP",
                    "selector": labels::selector(plan),
                    "ports": ports,
                },
            })
        })
        .collect()
}

fn ports(plan: &ServicePlan) -> Vec<Value> {
    let mut ports = Vec::new();
    if let Some((number, name)) = &plan.port {
        ports.push(json!({
            "name": name,
            "port": number,
            "targetPort": name,
            "protocol": "TCP",
        }));
    }
    if let Some(metrics) = plan.metrics.as_ref().filter(|m| m.separate) {
        ports.push(json!({
            "name": metrics.port_name,
            "port": metrics.number,
            "targetPort": metrics.port_name,
            "protocol": "TCP",
        }));
    }
    ports
}

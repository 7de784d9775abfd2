//! Names, labels and metadata shared by every object.

use gantry::ast::Feature;
use serde_json::{Map, Value, json};

use super::plan::ServicePlan;

pub const NAME: &str = "app.kubernetes.io/name";
pub const PART_OF: &str = "app.kubernetes.io/part-of";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const OWNER: &str = "gantry.dev/owner";
/// Tells a service's Services apart (main, canary, stable, preview), so that a ServiceMonitor
/// scrapes each pod once, through the main Service.
pub const SERVICE_ROLE: &str = "gantry.dev/service-role";

/// The labels every object of a feature carries.
pub fn common(feature: &Feature, name: &str) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert(NAME.into(), json!(name));
    labels.insert(PART_OF.into(), json!(feature.name.value));
    labels.insert(MANAGED_BY.into(), json!("gantry"));
    if let Some(owner) = &feature.owner {
        labels.insert(OWNER.into(), json!(owner.value));
    }
    labels
}

/// The labels that select a service's pods: stable across versions, so never the image.
pub fn selector(plan: &ServicePlan) -> Value {
    json!({ NAME: plan.name, PART_OF: plan.feature.name.value })
}

/// `metadata` of a namespaced object of a service.
pub fn metadata(plan: &ServicePlan, name: &str) -> Value {
    json!({
        "name": name,
        "namespace": plan.namespace,
        "labels": common(plan.feature, &plan.name),
    })
}

/// The feature's Namespace. Pod Security Admission enforces `restricted`, which every pod gantry
/// emits meets: a hand-made pod that does not is refused rather than run.
pub fn namespace(feature: &Feature) -> Value {
    let mut labels = common(feature, &feature.name.value);
    labels.insert(
        "pod-security.kubernetes.io/enforce".into(),
        json!("restricted"),
    );
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": { "name": feature.name.value, "labels": labels },
    })
}

//! Who decides how many pods run: an HPA when the spec gives a range, and a PodDisruptionBudget
//! from the tier for voluntary disruptions (node drains).

use serde_json::{Value, json};

use super::labels;
use super::plan::ServicePlan;

/// The CPU utilisation an HPA aims at when the spec names none: leaves headroom for a spike
/// while new pods start.
const DEFAULT_TARGET_CPU: u32 = 75;

pub fn hpa(plan: &ServicePlan) -> Option<Value> {
    if !plan.has_hpa() {
        return None;
    }
    let target = plan
        .service
        .replicas
        .as_ref()
        .and_then(|r| r.target_cpu.as_ref())
        .map_or(DEFAULT_TARGET_CPU, |t| t.value);
    let (api_version, kind) = if plan.strategy.is_rollout() {
        ("argoproj.io/v1alpha1", "Rollout")
    } else {
        ("apps/v1", "Deployment")
    };
    Some(json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": labels::metadata(plan, &plan.name),
        "spec": {
            "scaleTargetRef": { "apiVersion": api_version, "kind": kind, "name": plan.name },
            "minReplicas": plan.replicas_min,
            "maxReplicas": plan.replicas_max,
            "metrics": [{
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": { "type": "Utilization", "averageUtilization": target },
                },
            }],
        },
    }))
}

/// The tier's bound; one pod at a time when the tier gives none.
pub fn pdb(plan: &ServicePlan) -> Value {
    let tier = plan.tier;
    let (key, bound) = match (
        tier.and_then(|t| t.min_available.as_deref()),
        tier.and_then(|t| t.max_unavailable.as_deref()),
    ) {
        (Some(min), _) => ("minAvailable", int_or_percent(min)),
        (None, Some(max)) => ("maxUnavailable", int_or_percent(max)),
        (None, None) => ("maxUnavailable", json!(1)),
    };
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": labels::metadata(plan, &plan.name),
        "spec": {
            key: bound,
            "selector": { "matchLabels": labels::selector(plan) },
        },
    })
}

/// Kubernetes reads a string bound as a percentage: the count `"1"` must be the number 1.
fn int_or_percent(text: &str) -> Value {
    match text.parse::<u32>() {
        Ok(n) => json!(n),
        Err(_) => json!(text),
    }
}

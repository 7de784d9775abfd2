//! A service's workload: a Deployment for rolling deploys, an Argo Rollouts `Rollout` for canary
//! and blue-green ones. The deploy's steps were checked the way the Argo controller checks them
//! (`gantry::coherence`), so a bad step is a diagnostic on the spec rather than a Rollout that
//! never starts.

use gantry::values::Duration;
use serde_json::{Map, Value, json};

use super::analysis;
use super::labels;
use super::plan::{ServicePlan, ServiceRole, Strategy};

/// Old ReplicaSets kept for `kubectl rollout undo` and Argo's instant rollback.
const REVISION_HISTORY: u32 = 5;

pub fn workload(plan: &ServicePlan, template: Value) -> Value {
    let mut spec = Map::new();
    // Under an HPA the autoscaler owns the count: a `replicas` here would reset it on every apply.
    if !plan.has_hpa() {
        spec.insert("replicas".into(), json!(plan.replicas_min));
    }
    spec.insert("revisionHistoryLimit".into(), json!(REVISION_HISTORY));
    spec.insert(
        "selector".into(),
        json!({ "matchLabels": labels::selector(plan) }),
    );
    spec.insert("template".into(), template);
    let metadata = labels::metadata(plan, &plan.name);
    let (api_version, kind, strategy) = match plan.strategy {
        Strategy::Rolling => (
            "apps/v1",
            "Deployment",
            json!({
                "type": "RollingUpdate",
                // Never below the wanted count during a rollout: a new pod is ready before an
                // old one goes.
                "rollingUpdate": { "maxUnavailable": 0, "maxSurge": "25%" },
            }),
        ),
        Strategy::Canary => (
            "argoproj.io/v1alpha1",
            "Rollout",
            json!({ "canary": canary(plan) }),
        ),
        Strategy::BlueGreen => (
            "argoproj.io/v1alpha1",
            "Rollout",
            json!({ "blueGreen": blue_green(plan) }),
        ),
    };
    spec.insert("strategy".into(), strategy);
    let mut object = json!({ "apiVersion": api_version, "kind": kind });
    // Moved in: `json!` would copy the pod template by serializing it.
    object["metadata"] = metadata;
    object["spec"] = Value::Object(spec);
    object
}

fn service_name(plan: &ServicePlan, role: ServiceRole) -> String {
    plan.service_names()
        .into_iter()
        .find(|(r, _)| *r == role)
        .map_or_else(|| plan.name.clone(), |(_, name)| name)
}

/// Each spec step becomes `setWeight`, then its wait (`pause: {duration}`), then the analysis of
/// the error budget at that weight, then `pause: {}` when a human approves the step.
fn canary(plan: &ServicePlan) -> Value {
    let analysis = analysis::has_metrics(plan).then(|| {
        json!({ "analysis": { "templates": [{ "templateName": analysis::template_name(plan) }] } })
    });
    let mut steps = Vec::new();
    for step in plan.deploy.map_or(&[][..], |d| &d.steps) {
        if let Some(weight) = &step.weight {
            steps.push(json!({ "setWeight": weight.value }));
        }
        if let Some(pause) = &step.pause {
            steps.push(json!({ "pause": { "duration": go_duration(pause.value) } }));
        }
        if let (Some(analysis), Some(_)) = (&analysis, &step.weight) {
            steps.push(analysis.clone());
        }
        if step.approve.is_some() {
            steps.push(json!({ "pause": {} }));
        }
    }
    json!({
        "canaryService": service_name(plan, ServiceRole::Canary),
        "stableService": service_name(plan, ServiceRole::Stable),
        "steps": steps,
    })
}

/// The weight-0 step's wait is how long the preview runs before the switch; the weight-100
/// step's wait is how long the old version stays up for an instant switch back. An approval
/// anywhere turns automatic promotion off.
fn blue_green(plan: &ServicePlan) -> Value {
    let steps = plan.deploy.map_or(&[][..], |d| &d.steps);
    let mut strategy = Map::new();
    strategy.insert(
        "activeService".into(),
        json!(service_name(plan, ServiceRole::Main)),
    );
    strategy.insert(
        "previewService".into(),
        json!(service_name(plan, ServiceRole::Preview)),
    );
    let approved = steps.iter().any(|s| s.approve.is_some());
    strategy.insert("autoPromotionEnabled".into(), json!(!approved));
    let wait_at = |weight: u32| {
        steps
            .iter()
            .find(|s| s.weight.as_ref().is_some_and(|w| w.value == weight))
            .and_then(|s| s.pause.as_ref())
            .map(|p| p.value.millis.div_ceil(1000))
    };
    if let (Some(seconds), false) = (wait_at(0), approved) {
        strategy.insert("autoPromotionSeconds".into(), json!(seconds));
    }
    if let Some(seconds) = wait_at(100) {
        strategy.insert("scaleDownDelaySeconds".into(), json!(seconds));
    }
    if analysis::has_metrics(plan) {
        strategy.insert(
            "prePromotionAnalysis".into(),
            json!({ "templates": [{ "templateName": analysis::template_name(plan) }] }),
        );
    }
    Value::Object(strategy)
}

/// A duration as Go's `time.ParseDuration` reads it (Argo's durations): no days, so `30d` is
/// `720h`.
pub fn go_duration(duration: Duration) -> String {
    let millis = duration.millis;
    if millis == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_have_no_days() {
        assert_eq!(go_duration(Duration::from_minutes(30 * 24 * 60)), "720h");
        assert_eq!(go_duration(Duration::from_minutes(90)), "1h30m");
        assert_eq!(go_duration(Duration { millis: 500 }), "500ms");
    }
}
